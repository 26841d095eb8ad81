"""Submissions made up for a form, for the engine, differential and hostile tests.

`submission(form, source, mode)` walks the IR and builds one JSON-shaped submission. Each
element is absent or present; each value is valid or invalid for its field. The choices are
made by a `Source`: `RandomSource` (a seeded `random.Random`, for fixed sets of cases) or
`DrawSource` (Hypothesis draws, so failures shrink).

Modes:

- "mixed": anything, but never an *empty* value (null, "", blanks, [], {}, an unticked
  consent) and never a JSON number for a decimal or money field — the two things `validate`
  tolerates and the canonical schema refuses (docs/submission-format.md).
- "valid": every field that is there is valid; required fields are nearly always there.
  Conditions and rules may still fail.
- "lenient": like "valid", with spellings that `validate` accepts and canonicalizes
  (JSON numbers for decimals and money).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

from formlang import ir
from formlang.types import FieldKind

T = TypeVar("T")
REPO_ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2025, 6, 1)
LIBRARY_FORMS = sorted((REPO_ROOT / "library" / "forms").glob("*.form"))
VALID_FORMS = sorted((REPO_ROOT / "tests" / "cases" / "valid").glob("*.form"))
COMPLETE_FORMS = sorted((REPO_ROOT / "tests" / "cases" / "complete").glob("*.form"))
# Conditions the schema can only partly state (complete: false): edge cases of the compiler
SCHEMA_FORMS = sorted((REPO_ROOT / "tests" / "cases" / "schema").glob("*.form"))
ALL_FORMS = LIBRARY_FORMS + VALID_FORMS + COMPLETE_FORMS + SCHEMA_FORMS


def form_id(path: Path) -> str:
    """library__forms__gewerbeanmeldung, valid__options, complete__flags, schema__…"""
    cases = REPO_ROOT / "tests" / "cases"
    base = cases if path.is_relative_to(cases) else REPO_ROOT
    return "__".join(path.relative_to(base).with_suffix("").parts)


class Source(Protocol):
    def pick(self, options: Sequence[T]) -> T: ...

    def percent(self) -> int: ...  # 0..99


class RandomSource:
    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def pick(self, options: Sequence[T]) -> T:
        return options[self.random.randrange(len(options))]

    def percent(self) -> int:
        return self.random.randrange(100)


class DrawSource:
    def __init__(self, data: Any) -> None:
        from hypothesis import strategies as st

        self.data, self.st = data, st

    def pick(self, options: Sequence[T]) -> T:
        return self.data.draw(self.st.sampled_from(list(options)))  # type: ignore[no-any-return]

    def percent(self) -> int:
        return self.data.draw(self.st.integers(0, 99))  # type: ignore[no-any-return]


def submission(form: ir.Form, source: Source, mode: str = "mixed") -> dict[str, Any]:
    return _Maker(source, mode).object(form.children)


def data_elements(elements: tuple[ir.Element, ...]) -> list[Any]:
    out: list[Any] = []
    for element in elements:
        if isinstance(element, ir.Page):
            out.extend(data_elements(element.children))
        elif not isinstance(element, ir.Info):
            out.append(element)
    return out


class _Maker:
    def __init__(self, source: Source, mode: str) -> None:
        self.s = source
        self.mode = mode

    def chance(self, percent: int) -> bool:
        return self.s.percent() < percent

    def object(self, elements: tuple[ir.Element, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for element in data_elements(elements):
            if isinstance(element, ir.Computed):
                continue
            if self._absent(element):
                continue
            value = self.element(element)
            if value is not _NOTHING:
                out[element.name] = value
        if self.mode == "mixed" and self.chance(3):
            out["unbekannt"] = self.s.pick(["x", 1, {"a": "b"}])
        return out

    def _absent(self, element: Any) -> bool:
        conditional = getattr(element, "when", None) is not None
        if self.mode != "mixed" and _required(element) and not conditional:
            return self.chance(3)
        return self.chance(30 if self.mode == "mixed" else 45)

    def element(self, element: Any) -> Any:
        if isinstance(element, ir.Field):
            valid = self.mode != "mixed" or self.chance(85)
            return self.field(element, valid)
        if isinstance(element, ir.Group):
            inner = self.object(element.children)
            return inner or _NOTHING
        if isinstance(element, ir.Repeat):
            return self.rows(element)
        return self.alternative(element)

    def rows(self, element: ir.Repeat) -> Any:
        low = max(element.min, 1)
        high = min(element.max or 3, 3)
        if self.mode == "mixed" and self.chance(10):
            count = self.s.pick([low - 1, (element.max or 3) + 1]) or 1
        else:
            count = self.s.pick(range(low, max(high, low) + 1))
        rows = [self.object(element.children) for _ in range(count)]
        return rows

    def alternative(self, element: ir.Alternative) -> Any:
        branch = self.s.pick(element.branches)
        out = {branch.name: self.object(branch.children)}
        if self.mode == "mixed" and self.chance(10):
            other = self.s.pick(element.branches)
            second = self.object(other.children)
            if second and out[branch.name]:  # an empty branch beside another: tolerated
                out[other.name] = second
        if self.mode == "mixed" and self.chance(5):
            out[branch.name]["unbekannt"] = 1
        return out

    # ---- values ------------------------------------------------------------------------

    def field(self, field: ir.Field, valid: bool) -> Any:
        options = _valid(field, self.mode) if valid else _invalid(field)
        if not options:
            options = _invalid(field) if valid else _valid(field, self.mode)
        value = self.s.pick(options)
        return value() if callable(value) else value


_NOTHING: Any = object()


def _required(element: Any) -> bool:
    if isinstance(element, ir.Field):
        return not element.optional and element.required_when is None and not element.default
    if isinstance(element, ir.Repeat):
        return element.min > 0
    if isinstance(element, ir.Alternative):
        return not element.optional
    return isinstance(element, ir.Group)


# ---- value pools, by field type ---------------------------------------------------------

TEXTS = [
    "Erika",
    "Mustermann-Gabler",
    "Straße 1a",
    "Zeile eins\nZeile zwei",
    "  führende Leerzeichen",
    "Tab\tin der Mitte",
    "a\u00a0b",  # no-break space inside
    "x\x1cy",  # Python's str.isspace() says yes, JavaScript and Rust say no
    "\ufeffBOM",
    "Emoji \U0001f600",
    "DD-AB 1234",
    "B-X 1",
    "123456789012345",
    "Ärger über Öl",
    "x",
]
_PATTERN_CANDIDATES = [*TEXTS, "HH-A 99", "DD-AB 01234", "1234567890123456", "dd-ab 1234"]
_NOT_TEXT = [5, True, ["x"], {"a": "b"}, 1.5]
EMAILS = ["erika@beispiel.de", "a.b+c@sub.example.org", "ä@ö.de", "a\u00a0b@c.de"]
BAD_EMAILS = ["erika@", "a b@c.de", "a@b", "a@@b.de", "a\x1cb@c.de", "@b.de", "a@b..de"]
PHONES = ["+49 351 4880", "0351/123456", "(0351) 12-34"]
BAD_PHONES = ["abc", "+", "12", "+49 351 4880 ext. 5"]
URLS = ["https://www.dresden.de", "http://x.de/a?b=c#d", "https://ä.de/ö"]
BAD_URLS = ["ftp://x.de", "https://", "https:// x", "www.dresden.de", "https://.de"]
IBANS = ["DE89370400440532013000", "GB82WEST12345698765432"]
BAD_IBANS = [
    "DE89370400440532013001",
    "DE89 3704 0044 0532 0130 00",
    "XX00",
    "de89370400440532013000",
]
BICS = ["COBADEFFXXX", "DEUTDEFF"]
BAD_BICS = ["COBADEF", "CObADEFFXXX", "ZZZZZZZZ", "COBADEFFXX"]
TAX_IDS = ["86095742719"]
BAD_TAX_IDS = ["86095742710", "1234", "06095742719"]
DATES = [TODAY.isoformat(), "2024-02-29", "1980-05-17", "2025-01-01", "2026-03-31", "2000-12-31"]
BAD_DATES = ["2025-02-30", "01.06.2025", "2025-6-1", "2023-02-29", "2025-06-01T00:00", 20250601]
TIMES = ["08:30", "23:59:59", "00:00", "12:00"]
BAD_TIMES = ["24:00", "8:30", "08:30:60", "08:30 Uhr"]
DATETIMES = ["2025-06-01T08:30", "2024-02-29T23:59:59", "2025-01-01T08:00"]
BAD_DATETIMES = ["2025-06-01 08:30", "2025-02-30T08:00", "2025-06-01T08:30Z", "2025-06-01"]
DECIMALS = ["0", "12.5", "-3.25", "100", "0.5", "99.5", "1000000.125"]
BAD_DECIMALS = ["1,5", "abc", ".5", "1e5", "1.", "+1", True, "- 1"]
MONEYS = ["0", "12.50", "-3.5", "1250", "30.70", "9999.99"]
BAD_MONEYS = ["12.345", "12,50", "€ 5", "1.2.3", False]
BAD_CHOICES = ["zzz", 5, ["a"], "ROT"]


def _valid(field: ir.Field, mode: str) -> list[Any]:
    kind = field.kind
    if kind in (FieldKind.TEXT, FieldKind.TEXTAREA):
        return [t for t in _PATTERN_CANDIDATES if _text_ok(field, t)]
    if kind is FieldKind.INTEGER:
        return [n for n in [*range(-25, 60), 100, 1000, 100000] if _number_ok(field, n)] + (
            [2.0] if _number_ok(field, 2) else []
        )
    if kind in (FieldKind.DECIMAL, FieldKind.MONEY):
        pool = DECIMALS if kind is FieldKind.DECIMAL else MONEYS
        out: list[Any] = [v for v in pool if _number_ok(field, v)]
        if mode == "lenient":
            out += [n for n in (12.5, 3, 0.5) if _number_ok(field, n)]  # numbers for strings
        return out
    if kind is FieldKind.BOOLEAN:
        return [True, False]
    if kind is FieldKind.CONSENT:
        return [True]
    if kind is FieldKind.CHOICE:
        return list(field.codelist.values) if field.codelist else []
    if kind is FieldKind.MULTICHOICE:
        return _subsets(field, valid=True)
    if kind is FieldKind.FILE:
        return _files(field, valid=True)
    simple = {
        FieldKind.DATE: DATES,
        FieldKind.TIME: TIMES,
        FieldKind.DATETIME: DATETIMES,
        FieldKind.EMAIL: EMAILS,
        FieldKind.PHONE: PHONES,
        FieldKind.URL: URLS,
        FieldKind.POSTAL_CODE: ["01067", "99999", "04109"],
        FieldKind.IBAN: IBANS,
        FieldKind.BIC: BICS,
        FieldKind.TAX_ID: TAX_IDS,
    }[kind]
    if kind in (FieldKind.EMAIL, FieldKind.PHONE, FieldKind.URL):
        return [v for v in simple if _text_ok(field, v)]
    return simple


def _invalid(field: ir.Field) -> list[Any]:
    kind = field.kind
    if kind in (FieldKind.TEXT, FieldKind.TEXTAREA):
        limit = field.constraints.max_length or (1000 if kind is FieldKind.TEXT else 20000)
        too_long = "x" * (limit + 1)
        return [t for t in _PATTERN_CANDIDATES if not _text_ok(field, t)] + _NOT_TEXT + [too_long]
    if kind is FieldKind.INTEGER:
        return [n for n in [*range(-25, 60, 3), 10**6] if not _number_ok(field, n)] + [
            1.5,
            "12",
            True,
        ]
    if kind in (FieldKind.DECIMAL, FieldKind.MONEY):
        pool = BAD_DECIMALS if kind is FieldKind.DECIMAL else BAD_MONEYS
        return pool + [v for v in (DECIMALS + MONEYS) if not _number_ok(field, v)]
    if kind is FieldKind.BOOLEAN:
        return ["true", 1, 0, "nein"]
    if kind is FieldKind.CONSENT:
        return ["ja", 1]
    if kind in (FieldKind.CHOICE,):
        return BAD_CHOICES
    if kind is FieldKind.MULTICHOICE:
        return _subsets(field, valid=False)
    if kind is FieldKind.FILE:
        return _files(field, valid=False)
    simple = {
        FieldKind.DATE: BAD_DATES,
        FieldKind.TIME: BAD_TIMES,
        FieldKind.DATETIME: BAD_DATETIMES,
        FieldKind.EMAIL: BAD_EMAILS,
        FieldKind.PHONE: BAD_PHONES,
        FieldKind.URL: BAD_URLS,
        FieldKind.POSTAL_CODE: ["1067", "010677", "ABCDE", 1067],
        FieldKind.IBAN: BAD_IBANS,
        FieldKind.BIC: BAD_BICS,
        FieldKind.TAX_ID: BAD_TAX_IDS,
    }[kind]
    if kind in (FieldKind.EMAIL, FieldKind.PHONE, FieldKind.URL):
        return simple + [v for v in {*EMAILS, *PHONES, *URLS} if not _text_ok(field, v)]
    return simple


def _text_ok(field: ir.Field, text: str) -> bool:
    from formlang.values import check_value

    if field.constraints.pattern is not None and text.endswith("\n"):
        return False  # Python's `re.search` lets `$` match before it: see test_engines
    return not check_value(field, text, {})[1]


def _number_ok(field: ir.Field, value: Any) -> bool:
    from formlang.evaluate import Context, compile_expr
    from formlang.values import check_value

    bounds = {}
    for name in ("min", "max", "step"):
        expr = getattr(field.constraints, name)
        if expr is not None:
            bounds[name] = compile_expr(expr)(Context(data={}, today=TODAY))
    return not check_value(field, value, bounds)[1]


def _subsets(field: ir.Field, valid: bool) -> list[Any]:
    codes = list(field.codelist.values) if field.codelist else []
    c = field.constraints
    low, high = max(c.min_selected or 1, 1), c.max_selected or len(codes)
    found: list[Any] = []
    for size in range(0, len(codes) + 1):
        for start in range(len(codes)):
            pick = codes[start : start + size]
            if len(pick) == size and size and (low <= size <= high) == valid:
                found.append(pick)
    if not valid:
        found += [codes[:1] * 2, ["zzz"], "rot", [1]]
    return found[:40]


def _files(field: ir.Field, valid: bool) -> list[Any]:
    c = field.constraints
    limit = c.max_size or 10_000_000
    accepted = c.accept or ("application/pdf",)
    media = [a.replace("*", "png") for a in accepted]
    good = [
        {"name": "bescheid.pdf", "media_type": m, "size": s} for m in media for s in (0, limit)
    ] + [
        {"name": "a.pdf", "media_type": media[0], "size": 12, "sha256": "0" * 64, "ref": "r/1"},
        {"name": "b.pdf", "media_type": media[0], "size": 5.0},
    ]
    if valid:
        return good
    bad: list[Any] = [
        {"name": "a.pdf", "media_type": media[0], "size": limit + 1},
        {"name": "a.pdf", "media_type": media[0]},
        {"name": "a.pdf", "media_type": media[0], "size": -1},
        {"name": "a.pdf", "media_type": media[0], "size": 1, "extra": 1},
        {"name": "", "media_type": media[0], "size": 1},
        {"name": "a.pdf", "media_type": "Application/PDF", "size": 1},
        {"name": "a.pdf", "media_type": media[0], "size": 1, "sha256": "xyz"},
        {"name": "a.pdf", "media_type": media[0], "size": 1.5},
        "bescheid.pdf",
    ]
    if c.accept:
        bad.append({"name": "a.txt", "media_type": "text/plain", "size": 1})
    return bad


def without(data: Any, pointers: list[str]) -> Any:
    """A copy of `data` without the values at the JSON pointers (the deepest first)."""
    import copy

    out = copy.deepcopy(data)
    for pointer in sorted(pointers, key=lambda p: (-p.count("/"), p), reverse=False):
        parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
        parent = out
        for part in parts[:-1]:
            parent = parent[int(part)] if isinstance(parent, list) else parent.get(part)
            if parent is None:
                break
        if isinstance(parent, dict):
            parent.pop(parts[-1], None)
    return out
