"""`formlang new` writes a starter form that passes check, fmt and test; `formlang list`."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from formlang.cli import main


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_new_writes_a_clean_starter(tmp_path: Path) -> None:
    code, out = _run(
        "new", "kita_platz", "--title", 'Antrag auf einen "Kita"-Platz', "--dir", str(tmp_path)
    )
    form = tmp_path / "kita_platz.form"
    assert code == 0 and out.startswith(f"wrote {form}")
    text = form.read_text(encoding="utf-8")
    assert 'form kita_platz version "0.1.0" {' in text
    assert "title \"Antrag auf einen 'Kita'-Platz\"" in text
    for command in (["check"], ["fmt", "--check"], ["test"]):
        assert _run(*command, str(form))[0] == 0, command


def test_new_refuses_bad_names_and_existing_files(tmp_path: Path) -> None:
    assert _run("new", "Kita-Platz", "--dir", str(tmp_path))[0] == 2
    assert _run("new", "kita", "--dir", str(tmp_path))[0] == 0
    before = (tmp_path / "kita.form").read_text(encoding="utf-8")
    assert _run("new", "kita", "--dir", str(tmp_path))[0] == 2
    assert (tmp_path / "kita.form").read_text(encoding="utf-8") == before


def test_list_shows_forms_and_modules_with_versions() -> None:
    code, out = _run("list")
    assert code == 0
    lines = out.splitlines()
    assert any(
        line.startswith("form    gewerbeanmeldung       1.0.0    forms/gewerbeanmeldung.form")
        and line.endswith("Gewerbeanmeldung")
        for line in lines
    )
    assert any(line.split()[:3] == ["module", "person", "1.1.0"] for line in lines)
    assert [line.split()[0] for line in lines] == sorted(line.split()[0] for line in lines)
