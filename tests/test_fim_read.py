"""Reading FIM XDatenfelder files: both versions by namespace, and bad or hostile input.

Hostile samples live in tests/data/fim/: entity expansion ("billion laughs"), an external
entity, a DTD on the network, malformed XML, wrong roots. Each gives a clear `FimError`
(and, through the CLI, a `file:line: error:` line with exit code 2), never a traceback,
never a network access or unbounded work.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from formlang import fim_read
from formlang.cli import main
from formlang.fim_read import NS_2, NS_3, FieldDef, FimError, GroupDef, read_fim

DATA = Path(__file__).parent / "data" / "fim"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "fim"


def corpus() -> Path:
    """The shared FIM corpus; skipped locally when absent, but a failure on CI."""
    if not CORPUS.is_dir():
        reason = f"the shared corpus is missing: {CORPUS} (clone shared/ beside the repository)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return CORPUS


HOSTILE = {
    "billion_laughs.xml": "DOCTYPE",
    "external_entity.xml": "DOCTYPE",
    "network_dtd.xml": "DOCTYPE",
    "malformed.xml": "malformed XML",
    "wrong_root.xml": "wrong root element <xdatenfelder.datenfeld.0104>",
    "not_fim.xml": "root element <html> is in namespace 'http://www.w3.org/1999/xhtml'",
    "no_identification.xml": "<stammdatenschema> has no <identifikation>",
    "no_schema.xml": "the message has no <stammdatenschema>",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_bad_input_gives_a_clear_error(name: str) -> None:
    with pytest.raises(FimError) as raised:
        read_fim((DATA / name).read_bytes(), name)
    assert HOSTILE[name] in raised.value.message


def test_errors_inside_the_document_carry_the_line() -> None:
    with pytest.raises(FimError) as raised:
        read_fim((DATA / "no_identification.xml").read_bytes())
    assert raised.value.line == 4
    with pytest.raises(FimError) as raised:
        read_fim((DATA / "malformed.xml").read_bytes())
    assert raised.value.line == 4


def test_a_doctype_in_utf16_is_refused_before_parsing() -> None:
    text = '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'
    with pytest.raises(FimError, match="DOCTYPE"):
        read_fim(text.encode("utf-16-le"))


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    depth = 100_000
    data = f'<r xmlns="{NS_3}">'.encode() + b"<a>" * depth + b"</a>" * depth + b"</r>"
    with pytest.raises(FimError, match="malformed XML"):
        read_fim(data)


def test_the_size_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fim_read, "MAX_BYTES", 1024 * 1024)
    with pytest.raises(FimError, match="at most 1 MB"):
        read_fim(b" " * (2 * 1024 * 1024))


def test_the_legacy_version_is_unsupported() -> None:
    path = corpus() / "legacy" / "S00000036_waffenbesitzkarte_xdf1.xml"
    with pytest.raises(FimError) as raised:
        read_fim(path.read_bytes())
    assert "XDatenfelder 1.x is not supported" in raised.value.message
    assert raised.value.hint and "2.0 or 3.0" in raised.value.hint


def test_the_version_comes_from_the_namespace_not_the_prefix() -> None:
    schema = read_fim((DATA / "features_xdf3.xml").read_bytes())  # prefix ns0
    assert schema.xdf_version == "3.0.0"
    assert schema.ident.id == "S99000000001" and schema.ident.version == "2.1"
    renamed = (corpus() / "xdf2" / "S05000058V1.0_bewohnerparken_xdf2.xml").read_bytes()
    renamed = renamed.replace(b"xdf:", b"zz:").replace(b"xmlns:xdf=", b"xmlns:zz=")
    assert read_fim(renamed).xdf_version == "2.0"
    assert NS_2.encode() in renamed


def test_the_model_of_a_3_0_file() -> None:
    schema = read_fim((DATA / "features_xdf3.xml").read_bytes())
    assert schema.title == "Antrag mit allen Merkmalen"
    assert schema.legal == ("§ 1 Testgesetz", "§ 2 Testgesetz")
    assert [r.ident.id for r in schema.rules] == ["R99000000001", "R99000000002", "R99000000003"]
    uses = {u.element.ident.id: u for u in schema.children}
    nachweis = uses["F99000000007"]
    assert (nachweis.min, nachweis.max) == (2, 5)
    assert isinstance(nachweis.element, FieldDef)
    assert nachweis.element.max_size == 20_000_000
    assert nachweis.element.media_types == ("application/pdf", "image/png")
    art = uses["F99000000004"].element
    assert isinstance(art, FieldDef)
    assert [(v.code, v.hint) for v in art.values][1] == ("002", "Nur mit einer gültigen Erlaubnis.")
    choice = uses["G99000000003"].element
    assert isinstance(choice, GroupDef) and choice.choice
    assert uses["G99000000005"].max is None


def test_the_model_of_a_2_0_file_reads_json_and_dirty_precision() -> None:
    schema = read_fim((corpus() / "xdf2" / "S00000009_gewerbeanmeldung_xdf2.xml").read_bytes())
    fields: dict[str, FieldDef] = {}
    stack = list(schema.children)
    while stack:
        element = stack.pop().element
        if isinstance(element, GroupDef):
            stack.extend(element.children)
        else:
            fields.setdefault(element.ident.id, element)
    assert fields["F00000440"].precision_raw == "1..31"  # Tag: not JSON
    assert fields["F00000440"].precision == {}
    assert any(f.precision.get("pattern") == "Mehrfachauswahl" for f in fields.values())
    assert schema.ident.version is None  # the Gewerbeanmeldung has no version


def test_the_cli_reports_bad_input_without_a_traceback() -> None:
    result = CliRunner().invoke(main, ["import", "fim", str(DATA / "billion_laughs.xml")])
    assert result.exit_code == 2
    assert "billion_laughs.xml: error: a DOCTYPE (DTD) is not allowed" in result.output
    assert "Traceback" not in result.output
    result = CliRunner().invoke(main, ["import", "fim", str(DATA / "malformed.xml")])
    assert result.exit_code == 2
    assert "malformed.xml:4: error: malformed XML" in result.output


def test_the_cli_says_when_the_file_is_missing(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["import", "fim", str(tmp_path / "nope.xml")])
    assert result.exit_code == 2
    assert "cannot read the file" in result.output


def test_the_cli_refuses_an_output_in_a_missing_folder(tmp_path: Path) -> None:
    out = tmp_path / "nope" / "x.form"
    result = CliRunner().invoke(
        main, ["import", "fim", str(DATA / "features_xdf3.xml"), "-o", str(out)]
    )
    assert result.exit_code == 2
    assert "does not exist" in result.output
