"""The fast path's generated code gives the full path's verdict and data, exactly.

The fast path (`formlang.fastpath`) is Python source generated once per form. It may give up
(None) on any submission; when it answers, its answer must be the full path's: `ok` and the
same effective data. Checked on Hypothesis-made submissions for every test and library form
(as made, and as the clean effective data the full path gives back), on values at and next
to every kind of bound, and expression by expression against the compiled closures on the
shared vectors (`tests/vectors/expressions.json`). The schema the fast path hands to
jsonschema-rs (`formlang.fastschema.lean`) must accept exactly what the compiled one does.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from submissions import (
    ALL_FORMS,
    REPO_ROOT,
    TODAY,
    DrawSource,
    RandomSource,
    form_id,
    submission,
    without,
)

import formlang
from formlang import ir
from formlang.evaluate import Context, compile_expr
from formlang.fastexpr import ExprSource, Names, Scope
from formlang.fastschema import lean
from formlang.validate import ValidationResult, Validator, accepted

CASES = sorted((REPO_ROOT / "tests" / "cases" / "fastpath").glob("*.form"))
REFERENCE = REPO_ROOT / "benchmarks" / "data" / "reference.form"
FORMS = ALL_FORMS + CASES + [REFERENCE]
VECTORS = json.loads((REPO_ROOT / "tests" / "vectors" / "expressions.json").read_text("utf-8"))
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


@functools.cache
def _validators(path: Path) -> tuple[ir.Form, Validator, Validator]:
    """The form, its validator, and one whose fast path is switched off."""
    form = formlang.load(path).ir
    full = Validator(form)
    full._fast = None
    return form, Validator(form), full


def _fast_forms() -> list[Any]:
    return [
        pytest.param(p, id=form_id(p) if p != REFERENCE else "reference")
        for p in FORMS
        if _validators(p)[1]._fast is not None
    ]


def _without_computed(form: ir.Form, data: Any) -> Any:
    """The effective data as a client sends it back: without the computed values."""
    computed = {e.name for e in ir.walk(form.children) if isinstance(e, ir.Computed)}
    if isinstance(data, dict):
        return {k: _without_computed(form, v) for k, v in data.items() if k not in computed}
    if isinstance(data, list):
        return [_without_computed(form, v) for v in data]
    return data


def _agree(validator: Validator, full: Validator, data: Any) -> bool:
    """The fast path gives up or says what the full path says; True if it answered."""
    assert validator._fast is not None
    quick = validator._fast.run(copy.deepcopy(data), TODAY)
    if quick is None:
        return False
    slow = full.validate(copy.deepcopy(data), today=TODAY)
    assert slow.ok, (data, [e.code for e in slow.errors])
    assert quick == slow.data, data
    assert json.dumps(quick, sort_keys=True) == json.dumps(slow.data, sort_keys=True), data
    return True


def test_the_fast_path_covers_the_test_forms() -> None:
    """Most forms have a fast path, so the tests below are not vacuous."""
    assert len(_fast_forms()) >= 0.75 * len(FORMS)


@pytest.mark.parametrize("path", _fast_forms())
@SETTINGS
@given(data=st.data())
def test_generated_code_equals_full_path(path: Path, data: st.DataObject) -> None:
    form, validator, full = _validators(path)
    mode = data.draw(st.sampled_from(["mixed", "valid", "lenient"]))
    made = submission(form, DrawSource(data), mode)
    _agree(validator, full, made)
    slow = full.validate(copy.deepcopy(made), today=TODAY)
    hidden = [e.path for e in slow.errors if e.code == "hidden_value"]
    _agree(validator, full, without(made, hidden))
    if slow.ok:
        clean = _without_computed(form, slow.data)
        answered = _agree(validator, full, clean)
        if not full.validate(copy.deepcopy(clean), today=TODAY).errors:
            # clean, and nothing to warn about: the fast path must answer it
            assert answered or _gives_up_knowingly(form), clean


def _gives_up_knowingly(form: ir.Form) -> bool:
    """Clean, and still left to the full path: a default that a condition reads."""
    from formlang.fastpath import read_by_conditions

    read = read_by_conditions(form)
    return any(
        isinstance(e, ir.Field) and e.default is not None and e.path in read
        for e in ir.walk(form.children)
    )


@pytest.mark.parametrize("path", _fast_forms())
def test_clean_submissions_are_answered(path: Path) -> None:
    """On made-up valid submissions the fast path answers, not only gives up."""
    form, validator, full = _validators(path)
    answered = tried = 0
    for seed in range(60):
        made = submission(form, RandomSource(seed), "valid")
        slow = full.validate(copy.deepcopy(made), today=TODAY)
        if slow.ok:
            tried += 1
            answered += _agree(validator, full, _without_computed(form, slow.data))
    assert answered or not tried or _gives_up_knowingly(form)


def test_the_benchmark_documents() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench", REFERENCE.parents[1] / "validate.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    _, validator, full = _validators(REFERENCE)
    assert _agree(validator, full, bench.VALID)
    assert validator._fast is not None
    assert validator._fast.run(copy.deepcopy(bench.INVALID), TODAY) is None


# ---- bounds -----------------------------------------------------------------------------

BOUNDS = json.loads((REPO_ROOT / "tests" / "cases" / "fastpath" / "bounds.json").read_text("utf-8"))
# and what JSON cannot hold: floats that are no numbers, numbers of 400 digits
UNUSUAL = [float("nan"), float("inf"), "1" * 400, "-" + "9" * 400, "0." + "0" * 400 + "1"]
NEAR = [v for key in ("numbers", "days and times", "identifiers") for v in BOUNDS[key]] + UNUSUAL


@pytest.mark.parametrize("value", NEAR, ids=repr)
def test_values_at_and_next_to_bounds(value: Any) -> None:
    form, validator, full = _validators(CASES[0])
    assert form.id == "grenzen"
    for element in ir.walk(form.children):
        if isinstance(element, ir.Field):
            answered = _agree(validator, full, {element.name: value})
            if _filled(value) and full.validate({element.name: value}, today=TODAY).ok:
                assert answered, (element.name, value)  # a canonical valid value: no giving up


def _filled(value: Any) -> bool:
    """Text that is not blank: what a clean submission holds (blanks are left out)."""
    return isinstance(value, str) and bool(value.strip())


# ---- expressions ----------------------------------------------------------------------------


@functools.cache
def _vector_expr(expr: str, kind: str) -> ir.Computed:
    base = VECTORS["form"].rstrip()[:-1]
    form = formlang.parse(f"{base}  computed result: {kind} = {expr}\n}}\n", path="v.form")
    (result,) = [e for e in form.ir.children if getattr(e, "name", None) == "result"]
    assert isinstance(result, ir.Computed)
    return result


def _generated(element: ir.Computed, walked: bool) -> Any:
    import warnings

    names = Names()
    source = ExprSource(names)
    scope = Scope("data", walked=walked)
    expr = element.expr
    code = (
        "def run(data, today):\n"
        f"    return ({source.value(expr, scope)}, {source.computed(element, scope)},"
        f" bool({source.true(expr, scope)}), bool({source.false(expr, scope)}))\n"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exec(compile(code, "<vector>", "exec"), names.namespace)
    return names.namespace["run"]


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda v: v["name"])
def test_expression_source_equals_closure(vector: dict[str, Any]) -> None:
    """Value for value and type for type, as `compile_expr` (the full path) computes it."""
    from formlang.evaluate import compile_computed

    element = _vector_expr(vector["expr"], vector["type"])
    data, today = vector["data"], dt.date.fromisoformat(vector["today"])
    ctx = Context(data=data, today=today)
    value = compile_expr(element.expr)(ctx)
    expected = (value, compile_computed(element)(ctx), value is True, value is False)
    rows = data.get("r")
    walked = [False] + (
        [True] if isinstance(rows, list) and all(type(r) is dict for r in rows) else []
    )
    for flag in walked:
        try:
            actual = _generated(element, flag)(data, today)
        except Exception:  # allowed only where the closure finds the value unknown
            assert value is None, vector
            continue
        assert [(a, type(a)) for a in actual] == [(e, type(e)) for e in expected], vector


SPELLINGS = [
    {"d": "20250601", "e": "2025-06-01"},
    {"d": "2025-W01-1", "e": "2025-01-01"},
    {"d": "2025-06-01", "e": "2025-02-30"},
    {"tm": "08:30:00.5", "dtm": "2025-06-01T08:30:00+02:00"},
    {"tm": "0830", "dtm": "20250601T0830"},
    {"tm": "08:30", "dtm": "2025-06-01T08:30"},
    {"x": "1e3", "m": " 5", "i": 2.0, "j": True},
]
ODD = [
    ("d < e", "boolean"),
    ("d == e", "boolean"),
    ("year(d)", "integer"),
    ("d + 1 day", "date"),
    ("age(d)", "integer"),
    ("tm > 08:00", "boolean"),
    ("dtm >= 2025-01-01T00:00", "boolean"),
    ("x > 5 or m < 10", "boolean"),
    ("i + j", "integer"),
]


@pytest.mark.parametrize(("expr", "kind"), ODD)
@pytest.mark.parametrize("data", SPELLINGS, ids=str)
def test_expression_source_reads_values_as_the_closure(
    expr: str, kind: str, data: dict[str, Any]
) -> None:
    """Spellings a field refuses (`20250601`) are unknown to conditions, inline as well."""
    element = _vector_expr(expr, kind)
    ctx = Context(data=data, today=TODAY)
    value = compile_expr(element.expr)(ctx)
    try:
        actual = _generated(element, False)(data, TODAY)
    except Exception:
        assert value is None
        return
    assert (actual[0], type(actual[0])) == (value, type(value))
    assert actual[2:] == (value is True, value is False)


# ---- the schema jsonschema-rs applies ------------------------------------------------------


@pytest.mark.parametrize("path", FORMS, ids=form_id)
def test_lean_schema_accepts_what_the_schema_accepts(path: Path) -> None:
    form, validator, _ = _validators(path)
    schema = validator.schema
    complete = jsonschema_rs.validator_for(schema, validate_formats=True)
    reduced = jsonschema_rs.validator_for(lean(schema), validate_formats=True)
    for seed in range(200):
        made = submission(form, RandomSource(seed), ("mixed", "valid")[seed % 2])
        assert reduced.is_valid(made) == complete.is_valid(made), made


def test_lean_schema_keeps_what_is_not_an_annotation() -> None:
    schema = {
        "title": "T",
        "x-formlang": {"checks": []},
        "properties": {
            "title": {"title": "a property called title", "type": "string"},
            "k": {"oneOf": [{"const": "a", "title": "A"}, {"const": "b", "title": "B"}]},
            "twice": {"oneOf": [{"const": "a"}, {"const": "a"}]},
            "mixed": {"oneOf": [{"const": "a"}, {"const": "b", "minLength": 3}]},
        },
        "default": {"title": "data, not a schema"},
    }
    assert lean(schema) == {
        "properties": {
            "title": {"type": "string"},
            "k": {"enum": ["a", "b"]},
            "twice": {"oneOf": [{"const": "a"}, {"const": "a"}]},
            "mixed": {"oneOf": [{"const": "a"}, {"const": "b", "minLength": 3}]},
        },
    }


# ---- the generated source ----------------------------------------------------------------


def test_source_carries_strings_of_the_form_only_through_repr(tmp_path: Path) -> None:
    """Quotes and backslashes in codes of the form reach the source as `repr()` literals."""
    text = """form quoted version "1.0.0" {
  title "Q"
  field art: choice "Art" {
    "it's" "A"
    "a\\\\b" "B"
  }
  field x: text "X"
    when art == "it's"
  field y: text "Y"
    when art == "a\\\\b"
}
"""
    form = formlang.parse(text)
    fast = form.validator._fast
    assert fast is not None
    assert repr("it's") in fast.source and repr("a\\b") in fast.source
    assert form.validate({"art": "it's", "x": "1"}, today=TODAY).ok
    assert form.validate({"art": "a\\b", "y": "1"}, today=TODAY).ok
    assert not form.validate({"art": "a\\b", "x": "1"}, today=TODAY).ok


@pytest.mark.parametrize("path", _fast_forms())
def test_generated_source_compiles_cleanly(path: Path) -> None:
    """No SyntaxWarning (`"x" is True` and the like) where a service would log it."""
    import warnings

    fast = _validators(path)[1]._fast
    assert fast is not None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compile(fast.source, "<fast path>", "exec")


def _chain(terms: int) -> formlang.Form:
    condition = " + ".join(["a"] * terms)
    rule = " and ".join(["a > 1"] * terms)
    return formlang.parse(
        'form f version "1.0.0" {\n  title "T"\n  field a: integer "A"\n'
        f'  field b: text "B" optional\n    when {condition} > 0\n'
        f'  rule {rule} on a message "m"\n}}\n'
    )


def _nested(depth: int) -> formlang.Form:
    inner = '    field z: text "Z" optional\n'
    for level in range(depth):
        inner = f'  group g{level} "G" when a > 0 {{\n{inner}  }}\n'
    return formlang.parse(
        f'form f version "1.0.0" {{\n  title "T"\n  field a: integer "A"\n{inner}}}\n'
    )


@pytest.mark.parametrize(
    ("form", "fast"),
    [(_chain(120), True), (_nested(30), True), (_nested(60), False)],
    ids=["long", "30", "60"],
)
def test_long_expressions_and_deep_groups(form: formlang.Form, fast: bool) -> None:
    """Deep expressions call their closures (Python's parser takes 200 nested brackets);
    where even that is too deep for Python (blocks nested past 100), the full path decides."""
    full = Validator(form.ir)
    full._fast = None
    for data in ({"a": 2, "b": "x"}, {"a": 1, "b": "x"}, {"a": 1}, {"a": 2}):
        if form.validator._fast is not None:
            _agree(form.validator, full, data)
        result = form.validate(copy.deepcopy(data), today=TODAY)
        slow = full.validate(copy.deepcopy(data), today=TODAY)
        assert (result.ok, result.data) == (slow.ok, slow.data)
    assert (form.validator._fast is not None) is fast


def test_accepted_is_the_plain_result() -> None:
    data = {"a": 1}
    made = accepted(data)
    assert made == ValidationResult(ok=True, errors=(), data=data)
    assert made.data is data and made.warnings == ()
