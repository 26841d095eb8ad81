"""The shared expression vectors (tests/vectors/expressions.json) run against the Python validator.

Each vector is a computed value `result: TYPE = EXPR` added to the file's one form; validating
the vector's data on its day must give `expected` in the effective data. The browser runtime
runs the same file, so the file also checks that it still covers every operator and function.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import formlang
from formlang import ir
from formlang.functions import FUNCTIONS

VECTORS = Path(__file__).resolve().parent / "vectors"
FILE = json.loads((VECTORS / "expressions.json").read_text(encoding="utf-8"))
SCHEMA = json.loads((VECTORS / "expressions.schema.json").read_text(encoding="utf-8"))

LOGIC = {"or", "and", "not"}
COMPARISONS = {"==", "!=", "<", "<=", ">", ">=", "in", "not in"}
OPERATORS = LOGIC | COMPARISONS | {"+", "-", "*", "/", "unary -"}
# Functions whose forms differ in meaning, each needed once.
VARIANTS = {"age/1", "age/2", "min/1", "min/2+", "max/1", "max/2+", "round/1", "round/2"}
LITERALS = {"integer", "decimal", "text", "boolean", "null", "date", "time", "datetime", "list"}
DURATION_UNITS = {"day", "days", "week", "weeks", "month", "months", "year", "years"}

# Vectors the Python side does not pass yet (none now), as strict xfails: name -> reason.
PYTHON_PENDING: dict[str, str] = {}


def _params() -> list[Any]:
    out = []
    for vector in FILE["vectors"]:
        name = vector["name"]
        pending = name in PYTHON_PENDING
        marks = [pytest.mark.xfail(reason=PYTHON_PENDING[name], strict=True)] if pending else []
        out.append(pytest.param(vector, id=name, marks=marks))
    return out


@functools.cache
def _form(expr: str, kind: str) -> formlang.Form:
    base = FILE["form"].rstrip()
    assert base.endswith("}")
    return formlang.parse(
        f"{base[:-1]}  computed result: {kind} = {expr}\n}}\n", path="vectors.form"
    )


@pytest.mark.parametrize("vector", _params())
def test_vector(vector: dict[str, Any]) -> None:
    form = _form(vector["expr"], vector["type"])
    result = form.validate(vector["data"], today=dt.date.fromisoformat(vector["today"]))
    actual = result.data.get("result")
    expected = vector["expected"]
    assert (actual, type(actual).__name__) == (expected, type(expected).__name__)


def test_file_matches_its_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    errors = sorted(
        jsonschema.Draft202012Validator(SCHEMA).iter_errors(FILE), key=lambda e: list(e.path)
    )
    assert not [f"{list(e.path)}: {e.message}" for e in errors]


def test_names_are_unique() -> None:
    names = [v["name"] for v in FILE["vectors"]]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []


def test_every_operator_function_and_literal_is_covered() -> None:
    seen: set[str] = set()
    units: set[str] = set()
    for vector in FILE["vectors"]:
        seen |= set(_features(_result_expr(_form(vector["expr"], vector["type"]))))
        units |= set(re.findall(r"\b[0-9]+ ([a-z]+)\b", vector["expr"])) & DURATION_UNITS
    wanted = OPERATORS | set(FUNCTIONS) | VARIANTS | {f"literal {k}" for k in LITERALS}
    wanted |= {"literal duration"}
    assert sorted(wanted - seen) == []
    assert sorted(DURATION_UNITS - units) == []


def _result_expr(form: formlang.Form) -> ir.Expr:
    for element in ir.walk(form.ir.children):
        if isinstance(element, ir.Computed) and element.name == "result":
            return element.expr
    raise AssertionError("no computed value 'result'")


def _features(expr: ir.Expr) -> Iterator[str]:
    """What an expression uses: operators, functions (with their variants) and literal kinds."""
    if isinstance(expr, ir.Binary):
        yield expr.op
        yield from _features(expr.left)
        yield from _features(expr.right)
    elif isinstance(expr, ir.Unary):
        yield "not" if expr.op == "not" else "unary -"
        yield from _features(expr.operand)
    elif isinstance(expr, ir.Call):
        yield expr.func
        n = len(expr.args)
        yield f"{expr.func}/{n}"
        if expr.func in ("min", "max"):
            yield f"{expr.func}/1" if n == 1 else f"{expr.func}/2+"
        for arg in expr.args:
            yield from _features(arg)
    elif isinstance(expr, ir.ListValue):
        yield "literal list"
        for item in expr.items:
            yield from _features(item)
    elif isinstance(expr, ir.Literal):
        yield f"literal {_literal_kind(expr.value)}"


def _literal_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, ir.Duration):
        return "duration"
    if isinstance(value, tuple):
        return "list"
    kinds = {
        bool: "boolean",
        int: "integer",
        Decimal: "decimal",
        str: "text",
        dt.date: "date",
        dt.time: "time",
        dt.datetime: "datetime",
    }
    return kinds[type(value)]
