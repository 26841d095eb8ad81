"""Field types and constraints as JSON Schema (schema stage).

One function per concern: the canonical spelling of each field type (the
patterns are shared with the validator, so both read a value alike), the
constraints JSON Schema can state, and the `x-formlang` checks for those it
cannot (check digits, decimal and date bounds, `today()`).
"""

from __future__ import annotations

from typing import Any

from formlang import ir
from formlang.patterns import portable
from formlang.program import expr_json, literal_json
from formlang.types import FieldKind

Schema = dict[str, Any]

# Canonical spellings (docs/submission-format.md). Anchored, ASCII, portable: no `\s`,
# `\d` or `\w`, which Python, JavaScript and Rust read differently outside ASCII (`\s`
# takes U+001C in Python and U+FEFF in JavaScript); control characters and the space
# are listed instead.
PATTERNS: dict[FieldKind, str] = {
    FieldKind.EMAIL: r"^[^@\x00-\x20\x7f]+@[^@\x00-\x20\x7f.]+(\.[^@\x00-\x20\x7f.]+)+$",
    FieldKind.PHONE: r"^\+?[0-9][0-9 ()/-]{3,30}$",
    FieldKind.URL: r"^https?://[^\x00-\x20\x7f/$.?#][^\x00-\x20\x7f]*$",
    FieldKind.POSTAL_CODE: r"^[0-9]{5}$",
    FieldKind.IBAN: r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$",
    FieldKind.BIC: r"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$",
    FieldKind.TAX_ID: r"^[1-9][0-9]{10}$",
    FieldKind.DECIMAL: r"^-?[0-9]+(\.[0-9]+)?$",
    FieldKind.MONEY: r"^-?[0-9]+(\.[0-9]{1,2})?$",
    FieldKind.DATE: r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    FieldKind.TIME: r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
    FieldKind.DATETIME: r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
}
# Free text must not be blank: a blank text is an empty value, which a clean submission
# leaves out (the validator drops it like ""). Unanchored: "holds a character that is not
# whitespace", with whitespace exactly as Python's `str.strip()` sees it, listed one by one
# so that every engine reads the class alike.
NOT_BLANK = r"[^\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
DECIMAL_PATTERN = PATTERNS[FieldKind.DECIMAL]
MAX_ROWS = 1000  # rows of a repeat without `max`: the validator reads no more
MAX_SAFE_INTEGER = 2**53 - 1  # JavaScript's: a whole number beyond it is not exact in a browser
MAX_LENGTHS = {
    FieldKind.EMAIL: 254,
    FieldKind.URL: 2000,
    FieldKind.TEXT: 1000,
    FieldKind.TEXTAREA: 20000,
}
FILE_PROPERTIES: Schema = {
    "name": {"type": "string", "minLength": 1, "maxLength": 255},
    "media_type": {"type": "string", "pattern": r"^[a-z]+/[a-z0-9.+-]+$"},
    "size": {"type": "integer", "minimum": 0},
    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    "ref": {"type": "string", "minLength": 1, "maxLength": 500},
}


def kind_schema(kind: FieldKind) -> Schema:
    """The schema of any value of a field type, without the field's constraints."""
    if kind in (FieldKind.INTEGER,):
        return {"type": "integer"}
    if kind in (FieldKind.BOOLEAN,):
        return {"type": "boolean"}
    if kind is FieldKind.CONSENT:
        return {"const": True}
    if kind is FieldKind.FILE:
        return {
            "type": "object",
            "properties": FILE_PROPERTIES,
            "required": ["name", "media_type", "size"],
            "additionalProperties": False,
        }
    schema: Schema = {"type": "string", "minLength": 1}
    if kind in PATTERNS:
        schema["pattern"] = PATTERNS[kind]
    elif kind in (FieldKind.TEXT, FieldKind.TEXTAREA):
        schema["pattern"] = NOT_BLANK
    if kind is FieldKind.DATE:
        schema["format"] = "date"
    if kind in MAX_LENGTHS:
        schema["maxLength"] = MAX_LENGTHS[kind]
    return schema


def field_schema(field: ir.Field, lang: str, max_oneof: int) -> Schema:
    schema: Schema = {"title": field.label.get(lang)}
    if field.hint is not None:
        schema["description"] = field.hint.get(lang)
    if field.kind is FieldKind.CHOICE:
        schema.update(_codes(field.codelist, lang, max_oneof))
    elif field.kind is FieldKind.MULTICHOICE:
        schema.update(_multichoice(field, lang, max_oneof))
    else:
        schema.update(kind_schema(field.kind))
        schema.update(_constraints(field))
    default = static_default(field)
    if default is not None:
        schema["default"] = default
    if field.readonly:
        schema["readOnly"] = True
    return schema


def _codes(codelist: ir.CodeList | None, lang: str, max_oneof: int) -> Schema:
    if codelist is None:
        return {"type": "string"}
    if len(codelist.codes) > max_oneof:
        return {"type": "string", "enum": list(codelist.values)}
    return {"oneOf": [{"const": c.value, "title": c.label.get(lang)} for c in codelist.codes]}


