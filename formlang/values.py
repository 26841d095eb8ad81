"""Checking one submitted value against its field (validator stage).

`check_value` returns the canonical value (the spelling the JSON Schema
describes: decimals as strings, whole-number floats as integers) and the
problems found, as (message code, limit) pairs. It mirrors the schema's
keywords (the patterns are the same objects, from `schema_fields`), so a
value passes here exactly when it passes the compiled schema — and adds
what the schema cannot say: check digits, decimal and date bounds.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from formlang import ir
from formlang.patterns import portable
from formlang.schema_fields import MAX_LENGTHS, MAX_SAFE_INTEGER, PATTERNS
from formlang.types import FieldKind

Problem = tuple[str, Any]
_COMPILED = {kind: re.compile(p, re.ASCII) for kind, p in PATTERNS.items()}
_TYPE_CODES = {
    FieldKind.EMAIL: "type_email",
    FieldKind.PHONE: "type_phone",
    FieldKind.URL: "type_url",
    FieldKind.POSTAL_CODE: "type_postal_code",
    FieldKind.IBAN: "type_iban",
    FieldKind.BIC: "type_bic",
    FieldKind.TAX_ID: "type_tax_id",
}
_pattern_cache: dict[str, re.Pattern[str]] = {}
_SURROGATE = re.compile("[\ud800-\udfff]")
_TOO_LONG = 10**4000


def check_value(field: ir.Field, value: Any, bounds: dict[str, Any]) -> tuple[Any, list[Problem]]:
    """`bounds` holds the field's min/max/step, evaluated for today."""
    checker = _CHECKERS[field.kind]
    return checker(field, value, bounds)


def _pattern(source: str) -> re.Pattern[str]:
    found = _pattern_cache.get(source)
    if found is None:
        found = _pattern_cache[source] = re.compile(f"(?:{source})", re.ASCII)
    return found


def _text(field: ir.Field, value: Any, bounds: dict[str, Any]) -> tuple[Any, list[Problem]]:
    if not isinstance(value, str) or _SURROGATE.search(value):
        return value, [("type_text", None)]  # a lone surrogate ("\ud800") is not text
    kind = field.kind
    if kind in _COMPILED and not _COMPILED[kind].fullmatch(value):
        return value, [(_TYPE_CODES[kind], None)]
    problems: list[Problem] = []
    c = field.constraints
    length = len(value)
    limit = MAX_LENGTHS.get(kind)
    if c.max_length is not None and length > c.max_length:
        problems.append(("max_length", c.max_length))
    elif limit is not None and length > limit:
        problems.append(("max_length", limit))
    if c.min_length is not None and length < c.min_length:
        problems.append(("min_length", c.min_length))
    if c.pattern is not None and not _pattern(portable(c.pattern)).fullmatch(value):
        problems.append(("pattern", None))
    if not problems and kind is FieldKind.IBAN and not _iban_ok(value):
        problems.append(("iban_checksum", None))
    if not problems and kind is FieldKind.BIC and not _bic_ok(value):
        problems.append(("type_bic", None))
    if not problems and kind is FieldKind.TAX_ID and not _tax_id_ok(value):
        problems.append(("tax_id_checksum", None))
    return value, problems


def _iban_ok(value: str) -> bool:
    """Country, length and check digits (schwifty, imported on first use)."""
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    try:
        IBAN(value)
    except SchwiftyException:
        return False
    return True


def _bic_ok(value: str) -> bool:
    from schwifty import BIC
    from schwifty.exceptions import SchwiftyException

    try:
        BIC(value)
    except SchwiftyException:
        return False
    return True


def _tax_id_ok(value: str) -> bool:
    from stdnum.de import idnr

    return bool(idnr.is_valid(value))


def _integer(field: ir.Field, value: Any, bounds: dict[str, Any]) -> tuple[Any, list[Problem]]:
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return value, [("type_integer", None)]
    problems = _number_bounds(Decimal(value), bounds)
    if not problems and abs(value) > MAX_SAFE_INTEGER:  # as the schema says
        problems = [("max", MAX_SAFE_INTEGER) if value > 0 else ("min", -MAX_SAFE_INTEGER)]
    return value, problems


def _decimal(field: ir.Field, value: Any, bounds: dict[str, Any]) -> tuple[Any, list[Problem]]:
    code = "type_money" if field.kind is FieldKind.MONEY else "type_decimal"
    canonical = _decimal_text(value)
    if canonical is None or not _COMPILED[field.kind].fullmatch(canonical):
        return value, [(code, None)]
    return canonical, _number_bounds(Decimal(canonical), bounds)


