"""Scenario tests inside forms: the runner's verdicts and how it reports failures."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import formlang
from formlang.cli import main
from formlang.scenario_run import run_scenarios

REPO = Path(__file__).resolve().parent.parent
HUND = REPO / "tests" / "cases" / "scenarios" / "hund.form"
LIBRARY_FORMS = sorted((REPO / "library" / "forms").glob("*.form"))


def test_passing_and_failing_scenarios() -> None:
    outcomes = {o.name: o for o in run_scenarios(formlang.load(HUND))}
    assert [name for name, o in outcomes.items() if o.ok] == [
        "Bescheid nur für gefährliche Hunde",
        "Alte Hunde brauchen einen Chip",
        "Die Zahl muss passen",
    ]
    failures = outcomes["Falsche Erwartung"].failures
    assert [f.expectation for f in failures] == ["expect hidden(bescheid)", "expect valid"]
    assert failures[0].message.startswith("'bescheid' is shown; the validator said: /bescheid:")
    assert failures[1].message.startswith("the data is not valid: /bescheid: Laden Sie")
    assert str(failures[0].span).endswith("hund.form:47:5")


@pytest.mark.parametrize("path", LIBRARY_FORMS, ids=lambda p: p.stem)
def test_library_scenarios_pass(path: Path) -> None:
    outcomes = run_scenarios(formlang.load(path))
    assert outcomes, f"{path.name} has no scenario tests"
    failed = {o.name: [f.message for f in o.failures] for o in outcomes if not o.ok}
    assert not failed


def test_cli_reports_failures_with_locations() -> None:
    result = CliRunner().invoke(main, ["test", str(HUND.relative_to(REPO))], catch_exceptions=False)
    assert result.exit_code == 1
    assert "FAIL  tests/cases/scenarios/hund.form:44:3: Falsche Erwartung" in result.output
    assert "  tests/cases/scenarios/hund.form:47:5: expect hidden(bescheid)" in result.output
    assert result.output.rstrip().endswith("4 tests: 3 passed, 1 failed")


def test_cli_passes_the_library() -> None:
    result = CliRunner().invoke(main, ["test", "-v", str(REPO / "library")])
    assert result.exit_code == 0, result.output
    assert "ok    " in result.output and ", 0 failed" in result.output
