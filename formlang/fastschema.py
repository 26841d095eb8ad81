"""The compiled schema reduced to what decides validity, for the fast path (validator stage).

`lean(schema)` returns a schema that accepts exactly the instances the
compiled schema accepts and is cheaper for jsonschema-rs to apply:
annotations (titles, descriptions, defaults, `readOnly`, `x-formlang`) are
left out, and a `oneOf` of distinct string constants (a choice: codes with
their labels as titles) becomes an `enum` of the codes, which needs no
count of matching branches. Every other keyword is kept as it is. It feeds
`formlang.fastpath`; what is published and used to explain errors stays
the full schema.
"""

from __future__ import annotations

from typing import Any

ANNOTATIONS = frozenset(
    {"title", "description", "default", "readOnly", "writeOnly", "examples", "$comment"}
)
# Keywords whose value is a schema, an array of schemas, or an object of named schemas
# (draft 2020-12); any other keyword's value is data and is copied unchanged.
ONE = frozenset(
    {
        "additionalProperties",
        "contains",
        "else",
        "if",
        "items",
        "not",
        "propertyNames",
        "then",
        "unevaluatedItems",
        "unevaluatedProperties",
    }
)
MANY = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
NAMED = frozenset({"$defs", "dependentSchemas", "patternProperties", "properties"})


def lean(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return schema  # true or false
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ANNOTATIONS or key.startswith("x-"):
            continue
        if key == "oneOf" and _codes(value) is not None and "enum" not in schema:
            out["enum"] = _codes(value)
        elif key in ONE:
            out[key] = lean(value)
        elif key in MANY and isinstance(value, list):
            out[key] = [lean(item) for item in value]
        elif key in NAMED and isinstance(value, dict):
            out[key] = {name: lean(item) for name, item in value.items()}
        else:
            out[key] = value
    return out


def _codes(branches: Any) -> list[str] | None:
    """The constants of a `oneOf` whose branches are each a string constant and nothing
    else that constrains, all distinct: then exactly one branch matches iff one is equal."""
    if not isinstance(branches, list) or not branches:
        return None
    codes = []
    for branch in branches:
        if not isinstance(branch, dict) or not isinstance(branch.get("const"), str):
            return None
        if set(branch) - ANNOTATIONS - {"const"}:
            return None
        codes.append(branch["const"])
    return codes if len(set(codes)) == len(codes) else None
