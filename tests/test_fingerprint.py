"""The content hash of a form ($id, x-formlang.form.fingerprint) does not depend on where it lies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import formlang
from formlang.program import fingerprint

REPO = Path(__file__).resolve().parent.parent
FOLDERS = ("tests/cases/valid", "tests/cases/complete", "library")


@pytest.mark.parametrize("folder", FOLDERS)
def test_same_fingerprint_in_another_checkout(folder: str, tmp_path: Path) -> None:
    # A copy of the folder, its library and its code lists somewhere else entirely.
    copy = tmp_path / "elsewhere"
    shutil.copytree(REPO / folder, copy / folder)
    if folder != "library":
        shutil.copytree(REPO / "library", copy / "library")
    library = [copy / "library"]
    for form_file in sorted((REPO / folder).rglob("*.form")):
        relative = form_file.relative_to(REPO)
        here = formlang.load(form_file)
        there = formlang.load(copy / relative, library=library)
        assert fingerprint(here.ir) == fingerprint(there.ir), relative
        assert here.schema()["$id"] == there.schema()["$id"], relative
