"""`formlang build`, `formlang validate`: outputs and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from formlang.cli import main

REPO = Path(__file__).resolve().parent.parent
GEWERBE = str(REPO / "library" / "forms" / "gewerbeanmeldung.form")
VALID = {
    "inhaber": {
        "familienname": "Muster",
        "vornamen": "Erika",
        "geburtsdatum": "1980-02-28",
        "geburtsort": "Dresden",
        "geschlecht": "w",
    },
    "wohnanschrift": {
        "strasse": "Hauptstraße",
        "hausnummer": "1",
        "plz": "01067",
        "ort": "Dresden",
    },
    "email": "erika@example.de",
    "anmeldegrund": "neu",
    "rechtsform": "einzel",
    "taetigkeit": "Handel mit Fahrrädern",
    "beginn": "2025-05-01",
    "vollzeit": 2,
    "teilzeit": 1,
}


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_build_writes_a_valid_schema(tmp_path: Path) -> None:
    code, out = _run("build", GEWERBE, "--format", "schema", "--out", str(tmp_path))
    assert code == 0, out
    schema = json.loads((tmp_path / "gewerbeanmeldung.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"].startswith("urn:formlang:gewerbeanmeldung:1.0.0:sha256-")
    again = tmp_path / "again"
    _run("build", GEWERBE, "--out", str(again))
    assert (again / "gewerbeanmeldung.schema.json").read_bytes() == (
        tmp_path / "gewerbeanmeldung.schema.json"
    ).read_bytes(), "builds must be reproducible"


def test_validate_exit_codes(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(VALID), encoding="utf-8")
    assert _run("validate", GEWERBE, str(good), "--today", "2025-06-01") == (0, f"{good}: valid\n")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**VALID, "email": "erika@"}), encoding="utf-8")
    code, out = _run("validate", GEWERBE, str(bad), "--today", "2025-06-01")
    assert code == 1
    assert out.splitlines() == [
        f"{bad}: invalid (1 error)",
        "  /email: error[type_email]: Geben Sie eine E-Mail-Adresse im richtigen Format ein, "
        "zum Beispiel name@beispiel.de.",
    ]
    code, out = _run(
        "validate", GEWERBE, str(bad), "--lang", "en", "--format", "json", "--today", "2025-06-01"
    )
    report = json.loads(out)
    assert code == 1 and report["ok"] is False
    assert report["errors"][0]["message"].startswith("Enter an email address")
    assert report["errors"][0]["location"].endswith("gewerbeanmeldung.form:15:5")


def test_validate_unusable_input(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    nan = tmp_path / "nan.json"
    nan.write_text('{"vollzeit": NaN}', encoding="utf-8")
    for path in (broken, nan, tmp_path / "missing.json"):
        code, _ = _run("validate", GEWERBE, str(path))
        assert code == 2
    form = tmp_path / "x.form"
    form.write_text("form x {", encoding="utf-8")
    good = tmp_path / "good.json"
    good.write_text("{}", encoding="utf-8")
    assert _run("validate", str(form), str(good))[0] == 2
    assert _run("validate", GEWERBE, str(good), "--today", "tomorrow")[0] == 2
