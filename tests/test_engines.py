"""Two engines, one verdict: `jsonschema` (the reference) and `jsonschema-rs` (used inside
`validate`) must accept and refuse the same submissions under every compiled schema.

The submissions per form: made-up ones (tests/submissions.py: valid, invalid and lenient
spellings), the effective data of each one `validate` accepts, and a valid submission with
each field in turn replaced by every value of its pools and by edge values (floats that are
integers, huge numbers, every kind of blank, astral characters, wrong JSON types).

Known differences, kept out of these cases on purpose:

- A string ending in a newline: Python's `re.search` (used by `jsonschema`) lets `$` match
  before a final "\\n", Rust's regex does not, so `^[0-9]{5}$` accepts "01067\\n" in one
  engine only. `validate` uses `fullmatch` and refuses it.
- A lone surrogate ("\\ud800"): jsonschema-rs cannot take it at all (it raises); `validate`
  catches that and decides with its own checks (tests/test_hostile_submissions.py).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from jsonschema import Draft202012Validator
from submissions import (
    ALL_FORMS,
    TODAY,
    RandomSource,
    _invalid,
    _valid,
    form_id,
    submission,
)

import formlang
from formlang import ir

SEEDS = 40
EDGE_VALUES: list[Any] = [
    1.0,
    -0.0,
    2.5,
    10**20,
    2**64,
    -(2**63),
    1e300,
    "",
    " ",
    "\u00a0",
    "\x1c",
    "\ufeff",
    "\u3000x",
    "\U0001f600",
    "x" * 255,
    [],
    {},
    None,
    True,
    False,
    ["a", "a"],
    {"name": "a", "media_type": "image/PNG", "size": 1},
    {"name": "a", "media_type": "image/x y", "size": 1},
]


def _engines(schema: dict[str, Any]) -> tuple[Any, Any]:
    reference = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    fast = jsonschema_rs.validator_for(schema, validate_formats=True)
    return reference, fast


def _set(data: dict[str, Any], path: ir.Path, value: Any) -> dict[str, Any]:
    """A copy of `data` with `value` at `path` (through row 0 of each repeat on the way)."""
    out = copy.deepcopy(data)
    here: Any = out
    for name in path[:-1]:
        nxt = here.get(name)
        if isinstance(nxt, list):
            nxt = nxt[0] if nxt and isinstance(nxt[0], dict) else None
        if not isinstance(nxt, dict):
            return out  # not reachable in this base: leave it
        here = nxt
    here[path[-1]] = value
    return out


def _cases(form: formlang.form.Form) -> list[Any]:
    cases: list[Any] = [{}, {"unbekannt": 1}]
    bases: list[dict[str, Any]] = []
    for scenario in form.ir.tests:  # the author's own data: realistic, often valid
        result = form.validate(scenario.given, today=scenario.today or TODAY)
        cases.append(result.data)
        if result.ok:
            bases.append(result.data)
    for seed in range(SEEDS):
        for mode in ("mixed", "valid", "lenient"):
            made = submission(form.ir, RandomSource(seed), mode)
            cases.append(made)
            result = form.validate(made, today=TODAY)
            if result.ok:
                cases.append(result.data)
                bases.append(result.data)
    for base in bases[:2]:
        for field in ir.walk(form.ir.children):
            if not isinstance(field, ir.Field):
                continue
            for value in [*_valid(field, "lenient"), *_invalid(field), *EDGE_VALUES][:60]:
                cases.append(_set(base, field.path, value))
    return [c for c in cases if not _trailing_newline(c)]


def _trailing_newline(value: Any) -> bool:
    if isinstance(value, str):
        return value.endswith("\n")
    if isinstance(value, dict):
        return any(_trailing_newline(v) for v in value.values())
    if isinstance(value, list):
        return any(_trailing_newline(v) for v in value)
    return False


@pytest.mark.parametrize("path", ALL_FORMS, ids=form_id)
def test_both_engines_give_the_same_verdict(path: Path) -> None:
    form = formlang.load(path)
    reference, fast = _engines(form.schema())
    verdicts = []
    for case in _cases(form):
        expected = reference.is_valid(case)
        assert fast.is_valid(case) == expected, json.dumps(case, ensure_ascii=False)[:2000]
        verdicts.append(expected)
    assert True in verdicts and False in verdicts  # the cases say something


@pytest.mark.parametrize("path", ALL_FORMS, ids=form_id)
def test_both_engines_accept_the_schema_in_english_too(path: Path) -> None:
    form = formlang.load(path)
    for lang in form.languages:
        schema = form.schema(lang)
        Draft202012Validator.check_schema(schema)
        jsonschema_rs.validator_for(schema, validate_formats=True)


def test_the_known_difference_is_real() -> None:
    """The trailing newline above; if this ever fails, the note can go."""
    schema = {"type": "string", "pattern": "^[0-9]{5}$"}
    reference, fast = _engines(schema)
    assert reference.is_valid("01067\n") and not fast.is_valid("01067\n")
    form = formlang.parse(
        'form f version "1.0.0" {\n  title "T"\n  field plz: postal_code "PLZ"\n}\n'
    )
    assert [e.code for e in form.validate({"plz": "01067\n"}).errors] == ["type_postal_code"]


@pytest.mark.parametrize(
    "text",
    ["a\x1cb@c.de", "a\ufeffb@c.de", "a\u00a0b@c.de", "a\u2003b@c.de", "a b@c.de"],
    ids=["file-separator", "bom", "no-break-space", "em-space", "space"],
)
def test_email_whitespace_reads_alike_in_every_engine(text: str) -> None:
    form = formlang.parse('form f version "1.0.0" {\n  title "T"\n  field e: email "E"\n}\n')
    reference, fast = _engines(form.schema())
    verdict = form.validate({"e": text}).ok
    assert reference.is_valid({"e": text}) == verdict
    assert fast.is_valid({"e": text}) == verdict
