"""Diagnostics of the checker: one case file per problem, compared with a golden text.

Each `tests/cases/diagnostics/*.form` provokes one problem (or, for the
`many_errors_*` files, many) and names the codes it must produce in its first
line: `# expect: FL303` (several codes separated by commas). The rendered text
of every diagnostic of the run (paths relative to the repository root, no
colour) is compared with `tests/golden/diagnostics/<case>.txt`; accept an
intended change with `pytest --force-regen` and review the diff.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from formlang import diagnostics as d
from formlang.api import check_paths

REPO_ROOT = Path(__file__).resolve().parent.parent
CASES_DIR = REPO_ROOT / "tests" / "cases" / "diagnostics"
GOLDEN_DIR = REPO_ROOT / "tests" / "golden" / "diagnostics"
CASES = sorted(CASES_DIR.glob("*.form"))
EXPECT = re.compile(r"^# expect: (FL\d{3}(?:, FL\d{3})*)\s*$")

# Codes that cannot be written as text; tests/test_bad_input.py covers them.
NOT_TEXT = {"FL100", "FL101", "FL103"}


def expected_codes(path: Path) -> list[str]:
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    match = EXPECT.match(first)
    assert match, f"{path.name}: the first line must be '# expect: FLnnn'"
    return match.group(1).split(", ")


def check_case(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[d.Diagnostic]:
    monkeypatch.chdir(REPO_ROOT)
    _, diags = check_paths([path.relative_to(REPO_ROOT)])
    return diags


def render(diags: list[d.Diagnostic]) -> str:
    parts = [d.render_text(x) for x in diags]
    return "\n\n".join([*parts, d.summary(diags)]) + "\n"


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_case_matches_golden(
    path: Path, monkeypatch: pytest.MonkeyPatch, file_regression: object
) -> None:
    diags = check_case(path, monkeypatch)
    file_regression.check(  # type: ignore[attr-defined]
        render(diags), fullpath=GOLDEN_DIR / f"{path.stem}.txt", encoding="utf-8"
    )


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_case_reports_its_codes(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    diags = check_case(path, monkeypatch)
    found = {x.code for x in diags}
    missing = [code for code in expected_codes(path) if code not in found]
    assert not missing, f"expected {missing}, got {sorted(found)}"
    assert any(x.is_error for x in diags) or all(
        d.CODES[c][0] is d.Severity.WARNING for c in expected_codes(path)
    )


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_diagnostics_are_sorted_located_and_known(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    diags = check_case(path, monkeypatch)
    assert diags == d.sort(diags)
    for diag in diags:
        assert diag.code in d.CODES
        assert diag.message and not diag.message.endswith(".")
        assert 0 <= diag.span.start <= diag.span.end <= len(diag.span.source.text)
        assert not Path(diag.span.path).is_absolute(), diag.span.path
        for related in diag.related:
            assert 0 <= related.span.start <= related.span.end <= len(related.span.source.text)


def test_every_code_has_a_case() -> None:
    covered = {code for path in CASES for code in expected_codes(path)}
    missing = sorted(set(d.CODES) - NOT_TEXT - covered)
    assert not missing, f"no case file in {CASES_DIR} expects {missing}"


def test_there_are_enough_cases() -> None:
    single = [p for p in CASES if not p.stem.startswith("many_errors")]
    assert len(single) >= 45
    assert len(CASES) - len(single) >= 3


def test_many_errors_are_all_reported_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    diags = check_case(CASES_DIR / "many_errors_semantic.form", monkeypatch)
    lines = [x.span.begin.line for x in diags]
    assert len(diags) >= 12
    assert lines == sorted(lines)
    assert len({x.code for x in diags}) >= 10


def test_module_mistakes_are_reported_once_in_the_module(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Checking a form and the module it imports reports the module's mistakes once."""
    monkeypatch.chdir(REPO_ROOT)
    form = (CASES_DIR / "many_errors_with_module.form").relative_to(REPO_ROOT)
    module = (CASES_DIR / "modules" / "broken.form").relative_to(REPO_ROOT)
    _, diags = check_paths([form, module])
    in_module = [x for x in diags if x.span.path == str(module)]
    assert [x.code for x in in_module] == ["FL211", "FL201", "FL400", "FL300"]


def test_golden_files_belong_to_cases() -> None:
    stems = {p.stem for p in CASES}
    orphans = sorted(p.name for p in GOLDEN_DIR.glob("*.txt") if p.stem not in stems)
    assert not orphans, f"golden files without a case: {orphans}"
