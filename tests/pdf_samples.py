"""Submissions to print for the PDF tests: one per library form, the same every run.

`sample(form)` takes `tests/data/pdf/<form-id>.json` when there is one, else the
`given` of the form's first scenario that expects `valid`, else the first seeded
generated submission (`submissions.py`) that validates. All validate on `TODAY`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from submissions import LIBRARY_FORMS, REPO_ROOT, TODAY, RandomSource, submission

import formlang

DATA = REPO_ROOT / "tests" / "data" / "pdf"
ARTIFACTS = REPO_ROOT / "test-artifacts" / "pdf"
__all__ = ["ARTIFACTS", "LIBRARY_FORMS", "REPO_ROOT", "TODAY", "sample"]


def sample(form: formlang.Form) -> tuple[dict[str, Any], dt.date]:
    """A submission of `form` and the day it is valid on."""
    written = DATA / f"{form.id}.json"
    if written.exists():
        return json.loads(written.read_text(encoding="utf-8")), TODAY
    for scenario in form.ir.tests:
        if any(e.kind == "valid" for e in scenario.expectations):
            return dict(scenario.given), scenario.today or TODAY
    first: dict[str, Any] | None = None
    for seed in range(300):
        data = submission(form.ir, RandomSource(seed), "valid")
        if form.validate(data, today=TODAY).ok:
            return data, TODAY
        first = first or data
    assert first is not None
    return first, TODAY
