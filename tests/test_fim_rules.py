"""The translation of FIM rule texts, on the real rules of the corpus.

`read_rule` reads the common shapes of German rule texts; the importer turns them into
`when` / `required when` conditions and rules, and a condition the checker refuses is taken
back and reported instead of breaking the output.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from formlang import api, ir
from formlang.fim_codes import CodeLists
from formlang.fim_import import _check_until_clean
from formlang.fim_map import build_plan
from formlang.fim_plan import Condition, FieldNode
from formlang.fim_read import GroupDef, Rule, read_fim
from formlang.fim_rule_text import AtLeastOne, read_rule
from formlang.fim_rules import apply_rules

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "fim"
DATA = Path(__file__).parent / "data" / "fim"


def corpus_rules() -> dict[str, Rule]:
    """Every rule of the corpus by id (skipped locally without the corpus, a failure on CI)."""
    if not CORPUS.is_dir():
        reason = f"the shared corpus is missing: {CORPUS}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    found: dict[str, Rule] = {}
    for path in sorted(CORPUS.glob("xdf*/*.xml")):
        schema = read_fim(path.read_bytes())
        found.update((r.ident.id, r) for r in schema.rules)
        stack = list(schema.children)
        while stack:
            element = stack.pop().element
            found.update((r.ident.id, r) for r in element.rules)
            if isinstance(element, GroupDef):
                stack.extend(element.children)
    return found


def summary(rule_id: str) -> list[tuple[str, tuple[str, ...], bool, list[tuple[str, bool, bool]]]]:
    read = read_rule(corpus_rules()[rule_id].text)
    assert isinstance(read, list), read
    return [
        (
            c.test.field,
            c.test.values,
            c.test.negated,
            [(t, a.show, a.requires or a.required_only) for a in c.actions for t in a.targets],
        )
        for c in read
    ]


def test_yes_no_activates_and_deactivates_a_group() -> None:
    assert summary("R00000002589") == [
        ("F00000003445", ("JA",), False, [("G00000002211", True, False)]),
        ("F00000003445", ("NEIN",), False, [("G00000002211", False, False)]),
    ]


def test_codes_with_oder_and_the_negated_else_sentence() -> None:
    assert summary("R60000000056") == [
        ("F60000000352", ("003", "005"), False, [("G60000000223", True, True)]),
        ("F60000000352", ("003", "005"), True, [("G60000000223", False, False)]),
    ]


def test_und_joins_several_actions_and_mache_es_zur_pflichtangabe() -> None:
    assert summary("R00000002566") == [
        (
            "F17000009294",
            ("001",),
            False,
            [("F17000009295", True, True), ("F17000009296", False, False)],
        ),
        (
            "F17000009294",
            ("002",),
            False,
            [("F17000009295", False, False), ("F17000009296", True, True)],
        ),
    ]


def test_auswahl_with_code_and_text_and_a_list_of_codes() -> None:
    assert summary("R05000012323") == [
        ("F05000017430", ("01",), False, [("F05000017431", True, True)])
    ]
    assert summary("R05000012487")[0][1] == ("001", "002", "003", "004")


def test_quoted_labels_as_values_and_three_equals_signs() -> None:
    assert summary("R05000011337") == [
        ("F05000016480", ("Natürliche Person",), False, [("G05000010674", True, False)]),
        ("F05000016480", ("Juristische Person",), False, [("G05000010676", True, False)]),
    ]


def test_xdf2_sentences_nur_dann_zu_befuellen_and_angegeben() -> None:
    assert summary("R00000255")[0][0:2] == ("F00001041", ("JA",))
    assert len(summary("R00000255")[0][3]) == 5
    assert summary("R05000281") == [("F05001047", ("02",), False, [("G05000499", True, True)])]


def test_not_empty_makes_another_field_required() -> None:
    read = read_rule(corpus_rules()["R60000000023"].text)
    assert isinstance(read, list)
    assert read[0].test.empty is False
    assert read[0].actions[0].required_only


def test_at_least_one_of_several_fields() -> None:
    read = read_rule(corpus_rules()["R60000000050"].text)
    assert read == AtLeastOne(fields=("F60000000240", "F60000000241", "F60000000242"))


@pytest.mark.parametrize(
    "rule_id",
    [
        "R60000000024",
        "R60000000019",
        "R05000012617",
        "R05000013422",
        "R05000013427",
        "R05000013430",
    ],
)
def test_texts_without_a_readable_form_are_not_translated(rule_id: str) -> None:
    assert read_rule(corpus_rules()[rule_id].text) is None


def test_translated_rules_become_conditions_in_the_checked_form(tmp_path: Path) -> None:
    corpus_rules()
    out = tmp_path / "muschg.form"
    from formlang.fim_import import import_fim

    result = import_fim((CORPUS / "xdf3" / "S00000000371_xdf3.xml").read_bytes(), out=out)
    out.write_text(result.form_text, encoding="utf-8")
    fields = {
        dict(e.meta).get("fim"): e
        for e in ir.walk(api.load(out).ir.children)
        if isinstance(e, ir.Field)
    }
    voraussichtlich = fields["F17000009295"]
    assert voraussichtlich.when is not None and not voraussichtlich.optional  # Pflichtangabe
    sonstiges = fields["F17000009298"]
    assert sonstiges.when is not None and sonstiges.optional  # only "aktiviere"
    monat = fields["F60000000232"]
    assert monat.required_when is not None
    assert 'when status_frau_schwanger_stillend == "001"' in result.form_text
    assert 'when beschaeftigungsverhaeltnis == "999"' in result.form_text
    untranslated = [n for n in result.notes if n.untranslated]
    assert [n.message.split()[1] for n in untranslated] == ["R60000000024"]


def test_a_condition_the_checker_refuses_is_taken_back(tmp_path: Path) -> None:
    schema = read_fim((DATA / "features_xdf3.xml").read_bytes())
    plan = build_plan(schema, codelists=CodeLists(), code_base=tmp_path, module_file=None)
    apply_rules(plan)
    field = next(n for n in plan.form.children if isinstance(n, FieldNode) and n.name == "staat")
    bad = Condition(expr="gibt_es_nicht == 1", rule=schema.rules[0].ident, rule_line=7)
    field.conditions.append(bad)
    form, _, diags = _check_until_clean(plan, tmp_path / "f.form", None)
    assert bad.taken_back is not None and "gibt_es_nicht" in bad.taken_back
    assert "gibt_es_nicht" not in form.text
    assert not any(x.is_error for x in diags)
    assert any(c.taken_back is None for n in plan.form.children for c in n.conditions)


def test_a_rule_of_a_field_is_translated_in_the_fields_group(tmp_path: Path) -> None:
    from lxml import etree

    from formlang.fim_import import import_fim
    from formlang.fim_read import NS_3

    root = etree.fromstring((DATA / "features_xdf3.xml").read_bytes())
    q = f"{{{NS_3}}}"
    rule = next(
        r for r in root.iter(f"{q}regel") if r.findtext(f"{q}name") == "Begründung bei Sonstiges"
    )
    field = next(
        f
        for f in root.iter(f"{q}datenfeld")
        if f.findtext(f"{q}identifikation/{q}id") == "F99000000005"
    )
    field.append(rule)  # moved from the schema to the field
    result = import_fim(etree.tostring(root), out=tmp_path / "f.form")
    assert result.errors == []
    assert 'when antragsart == "999"' in result.form_text


def test_the_translated_condition_decides_like_the_fim_rule() -> None:
    from formlang.fim_import import import_fim

    form = api.parse(import_fim((DATA / "beispiel_xdf3.xml").read_bytes()).form_text)
    area = {"genutzte_flaeche": [{"groesse_in_m2": 12}]}
    assert form.validate({"anlass_nutzung": "001", **area}).ok  # Beschreibung not asked
    missing = form.validate({"anlass_nutzung": "999", **area})
    assert not missing.ok
    assert [e.path for e in missing.errors] == ["/beschreibung_anlasses"]
    given = {"anlass_nutzung": "999", "beschreibung_anlasses": "Hochzeit", **area}
    assert form.validate(given).ok


def test_an_optional_group_required_under_a_condition_becomes_a_rule(tmp_path: Path) -> None:
    from formlang.fim_import import import_fim

    source = CORPUS / "xdf2" / "S05000058V1.0_bewohnerparken_xdf2.xml"
    lists = [CORPUS / "xdf2" / "codelists"]
    result = import_fim(source.read_bytes(), out=tmp_path / "b.form", codelists=lists)
    assert result.errors == [] and not [n for n in result.notes if n.untranslated]
    assert (
        "rule count(angaben_zur_bestehenden_parkgenehmigung) >= 1 "
        "on angaben_zur_bestehenden_parkgenehmigung\n"
        '        when art_antrags == "02"'
    ) in result.form_text
    rules = api.parse(result.form_text, str(tmp_path / "b.form")).ir.rules
    assert sum(1 for r in rules if r.when is not None) == 2
