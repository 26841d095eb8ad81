"""The docs' Python examples run, and the submission-format example says what validate does."""

from __future__ import annotations

import datetime
import json
import os
import re
from pathlib import Path

import pytest

import formlang

REPO = Path(__file__).resolve().parent.parent
DOCS = sorted((REPO / "docs").glob("*.md"))
FENCE = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```", re.S | re.M)


def _blocks(kind: str) -> list[tuple[str, str]]:
    out = []
    for doc in DOCS:
        for index, match in enumerate(FENCE.finditer(doc.read_text(encoding="utf-8"))):
            if match.group(1) == kind:
                out.append((f"{doc.name}#{index}", match.group(2)))
    return out


PYTHON = _blocks("python")


def test_docs_have_python_examples() -> None:
    assert len(PYTHON) >= 2


@pytest.mark.parametrize(("name", "code"), PYTHON, ids=[n for n, _ in PYTHON])
def test_python_example_runs(name: str, code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    exec(compile(code, name, "exec"), {"__name__": "__doc_example__"})


def test_submission_format_example() -> None:
    text = (REPO / "docs" / "submission-format.md").read_text(encoding="utf-8")
    example = text[text.index("## An example") :]
    blocks = FENCE.findall(example)
    (kind_form, form_text), (kind_in, sent), (kind_out, effective) = blocks[:3]
    assert (kind_form, kind_in, kind_out) == ("form", "json", "json")
    form = formlang.parse(form_text, path=os.fspath(REPO / "docs" / "example.form"))
    result = form.validate(json.loads(sent), today=datetime.date(2025, 6, 1))
    assert result.ok
    assert [(w.code, w.path) for w in result.warnings] == [("hidden_value", "/hauptwohnung_ort")]
    assert result.data == json.loads(effective)