def _decimal_text(value: Any) -> str | None:
    """A JSON number or decimal string, written as a plain decimal string."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value) if abs(value) < _TOO_LONG else None  # str() refuses 4300 digits
    if isinstance(value, float) and math.isfinite(value):
        text = format(Decimal(repr(value)), "f")
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, Decimal) and value.is_finite():
        return format(value, "f")
    return None


def _number_bounds(number: Decimal, bounds: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    low, high, step = bounds.get("min"), bounds.get("max"), bounds.get("step")
    if low is not None and number < low:
        problems.append(("min", low))
    if high is not None and number > high:
        problems.append(("max", high))
    if step:
        base = Decimal(low) if low is not None else Decimal(0)
        try:
            if (number - base) % Decimal(step) != 0:
                problems.append(("step", step))
        except InvalidOperation:
            problems.append(("step", step))
    return problems


def _boolean(field: ir.Field, value: Any, bounds: dict[str, Any]) -> tuple[Any, list[Problem]]:
    if not isinstance(value, bool):
        return value, [("type_boolean", None)]
    return value, []


def _consent(field: ir.Field, value: Any, bounds: dict[str, Any]) -> tuple[Any, list[Problem]]:
    if value is not True:
        return value, [("required_consent", None)]
    return value, []


def _temporal(
    parse: Callable[[str], Any], code: str, prefix: str
) -> Callable[[ir.Field, Any, dict[str, Any]], tuple[Any, list[Problem]]]:
    def check(field: ir.Field, value: Any, bounds: dict[str, Any]) -> tuple[Any, list[Problem]]:
        if not isinstance(value, str) or not _COMPILED[field.kind].fullmatch(value):
            return value, [(code, None)]
        try:
            parsed = parse(value)
        except ValueError:
            return value, [(code, None)]
        return value, _temporal_bounds(parsed, bounds, prefix)

    return check


def _temporal_bounds(parsed: Any, bounds: dict[str, Any], prefix: str) -> list[Problem]:
    problems: list[Problem] = []
    low, high = bounds.get("min"), bounds.get("max")
    try:
        if low is not None and parsed < low:
            problems.append((bounds.get("min_code") or f"{prefix}_min", low))
        if high is not None and parsed > high:
            problems.append((bounds.get("max_code") or f"{prefix}_max", high))
    except TypeError:  # a date field bounded by a datetime or the like: the checker forbids it
        pass
    return problems


def _choice(field: ir.Field, value: Any, bounds: dict[str, Any]) -> tuple[Any, list[Problem]]:
    if not isinstance(value, str) or (field.codelist and field.codelist.code(value) is None):
        return value, [("not_a_code", None)]
    return value, []


def _multichoice(field: ir.Field, value: Any, bounds: dict[str, Any]) -> tuple[Any, list[Problem]]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return value, [("type_multichoice", None)]
    codelist = field.codelist
    if codelist is not None and any(codelist.code(v) is None for v in value):
        return value, [("not_a_code", None)]
    if len(set(value)) != len(value):
        return value, [("duplicate_choice", None)]
    c = field.constraints
    if c.min_selected is not None and len(value) < c.min_selected:
        return value, [("min_selected", c.min_selected)]
    if c.max_selected is not None and len(value) > c.max_selected:
        return value, [("max_selected", c.max_selected)]
    return value, []


_FILE_KEYS = {"name", "media_type", "size", "sha256", "ref"}


def _file(field: ir.Field, value: Any, bounds: dict[str, Any]) -> tuple[Any, list[Problem]]:
    size = value.get("size") if isinstance(value, dict) else None
    if isinstance(size, float) and math.isfinite(size) and size.is_integer():
        value = {**value, "size": int(size)}  # JSON Schema's integer: 5.0 is 5
    if not _file_shape(value):
        return value, [("type_file", None)]
    c = field.constraints
    if c.max_size is not None and value["size"] > c.max_size:
        return value, [("file_size", c.max_size)]
    if c.accept and not any(_media_matches(value["media_type"], a) for a in c.accept):
        return value, [("file_type", c.accept)]
    return value, []


def _file_shape(value: Any) -> bool:
    if not isinstance(value, dict) or not {"name", "media_type", "size"} <= value.keys():
        return False
    if value.keys() - _FILE_KEYS:
        return False
    name, media, size = value["name"], value["media_type"], value["size"]
    return (
        isinstance(name, str)
        and 0 < len(name) <= 255
        and isinstance(media, str)
        and re.fullmatch(r"[a-z]+/[a-z0-9.+-]+", media) is not None
        and isinstance(size, int)
        and not isinstance(size, bool)
        and size >= 0
        and (
            not isinstance(value.get("sha256"), str)
            or re.fullmatch("[0-9a-f]{64}", value["sha256"]) is not None
        )
        and all(isinstance(value[k], str) for k in ("sha256", "ref") if k in value)
        and (len(value.get("ref", "x")) >= 1 and len(value.get("ref", "")) <= 500)
    )


def _media_matches(media: str, accepted: str) -> bool:
    if accepted.endswith("/*"):
        return media.startswith(accepted[:-1])
    return media == accepted


def _time(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


_CHECKERS: dict[FieldKind, Callable[[ir.Field, Any, dict[str, Any]], tuple[Any, list[Problem]]]]
_CHECKERS = {kind: _text for kind in FieldKind}
_CHECKERS.update(
    {
        FieldKind.INTEGER: _integer,
        FieldKind.DECIMAL: _decimal,
        FieldKind.MONEY: _decimal,
        FieldKind.BOOLEAN: _boolean,
        FieldKind.CONSENT: _consent,
        FieldKind.DATE: _temporal(dt.date.fromisoformat, "type_date", "date"),
        FieldKind.TIME: _temporal(_time, "type_time", "time"),
        FieldKind.DATETIME: _temporal(dt.datetime.fromisoformat, "type_datetime", "date"),
        FieldKind.CHOICE: _choice,
        FieldKind.MULTICHOICE: _multichoice,
        FieldKind.FILE: _file,
    }
)
