"""Hostile submissions: `validate` never raises, answers in bounded time, and explains.

For every library form (and the valid test forms, which between them use every construct):
inputs that are not JSON objects, 10,000 levels of nesting, 50 MB strings, a million rows,
floats that JSON cannot carry, lone surrogates, integers of 400 digits, and keys that are not
fields at every level. Each must give a result whose errors have a path, a known code and a
message; the 10-second limit is a safety net, not a benchmark. A Hypothesis test then throws
random JSON-like values (shaped by the form's own names) at every library form.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from submissions import LIBRARY_FORMS, TODAY, VALID_FORMS, data_elements, form_id

import formlang
from formlang import ir
from formlang.messages import CATALOG
from formlang.types import FieldKind

FORMS = LIBRARY_FORMS + VALID_FORMS
LIMIT_SECONDS = 10.0
BIG = 50 * 1024 * 1024
_LOADED: dict[Path, formlang.form.Form] = {}


def _form(path: Path) -> formlang.form.Form:
    if path not in _LOADED:
        _LOADED[path] = formlang.load(path)
    return _LOADED[path]


def _check(form: formlang.form.Form, data: Any, lang: str = "de") -> Any:
    started = time.perf_counter()
    result = form.validate(data, lang=lang, today=TODAY)
    elapsed = time.perf_counter() - started
    assert elapsed < LIMIT_SECONDS, f"{elapsed:.1f} s"
    for error in result.errors:
        assert error.path == "" or error.path.startswith("/"), error
        assert error.code in CATALOG, error
        assert isinstance(error.message, str) and error.message.strip(), error
        assert error.severity in ("error", "warning"), error
    assert isinstance(result.data, dict)
    return result


def _codes(result: Any) -> set[tuple[str, str]]:
    return {(e.path, e.code) for e in result.errors}


def _fields(form: formlang.form.Form, *kinds: FieldKind) -> Iterator[ir.Field]:
    """Fields of these kinds in the top object or its groups, shown without a condition."""

    def walk(elements: tuple[ir.Element, ...]) -> Iterator[ir.Field]:
        for element in elements:
            if getattr(element, "when", None) is not None:
                continue
            if isinstance(element, ir.Field) and element.kind in kinds:
                yield element
            elif isinstance(element, ir.Group | ir.Page):
                yield from walk(element.children)

    return walk(form.ir.children)


def _put(path: ir.Path, value: Any) -> dict[str, Any]:
    data: Any = value
    for name in reversed(path):
        data = {name: data}
    return data  # type: ignore[no-any-return]


def _pointer(path: ir.Path) -> str:
    return "/" + "/".join(path)


# ---- not JSON-shaped at all ---------------------------------------------------------------


@pytest.mark.parametrize("path", FORMS, ids=form_id)
@pytest.mark.parametrize(
    "data",
    [
        [],
        [{}],
        "text",
        "",
        None,
        0,
        -1,
        1.5,
        True,
        float("nan"),
        float("inf"),
        10**400,
        b"{}",
        (1,),
        {1, 2},
        object(),
    ],
    ids=lambda d: type(d).__name__,
)
def test_not_an_object(path: Path, data: Any) -> None:
    result = _check(_form(path), data)
    assert not result.ok
    assert _codes(result) == {("", "not_an_object")}


# ---- size and depth ------------------------------------------------------------------------


def _nested(depth: int, make: Any) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = make(value)
    return value


@pytest.mark.parametrize("path", FORMS, ids=form_id)
@pytest.mark.parametrize("shape", ["dicts", "lists"])
def test_ten_thousand_levels(path: Path, shape: str) -> None:
    form = _form(path)
    make = (lambda v: {"a": v}) if shape == "dicts" else (lambda v: [v])
    first = data_elements(form.ir.children)[0].name
    for data in ({first: _nested(10_000, make)}, {"unbekannt": _nested(10_000, make)}):
        result = _check(form, data)
        assert not result.ok
        assert _codes(result) == {("", "too_deep")}


@pytest.mark.parametrize("path", FORMS, ids=form_id)
def test_fifty_megabytes_in_a_text_field_and_in_an_unknown_key(path: Path) -> None:
    form = _form(path)
    big = "x" * BIG
    field = next(_fields(form, FieldKind.TEXT, FieldKind.TEXTAREA), None)
    if field is not None:
        result = _check(form, _put(field.path, big))
        assert (_pointer(field.path), "max_length") in _codes(result)
    result = _check(form, {"unbekannt": big})
    assert ("/unbekannt", "unknown_field") in _codes(result)
    result = _check(form, {big[:1_000_000]: 1})
    assert not result.ok


@pytest.mark.parametrize("path", FORMS, ids=form_id)
def test_a_million_rows_and_a_million_choices(path: Path) -> None:
    form = _form(path)
    million = [{}] * 1_000_000
    targets = [e.path for e in ir.walk(form.ir.children) if isinstance(e, ir.Repeat)][:1]
    targets += [f.path for f in _fields(form, FieldKind.MULTICHOICE)][:1]
    targets = targets or [data_elements(form.ir.children)[0].path]
    for target in targets:
        for items in (million, ["x"] * 1_000_000):
            result = _check(form, _put(target, items))
            assert not result.ok
            assert _codes(result) == {("", "too_large")}


def test_many_rows_below_the_size_limit_are_counted_not_walked() -> None:
    form = _form(next(p for p in VALID_FORMS if p.stem == "repeats"))
    rows = [{"nummer": "1", "datum": "2025-01-01", "posten": [{}]}] * 5000
    result = _check(form, {"rechnungen": rows})
    assert ("/rechnungen", "repeat_max") in _codes(result)


# ---- values that JSON cannot carry, or only just --------------------------------------------


@pytest.mark.parametrize("path", FORMS, ids=form_id)
@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), float("-inf"), 1e400, 10**400, -(10**400), 10**5000, 1e308, -0.0],
    ids=["nan", "inf", "-inf", "1e400", "10**400", "-10**400", "10**5000", "1e308", "-0.0"],
)
def test_numbers_out_of_range(path: Path, value: Any) -> None:
    form = _form(path)
    fields = list(_fields(form, *FieldKind))
    data: dict[str, Any] = {}
    for field in fields:
        data = _merge(data, _put(field.path, value))
    result = _check(form, data)
    problems = {e.path for e in result.errors if e.severity == "error"}
    for field in fields:
        if field.kind is FieldKind.INTEGER and value == 0:
            continue  # -0.0 is the whole number 0: within bounds or not
        if field.kind in (FieldKind.DECIMAL, FieldKind.MONEY) and (
            isinstance(value, int) or math.isfinite(value)
        ):
            continue  # a finite JSON number is a decimal (written as a string); no range
        assert _pointer(field.path) in problems, field.path


def _merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for key, value in b.items():
        out[key] = (
            _merge(out[key], value)
            if isinstance(out.get(key), dict) and isinstance(value, dict)
            else value
        )
    return out


@pytest.mark.parametrize("path", FORMS, ids=form_id)
def test_lone_surrogates(path: Path) -> None:
    form = _form(path)
    data: dict[str, Any] = {"\ud800": "\udfff"}
    texts = list(_fields(form, FieldKind.TEXT, FieldKind.TEXTAREA, FieldKind.EMAIL))
    for field in texts:
        data = _merge(data, _put(field.path, "a\ud800b"))
    result = _check(form, data)
    assert not result.ok
    codes = _codes(result)
    assert ("/\ud800", "unknown_field") in codes
    for field in texts:
        assert (_pointer(field.path), "type_text") in codes
    result.to_json()  # and it can be written out


# ---- keys that are not fields, at every level --------------------------------------------------


def _with_unknown_keys(elements: tuple[ir.Element, ...], pointer: str) -> tuple[Any, list[str]]:
    data: dict[str, Any] = {"unbekannt": 1}
    expected = [f"{pointer}/unbekannt"]
    for element in data_elements(elements):
        here = f"{pointer}/{element.name}"
        if isinstance(element, ir.Group):
            data[element.name], inner = _with_unknown_keys(element.children, here)
        elif isinstance(element, ir.Repeat):
            row, inner = _with_unknown_keys(element.children, f"{here}/0")
            data[element.name] = [row]
        elif isinstance(element, ir.Alternative):
            branch = element.branches[0]
            value, inner = _with_unknown_keys(branch.children, f"{here}/{branch.name}")
            data[element.name] = {branch.name: value, "unbekannt": 1}
            inner = [*inner, f"{here}/unbekannt"]
        else:
            continue
        if not getattr(element, "when", None):
            expected += inner
    return data, expected


@pytest.mark.parametrize("path", FORMS, ids=form_id)
def test_keys_that_are_not_fields_at_every_level(path: Path) -> None:
    form = _form(path)
    data, expected = _with_unknown_keys(form.ir.children, "")
    result = _check(form, data, lang="en")
    unknown = {e.path for e in result.errors if e.code == "unknown_field"}
    assert set(expected) <= unknown
    assert all(
        e.message == "“unbekannt” is not a field of this form."
        for e in result.errors
        if e.code == "unknown_field"
    )


# ---- anything at all ---------------------------------------------------------------------------


def _names(form: formlang.form.Form) -> list[str]:
    names = {e.name for e in ir.walk(form.ir.children) if hasattr(e, "name")}
    return [*sorted(names), "$choice"]


def _json_like(names: list[str]) -> st.SearchStrategy[Any]:
    leaves = (
        st.none()
        | st.booleans()
        | st.integers()
        | st.integers(min_value=10**300)
        | st.floats(allow_nan=True, allow_infinity=True)
        | st.text(max_size=30)
        | st.sampled_from(["", " ", "2025-06-01", "01067", "12.50", "\ud800", "rot", "ja", *names])
    )
    keys = st.sampled_from(names) | st.text(max_size=8)
    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=6),
        max_leaves=40,
    )


@pytest.mark.parametrize(
    "path",
    LIBRARY_FORMS + [p for p in VALID_FORMS if p.stem in ("alternatives", "repeats", "options")],
    ids=form_id,
)
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
@given(data=st.data())
def test_validate_never_raises(path: Path, data: st.DataObject) -> None:
    form = _form(path)
    names = _names(form)
    submission = data.draw(
        st.dictionaries(st.sampled_from(names) | st.text(max_size=8), _json_like(names), max_size=8)
        | _json_like(names)
    )
    result = _check(form, submission, lang=data.draw(st.sampled_from(["de", "en", "fr"])))
    if result.ok:
        assert not [e for e in result.errors if e.severity == "error"]


@pytest.mark.parametrize("path", FORMS, ids=form_id)
@pytest.mark.parametrize(
    "value",
    [True, 5, "x", [True], [5, "x"], [[]], {"x": 1}, [{"x": {"y": []}}]],
    ids=[
        "true",
        "five",
        "text",
        "list-of-true",
        "list-of-scalars",
        "list-of-list",
        "object",
        "deep",
    ],
)
def test_wrong_shapes_for_groups_repeats_and_alternatives(path: Path, value: Any) -> None:
    form = _form(path)
    data: dict[str, Any] = {}
    for element in ir.walk(form.ir.children):
        if isinstance(element, ir.Group | ir.Repeat | ir.Alternative) and len(element.path) == 1:
            data[element.name] = value
    result = _check(form, data)
    assert not result.ok or not data
