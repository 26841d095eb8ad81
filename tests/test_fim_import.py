"""`formlang import fim` on every real FIM file of the corpus and on a hand-written sample.

Each import checks without errors, is already formatted, builds to JSON Schema, HTML and
PDF, keeps the count of fields and groups of the XML (fields and groups found by their
`meta fim`, label fields as info texts), and matches its golden in tests/golden/fim/.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from formlang import api, ir
from formlang.cli import main
from formlang.fim_import import Imported, import_fim
from formlang.fim_read import GroupDef, read_fim
from formlang.fmt import format_text

HERE = Path(__file__).parent
DATA = HERE / "data" / "fim"
GOLDEN = HERE / "golden" / "fim"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus"
NAMES = [
    "xdf2/S00000009_gewerbeanmeldung_xdf2.xml",
    "xdf2/S00000121V1.0_blaue_karte_xdf2.xml",
    "xdf2/S05000058V1.0_bewohnerparken_xdf2.xml",
    "xdf3/S00000000364_xdf3.xml",
    "xdf3/S00000000371_xdf3.xml",
    "xdf3/S00000000385_xdf3.xml",
    "xdf3/S05000001216_xdf3.xml",
    "xdf3/S05000001291_xdf3.xml",
]


def corpus() -> Path:
    """The shared corpus; skipped locally when absent, but a failure on CI."""
    if not SHARED.is_dir():
        reason = f"the shared corpus is missing: {SHARED} (clone shared/ beside the repository)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return SHARED


def codelist_dirs(tmp: Path) -> list[Path]:
    """The corpus code lists, linked under `tmp` so the paths in the output do not depend on the machine."""
    root = corpus()
    links = []
    for name, target in (
        ("codelists", root / "codelists"),
        ("fim-codelists", root / "fim/xdf2/codelists"),
    ):
        link = tmp / name
        link.symlink_to(target, target_is_directory=True)
        links.append(link)
    return links


def run_import(source: Path, tmp: Path, *, module: bool = True) -> tuple[Imported, Path]:
    out = tmp / "import.form"
    result = import_fim(
        source.read_bytes(), out=out if module else None, codelists=codelist_dirs(tmp)
    )
    out.write_text(result.form_text, encoding="utf-8")
    return result, out


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Imported, Path]]:
    root = corpus()
    done = {}
    for name in NAMES:
        tmp = tmp_path_factory.mktemp(Path(name).stem)
        done[name] = run_import(root / "fim" / name, tmp)
    return done


@pytest.mark.parametrize("name", NAMES)
def test_every_corpus_file_imports_and_checks(
    name: str, imported: dict[str, tuple[Imported, Path]]
) -> None:
    result, out = imported[name]
    assert result.errors == []
    form = api.load(out)  # raises FormError with every error
    assert form.ir.id == read_fim((SHARED / "fim" / name).read_bytes()).ident.id.lower()


@pytest.mark.parametrize("name", NAMES)
def test_the_output_is_formatted(name: str, imported: dict[str, tuple[Imported, Path]]) -> None:
    result, out = imported[name]
    assert format_text(result.form_text, str(out))[0] == result.form_text
    if result.module_text is not None:
        assert format_text(result.module_text, "m.form")[0] == result.module_text


@pytest.mark.parametrize("name", NAMES)
def test_fields_and_groups_are_counted_as_in_the_xml(
    name: str, imported: dict[str, tuple[Imported, Path]]
) -> None:
    _, out = imported[name]
    xml_fields, xml_labels, xml_groups = _xml_counts(SHARED / "fim" / name)
    elements = ir.walk(api.load(out).ir.children)
    fim_ids = [dict(getattr(e, "meta", ())).get("fim", "") for e in elements]
    assert sum(1 for i in fim_ids if i.startswith("F")) == xml_fields
    assert sum(1 for e in elements if isinstance(e, ir.Info)) == xml_labels
    assert sum(1 for i in fim_ids if i.startswith("G")) == xml_groups


def _xml_counts(path: Path) -> tuple[int, int, int]:
    fields = labels = groups = 0
    stack = list(read_fim(path.read_bytes()).children)
    while stack:
        element = stack.pop().element
        if isinstance(element, GroupDef):
            groups += 1
            stack.extend(element.children)
        elif element.feldart == "label":
            labels += 1
        else:
            fields += 1
    return fields, labels, groups


@pytest.mark.parametrize("name", NAMES)
def test_the_output_builds_to_schema_html_and_pdf(
    name: str, imported: dict[str, tuple[Imported, Path]]
) -> None:
    _, out = imported[name]
    form = api.load(out)
    schema = form.schema()
    traced = {entry["meta"]["fim"] for entry in schema["x-formlang"]["meta"]}
    assert any(i.startswith("F") for i in traced) and any(i.startswith("G") for i in traced)
    assert "<form" in form.render_html()
    assert form.render_pdf()[:5] == b"%PDF-"


@pytest.mark.parametrize("name", NAMES)
def test_the_imported_text_matches_its_golden(
    name: str, imported: dict[str, tuple[Imported, Path]], file_regression: Any
) -> None:
    result, _ = imported[name]
    stem = Path(name).stem
    file_regression.check(result.form_text, fullpath=GOLDEN / f"{stem}.form")
    if result.module_text is not None:
        file_regression.check(result.module_text, fullpath=GOLDEN / f"{stem}_gruppen.form")


def test_groups_used_twice_become_one_module_definition(
    imported: dict[str, tuple[Imported, Path]],
) -> None:
    result, out = imported["xdf3/S00000000364_xdf3.xml"]
    assert result.module_path == out.parent / "import_gruppen.form"
    assert result.module_text is not None
    assert result.module_text.count('meta fim "G60000000086"') == 1
    assert result.form_text.count("group strassenanschrift: strassenanschrift") == 2
    uses = [
        e
        for e in ir.walk(api.load(out).ir.children)
        if dict(getattr(e, "meta", ())).get("fim") == "G60000000086"
    ]
    assert len(uses) == 2 and all(isinstance(e, ir.Group) and e.module for e in uses)


def test_without_an_output_file_everything_is_inline(tmp_path: Path) -> None:
    source = corpus() / "fim" / "xdf3" / "S00000000364_xdf3.xml"
    result, out = run_import(source, tmp_path, module=False)
    assert result.module_text is None and result.errors == []
    assert result.form_text.count('meta fim "G60000000086"') == 2
    assert "use " not in result.form_text
    api.load(out)


def test_the_features_sample(tmp_path: Path, file_regression: Any) -> None:
    result, out = run_import(DATA / "features_xdf3.xml", tmp_path)
    file_regression.check(result.form_text, fullpath=GOLDEN / "features_xdf3.form")
    form = api.load(out).ir
    by_fim = {
        dict(getattr(e, "meta", ())).get("fim"): e
        for e in ir.walk(form.children)
        if getattr(e, "meta", ())
    }
    nachweis = by_fim["F99000000007"]
    assert isinstance(nachweis, ir.Field)
    assert nachweis.constraints.max_size == 19531 * 1024  # at most FIM's 20,000,000 bytes
    assert nachweis.constraints.accept == ("application/pdf", "image/png")
    assert isinstance(by_fim["G99000000003"], ir.Alternative)
    assert isinstance(by_fim["G99000000005"], ir.Repeat)
    name = by_fim["F99000000010"]
    assert isinstance(name, ir.Field) and name.constraints.pattern == "^[A-Za-zÀ-ÖØ-öø-ÿ .-]+$"
    missing = [n for n in result.notes if "gibtesnicht" in n.message]
    assert missing and "version 7" in missing[0].message and missing[0].line == 128
    assert by_fim["F99000000006"].kind.value == "text"  # type: ignore[union-attr]


def test_dirty_precision_becomes_notes_or_equivalents(tmp_path: Path) -> None:
    source = corpus() / "fim" / "xdf2" / "S00000009_gewerbeanmeldung_xdf2.xml"
    result, out = run_import(source, tmp_path)
    messages = [n.message for n in result.notes]
    assert any("'1..31' is not JSON; read as min 1 max 31" in m for m in messages)
    assert any("'Codeliste Regionalschlüssel'" in m for m in messages)
    assert any("Präzisierung '5' is not JSON" in m for m in messages)
    fields = [e for e in ir.walk(api.load(out).ir.children) if isinstance(e, ir.Field)]
    tag = next(f for f in fields if dict(f.meta).get("fim") == "F00000440")
    assert tag.constraints.min is not None and tag.constraints.max is not None


def test_cli_writes_the_files_and_a_summary(tmp_path: Path) -> None:
    source = corpus() / "fim" / "xdf2" / "S05000058V1.0_bewohnerparken_xdf2.xml"
    out = tmp_path / "bewohnerparken.form"
    lists = codelist_dirs(tmp_path)
    args = ["import", "fim", str(source), "-o", str(out)]
    for folder in lists:
        args += ["--codelists", str(folder)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "imported S05000058 version 1.0 (XDatenfelder 2.0): 33 fields, 8 groups" in result.output
    assert "2 rules (2 translated), 6 code lists; 0 thing(s) not translated" in result.output
    assert out.read_text(encoding="utf-8").startswith("# Importiert aus FIM")
    check = CliRunner().invoke(main, ["check", str(out)])
    assert check.exit_code == 0, check.output


def test_the_worked_example_in_the_docs_is_the_real_output() -> None:
    doc = (HERE.parent / "docs" / "fim-import.md").read_text(encoding="utf-8")
    example = doc[doc.index("## A worked example") :]
    xml_block = example.split("```xml\n", 1)[1].split("```", 1)[0]
    form_block = example.split("```form\n", 1)[1].split("```", 1)[0]
    source = DATA / "beispiel_xdf3.xml"
    assert xml_block == source.read_text(encoding="utf-8")
    assert form_block == import_fim(source.read_bytes()).form_text


def test_cli_without_output_prints_the_form(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["import", "fim", str(DATA / "beispiel_xdf3.xml")])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Importiert aus FIM: Stammdatenschema S99000000100")
    assert "imported S99000000100 version 1.0.0 (XDatenfelder 3.0.0): 3 fields, 1 groups" in (
        result.stderr
    )