def _multichoice(field: ir.Field, lang: str, max_oneof: int) -> Schema:
    c = field.constraints
    schema: Schema = {
        "type": "array",
        "uniqueItems": True,
        "items": _codes(field.codelist, lang, max_oneof),
        "minItems": max(c.min_selected or 1, 1),
    }
    if c.max_selected is not None:
        schema["maxItems"] = c.max_selected
    return schema


def _constraints(field: ir.Field) -> Schema:
    c = field.constraints
    out: Schema = {}
    if c.min_length is not None:
        out["minLength"] = max(c.min_length, 1)
    if c.max_length is not None:
        out["maxLength"] = c.max_length
    if c.pattern is not None:  # beside the type's own pattern
        out["allOf"] = [{"pattern": _anchored(portable(c.pattern))}]
    if field.kind is FieldKind.INTEGER:
        out.update(_integer_bounds(c))
    if field.kind is FieldKind.FILE:
        out.update(_file(c))
    return out


def _anchored(pattern: str) -> str:
    return f"^(?:{pattern})$"


def _integer_bounds(c: ir.Constraints) -> Schema:
    low, high, step = _int(c.min), _int(c.max), _int(c.step)
    out: Schema = {
        "minimum": max(low, -MAX_SAFE_INTEGER) if low is not None else -MAX_SAFE_INTEGER,
        "maximum": min(high, MAX_SAFE_INTEGER) if high is not None else MAX_SAFE_INTEGER,
    }
    if step is not None and (low is None or low % step == 0):
        out["multipleOf"] = step
    return out


def _file(c: ir.Constraints) -> Schema:
    properties = dict(FILE_PROPERTIES)
    if c.max_size is not None:
        properties["size"] = {"type": "integer", "minimum": 0, "maximum": c.max_size}
    if c.accept:
        exact = [t for t in c.accept if not t.endswith("/*")]
        families = [t[:-1] for t in c.accept if t.endswith("/*")]
        alternatives: list[Schema] = [{"enum": exact}] if exact else []
        alternatives += [
            {"pattern": "^" + f.replace("+", r"\+").replace(".", r"\.")} for f in families
        ]
        properties["media_type"] = {**FILE_PROPERTIES["media_type"], "anyOf": alternatives}
    return {"properties": properties}


def value_checks(field: ir.Field) -> list[Schema]:
    """What JSON Schema cannot check about one field's value: for `x-formlang`."""
    path = list(field.path)
    checks: list[Schema] = []
    if field.kind in (FieldKind.IBAN, FieldKind.BIC, FieldKind.TAX_ID):
        checks.append({"path": path, "check": field.kind.value})
    if field.kind is FieldKind.DATETIME:
        checks.append({"path": path, "check": "datetime"})
    c = field.constraints
    integer = field.kind is FieldKind.INTEGER
    for name in ("min", "max"):
        expr = getattr(c, name)
        if expr is not None and not (integer and _int(expr) is not None):
            checks.append({"path": path, "check": name, "value": expr_json(expr)})
    step, low = _int(c.step), _int(c.min)
    in_schema = (
        integer and step is not None and (c.min is None or (low is not None and low % step == 0))
    )
    if c.step is not None and not in_schema:
        checks.append(
            {
                "path": path,
                "check": "step",
                "value": expr_json(c.step),
                "base": expr_json(c.min) if c.min is not None else 0,
            }
        )
    return checks


def static_default(field: ir.Field) -> Any:
    """The field's default in its canonical JSON spelling, if it does not depend on the day."""
    expr = field.default
    if expr is None:
        return None
    items = expr.items if isinstance(expr, ir.ListValue) else (expr,)
    values = [_value(item) for item in items]
    if any(v is None for v in values):
        return None  # `today()` and the like: the validator computes it
    plain = [canonical_json(field.kind, _plain(literal_json(v))) for v in values]
    return plain if isinstance(expr, ir.ListValue) else plain[0]


def canonical_json(kind: FieldKind, value: Any) -> Any:
    """Decimals and money are strings in a submission, also when written as 5 or 0."""
    if kind in (FieldKind.DECIMAL, FieldKind.MONEY) and isinstance(value, int):
        return str(value) if not isinstance(value, bool) else value
    return value


def _int(expr: ir.Expr | None) -> int | None:
    value = _value(expr) if expr is not None else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _value(expr: ir.Expr) -> Any:
    if isinstance(expr, ir.Literal):
        return expr.value
    if isinstance(expr, ir.Unary) and expr.op == "-" and isinstance(expr.operand, ir.Literal):
        return -expr.operand.value  # type: ignore[operator]
    return None


def _plain(value: Any) -> Any:
    """Tagged literal values as the plain spelling a submission uses."""
    if isinstance(value, dict):
        return next(iter(value.values()))
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
