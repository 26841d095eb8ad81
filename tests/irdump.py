"""A deterministic JSON dump of the IR, for the goldens of tests/test_ir.py.

Records are walked through their fields (`Record.fields()`), in declaration
order, each with its class name under "_type"; spans are left out; enums
become their value, `Decimal`, dates and times their ISO text; a `Text`
becomes `{lang: text}`; a `Type` its kind with the code list key or item
type. Absolute paths (the keys of file code lists) are made relative to the
repository root, so the dump is the same on every machine. Code lists longer
than `MAX_CODES` keep their first codes and say how many there are.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from formlang import ir
from formlang.record import Record
from formlang.source import Span
from formlang.types import Type

REPO_ROOT = Path(__file__).resolve().parent.parent
MAX_CODES = 8


def dump(form: ir.Form) -> str:
    """The IR of `form` as indented JSON text, ending with a newline."""
    return json.dumps(to_data(form), ensure_ascii=False, indent=2) + "\n"


def to_data(value: object) -> Any:
    if isinstance(value, ir.Text):
        return {lang: text for lang, text in value.translations}
    if isinstance(value, ir.CodeList):
        return _codelist(value)
    if isinstance(value, Record):
        out: dict[str, Any] = {"_type": type(value).__name__}
        for name in value.fields():
            item = getattr(value, name)
            if not isinstance(item, Span):
                out[name] = to_data(item)
        return out
    if isinstance(value, Type):
        return _type(value)
    if isinstance(value, ir.Duration):
        return {"_type": "Duration", **dataclasses.asdict(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bool | int | None):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, str):
        return _relative(value)
    if isinstance(value, tuple | list):
        return [to_data(item) for item in value]
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    raise TypeError(f"the IR dump does not know {type(value).__name__}")


def _type(value: Type) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": value.kind.value}
    if value.codelist is not None:
        out["codelist"] = _relative(value.codelist)
    if value.item is not None:
        out["item"] = _type(value.item)
    return out


def _codelist(value: ir.CodeList) -> dict[str, Any]:
    out = {
        "_type": "CodeList",
        "key": _relative(value.key),
        "name": value.name,
        "label": to_data(value.label),
        "uri": value.uri,
        "version": value.version,
        "source": value.source,
        "codes": {code.value: to_data(code.label) for code in value.codes[:MAX_CODES]},
    }
    if len(value.codes) > MAX_CODES:
        out["codes_total"] = len(value.codes)
    return out


def _relative(text: str) -> str:
    return text.replace(f"{REPO_ROOT}/", "")
