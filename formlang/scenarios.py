"""Scenario tests inside a form: `test "…" { given … expect … }` (resolver stage).

Here they are parsed and type-checked: every name in `given` must be a field
of the form, every value must fit its field, and every `expect` must be a
yes/no expression (with the test functions visible(), required(), error()…).
Running them is the validator's job.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from formlang import diagnostics as d
from formlang import ir
from formlang import syntax as s
from formlang.exprs import ExprChecker
from formlang.scope import Scope, Symbol, did_you_mean
from formlang.types import Kind, Type


def scenarios(
    doc: s.Document, root: Scope, checker: ExprChecker, diags: d.Collector
) -> tuple[ir.Scenario, ...]:
    out = []
    names: dict[str, s.Test] = {}
    for item in doc.items:
        if not isinstance(item, s.Test):
            continue
        name = item.name.value
        if name in names:
            diags.error(
                "FL803",
                f'there is already a test named "{name}"',
                item.name.span,
                related=[d.Related("first defined", names[name].name.span)],
            )
        names[name] = item
        out.append(_scenario(item, root, checker, diags))
    return tuple(out)


def _scenario(test: s.Test, root: Scope, checker: ExprChecker, diags: d.Collector) -> ir.Scenario:
    given: dict[str, object] = {}
    today: dt.date | None = None
    expectations = []
    for item in test.items:
        if isinstance(item, s.Given):
            given.update(_object(item.data, root, diags))
        elif isinstance(item, s.Today):
            value, _ = checker.literal_value(item.date)
            today = value if isinstance(value, dt.date) else None
        else:
            expectations.append(_expectation(item, root, checker))
    if not expectations:
        diags.error(
            "FL802",
            f'the test "{test.name.value}" expects nothing',
            test.name.span,
            hint="add a line such as: expect valid",
        )
    return ir.Scenario(
        name=test.name.value,
        given=given,
        today=today,
        expectations=tuple(expectations),
        span=test.span,
    )


def _expectation(item: s.Expect, root: Scope, checker: ExprChecker) -> ir.Expectation:
    if item.expr is None:
        return ir.Expectation(kind=item.kind, span=item.span)
    checker.test_mode = True
    try:
        expr = checker.condition(item.expr, root, "an expectation")
    finally:
        checker.test_mode = False
    return ir.Expectation(kind="expr", expr=expr, span=item.span)


# ---- given data -----------------------------------------------------------------------


def _object(node: s.DataObject, scope: Scope, diags: d.Collector) -> dict[str, object]:
    out: dict[str, object] = {}
    for pair in node.pairs:
        key = pair.key.raw
        symbol = _member(scope, key)
        if symbol is None:
            diags.error(
                "FL800",
                f"the test data names '{key}', which is not a field here",
                pair.key.span,
                hint=did_you_mean(key, _members(scope)),
            )
            continue
        if key in out:
            diags.error("FL800", f"'{key}' is given twice", pair.key.span)
        out[key] = _value(pair.value, symbol, diags)
    return out


def _member(scope: Scope, name: str) -> Symbol | None:
    return scope.symbols.get(name)


def _members(scope: Scope) -> list[str]:
    return list(scope.symbols)


def _value(node: s.DataValue, symbol: Symbol, diags: d.Collector) -> object:
    if isinstance(node, s.Literal) and node.kind == "null":
        return None
    if symbol.kind == "group" or (symbol.kind == "alternative" and isinstance(node, s.DataObject)):
        return _nested(node, symbol, diags)
    if symbol.kind == "repeat":
        return _rows(node, symbol, diags)
    return _scalar(node, symbol, diags)


def _nested(node: s.DataValue, symbol: Symbol, diags: d.Collector) -> object:
    if not isinstance(node, s.DataObject) or symbol.scope is None:
        diags.error("FL801", f"'{symbol.name}' is a group: give its fields in {{ … }}", node.span)
        return None
    return _object(node, symbol.scope, diags)


def _rows(node: s.DataValue, symbol: Symbol, diags: d.Collector) -> object:
    if not isinstance(node, s.DataList) or symbol.scope is None:
        diags.error(
            "FL801", f"'{symbol.name}' is a repeat: give its rows in [{{ … }}, {{ … }}]", node.span
        )
        return None
    rows = []
    for row in node.items:
        if isinstance(row, s.DataObject):
            rows.append(_object(row, symbol.scope, diags))
        else:
            diags.error(
                "FL801", f"each row of '{symbol.name}' is written {{ field: value }}", row.span
            )
    return rows


def _scalar(node: s.DataValue, symbol: Symbol, diags: d.Collector) -> object:
    type_ = symbol.type or Type(Kind.ANY)
    if type_.kind is Kind.CODES:
        if isinstance(node, s.DataList):
            return [
                _one(item, Type(Kind.CODE, codelist=type_.codelist), symbol, diags)
                for item in node.items
            ]
        diags.error(
            "FL801", f"'{symbol.name}' is a multiple choice: give a list [\"…\"]", node.span
        )
        return None
    if type_.kind is Kind.FILE:
        return _file(node, symbol, diags)
    if not isinstance(node, s.Literal):
        diags.error("FL801", f"'{symbol.name}' takes a single value here", node.span)
        return None
    return _one(node, type_, symbol, diags)


# A file in test data is what a submission holds (docs/submission-format.md).
_FILE_KEYS = ("name", "media_type", "size", "sha256", "ref")
_FILE_REQUIRED = ("name", "media_type", "size")
_FILE_HINT = 'write a file as { name: "bescheid.pdf", media_type: "application/pdf", size: 48213 }'


def _file(node: s.DataValue, symbol: Symbol, diags: d.Collector) -> object:
    if not isinstance(node, s.DataObject):
        diags.error(
            "FL801",
            f"'{symbol.name}' is a file; this value does not fit",
            node.span,
            hint=_FILE_HINT,
        )
        return None
    out: dict[str, object] = {}
    for pair in node.pairs:
        key = pair.key.raw
        value = _python(pair.value) if isinstance(pair.value, s.Literal) else _NOTHING
        if key not in _FILE_KEYS:
            diags.error(
                "FL801",
                f"a file has no '{key}'",
                pair.key.span,
                hint=f"a file has {', '.join(_FILE_KEYS)}",
            )
        elif key == "size" and not (isinstance(value, int) and value >= 0):
            diags.error("FL801", "the size of a file is a whole number of bytes", pair.value.span)
        elif key != "size" and not isinstance(value, str):
            diags.error("FL801", f"the {key} of a file is a text in quotes", pair.value.span)
        else:
            out[key] = value
    missing = [key for key in _FILE_REQUIRED if key not in out]
    if missing and len(out) == len(node.pairs):
        diags.error(
            "FL801",
            f"the file for '{symbol.name}' needs {' and '.join(missing)}",
            node.span,
            hint=_FILE_HINT,
        )
    return out


def _one(node: s.DataValue, type_: Type, symbol: Symbol, diags: d.Collector) -> object:
    value = _python(node) if isinstance(node, s.Literal) else _NOTHING
    if value is not _NOTHING and _fits(value, type_, symbol):
        return value
    diags.error(
        "FL801",
        f"'{symbol.name}' holds {type_.describe()}; this value does not fit",
        node.span,
        hint=_example(type_),
    )
    return None


_NOTHING = object()


def _python(node: s.Literal) -> object:
    raw = node.raw
    if node.kind == "number":
        return Decimal(raw) if "." in raw else int(raw)
    if node.kind == "string":
        return s.unquote(raw)
    if node.kind in ("true", "false"):
        return node.kind == "true"
    if node.kind in ("date", "time", "datetime"):
        return raw
    return _NOTHING


def _fits(value: object, type_: Type, symbol: Symbol) -> bool:
    kind = type_.kind
    if kind is Kind.ANY:
        return True
    if isinstance(value, bool):
        return kind is Kind.BOOLEAN
    if isinstance(value, int | Decimal):
        return kind in (Kind.DECIMAL, Kind.MONEY) or (
            kind is Kind.INTEGER and isinstance(value, int)
        )
    if not isinstance(value, str):
        return False
    if kind in (Kind.DATE, Kind.TIME, Kind.DATETIME):
        parse: Any = {Kind.DATE: dt.date, Kind.TIME: dt.time, Kind.DATETIME: dt.datetime}[kind]
        try:
            parse.fromisoformat(value)
        except ValueError:
            return False
        return True
    if kind is Kind.CODE:
        codelist = symbol.codelist
        return codelist is None or codelist.code(value) is not None
    return kind in (Kind.TEXT, Kind.MONEY, Kind.DECIMAL) and not (
        kind in (Kind.MONEY, Kind.DECIMAL) and not _is_number(value)
    )


def _is_number(value: str) -> bool:
    try:
        Decimal(value)
    except ArithmeticError:
        return False
    return True


def _example(type_: Type) -> str | None:
    return {
        Kind.DATE: "write a date such as 2024-01-31",
        Kind.TIME: "write a time such as 08:30",
        Kind.BOOLEAN: "write true or false",
        Kind.INTEGER: "write a whole number",
        Kind.CODE: "write one of its codes in quotes",
        Kind.TEXT: 'write a text in quotes: "…"',
    }.get(type_.kind)
