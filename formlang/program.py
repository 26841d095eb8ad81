"""The rule program: IR expressions as JSON, for the `x-formlang` vocabulary and the browser.

The JSON Schema compiler and the HTML renderer carry every condition,
computed value and rule in this form, and the browser runtime evaluates it
with the same rules as `formlang.evaluate`. Shapes (documented in
docs/x-formlang.md and schemas/x-formlang.schema.json):

- a literal: a JSON string, integer, boolean or null, or a tagged value
  `{"date": "2024-01-31"}`, `{"time": "08:30"}`, `{"datetime": "…"}`,
  `{"decimal": "12.50"}`, `{"duration": [years, months, days]}`;
- a reference: `{"ref": ["group", "field"], "repeats": [["group"]], "bound": 0, "kind": "field"}`;
- an operator: `{"op": "==", "args": [a, b]}` (also "not", "neg");
- a call: `{"call": "today", "args": []}`;
- a list: `{"list": [a, b]}`.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
from decimal import Decimal
from typing import Any

from formlang import ir
from formlang.record import Record
from formlang.types import Type


def expr_json(expr: ir.Expr) -> Any:
    if isinstance(expr, ir.Literal):
        return literal_json(expr.value)
    if isinstance(expr, ir.Ref):
        return {
            "ref": list(expr.path),
            "repeats": [list(r) for r in expr.repeats],
            "bound": expr.bound,
            "kind": expr.kind,
        }
    if isinstance(expr, ir.Unary):
        return {"op": "not" if expr.op == "not" else "neg", "args": [expr_json(expr.operand)]}
    if isinstance(expr, ir.Binary):
        return {"op": expr.op, "args": [expr_json(expr.left), expr_json(expr.right)]}
    if isinstance(expr, ir.Call):
        return {"call": expr.func, "args": [expr_json(a) for a in expr.args]}
    return {"list": [expr_json(item) for item in expr.items]}


def literal_json(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, Decimal):
        return {"decimal": format(value, "f")}
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat(timespec="minutes" if not value.second else "seconds")}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"time": value.isoformat(timespec="minutes" if not value.second else "seconds")}
    if isinstance(value, ir.Duration):
        return {"duration": [value.years, value.months, value.days]}
    if isinstance(value, tuple):
        return [literal_json(v) for v in value]
    raise TypeError(f"no JSON form for {value!r}")


def fingerprint(form: ir.Form) -> str:
    """A content hash of the resolved form (modules and code lists included).

    Code-list keys and module markers name files by where they were found;
    they are replaced by content-based ids so the hash is the same on every
    machine.
    """
    stable = {cl.key: _codelist_id(cl) for cl in codelists_of(form)}
    canonical = json.dumps(_plain(form, stable), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def codelists_of(form: ir.Form) -> list[ir.CodeList]:
    """Every code list the form uses: declared, imported or inline."""
    found = {cl.key: cl for cl in form.codelists}
    for element in ir.walk(form.children):
        codelist = getattr(element, "codelist", None)
        if codelist is not None:
            found.setdefault(codelist.key, codelist)
    return list(found.values())


def _codelist_id(codelist: ir.CodeList) -> str:
    content = json.dumps([[c.value, c.label.translations] for c in codelist.codes])
    return f"{codelist.name}#{hashlib.sha256(content.encode()).hexdigest()[:16]}"


_UNSTABLE = {"path", "module"}


def _plain(value: Any, stable: dict[str, str]) -> Any:
    if isinstance(value, Record):
        out: dict[str, Any] = {"_": type(value).__name__}
        for name in value._compare:
            if name == "module" or (name == "path" and isinstance(value, ir.Form)):
                continue
            out[name] = _plain(getattr(value, name), stable)
        return out
    if isinstance(value, tuple | list):
        return [_plain(v, stable) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v, stable) for k, v in value.items()}
    if isinstance(value, Type):
        return [
            value.kind.value,
            _stable_key(value.codelist, stable),
            _plain(value.item, stable),
        ]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, str):
        return stable.get(value, value) if "#" not in value else _stable_key(value, stable)
    return literal_json(value)


def _stable_key(key: str | None, stable: dict[str, str]) -> str | None:
    """A code list's key without the folder its file was found in."""
    if key is None or key in stable:
        return stable.get(key or "", key)
    file, sep, rest = key.partition("#")
    return file.replace("\\", "/").rsplit("/", 1)[-1] + sep + rest
