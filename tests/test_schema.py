"""The compiled JSON Schema of every library form and every valid and complete test form.

Each schema must be a valid draft 2020-12 schema, match its golden
(`tests/golden/schema/*.json`, accept an intended change with `pytest --force-regen` and
review the diff), carry an `$id` that is stable across machines and working directories,
and an `x-formlang` object that validates against `schemas/x-formlang.schema.json`.
Properties a golden diff would bury (anchored patterns, codes with titles, repeats with
bounds, conditional requiredness, `$defs` for modules, closed objects) are asserted below.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from submissions import ALL_FORMS, REPO_ROOT, form_id

import formlang
from formlang.evaluate import FUNCTIONS
from formlang.schema_fields import NOT_BLANK

GOLDEN_DIR = REPO_ROOT / "tests" / "golden" / "schema"
META_SCHEMA = REPO_ROOT / "schemas" / "x-formlang.schema.json"
ID = re.compile(
    r"^urn:formlang:(?P<id>[a-z][a-z0-9_]*):(?P<version>[^:]+):sha256-(?P<hash>[0-9a-f]{32})$"
)


@pytest.fixture(scope="module")
def schemas() -> dict[str, dict[str, Any]]:
    return {form_id(p): formlang.load(p).schema() for p in ALL_FORMS}


def _walk(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every subschema (dict) below `node`, with a JSON-pointer-ish location; not x-formlang."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            if key != "x-formlang" and key not in ("const", "enum", "default"):
                yield from _walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{where}/{index}")


@pytest.mark.parametrize("path", ALL_FORMS, ids=form_id)
def test_schema_is_a_valid_draft_2020_12_schema(
    path: Path, schemas: dict[str, dict[str, Any]]
) -> None:
    schema = schemas[form_id(path)]
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("path", ALL_FORMS, ids=form_id)
def test_schema_matches_golden(
    path: Path, schemas: dict[str, dict[str, Any]], file_regression: Any
) -> None:
    text = json.dumps(schemas[form_id(path)], indent=2, sort_keys=True, ensure_ascii=False)
    file_regression.check(text + "\n", fullpath=GOLDEN_DIR / f"{form_id(path)}.json")


def test_golden_files_belong_to_forms() -> None:
    names = {form_id(p) for p in ALL_FORMS}
    orphans = sorted(p.name for p in GOLDEN_DIR.glob("*.json") if p.stem not in names)
    assert not orphans, f"golden files without a form: {orphans}"


# ---- $id ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_FORMS, ids=form_id)
def test_id_names_form_version_and_content_hash(
    path: Path, schemas: dict[str, dict[str, Any]]
) -> None:
    schema = schemas[form_id(path)]
    match = ID.match(schema["$id"])
    assert match, schema["$id"]
    form = schema["x-formlang"]["form"]
    assert match["id"] == form["id"]
    assert match["version"] == form["version"]
    assert form["fingerprint"].removeprefix("sha256:").startswith(match["hash"])


def test_id_is_the_same_from_another_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    relative = Path("tests/cases/valid/modules.form")  # modules and code lists from two places
    monkeypatch.chdir(REPO_ROOT)
    here = formlang.load(relative).schema()
    monkeypatch.chdir(tmp_path)
    there = formlang.load(REPO_ROOT / relative).schema()
    assert there["$id"] == here["$id"]
    assert there == here


def test_id_changes_with_the_content() -> None:
    text = 'form f version "1.0.0" {\n  title "T"\n  field a: text "A"\n}\n'
    first = formlang.parse(text).schema()["$id"]
    assert formlang.parse(text, path="elsewhere/f.form").schema()["$id"] == first
    assert formlang.parse(text.replace('"A"', '"B"')).schema()["$id"] != first
    assert formlang.parse(text.replace("1.0.0", "1.0.1")).schema()["$id"] != first


# ---- the x-formlang vocabulary -------------------------------------------------------------


def test_meta_schema_is_a_valid_schema() -> None:
    Draft202012Validator.check_schema(json.loads(META_SCHEMA.read_text(encoding="utf-8")))


@pytest.mark.parametrize("path", ALL_FORMS, ids=form_id)
def test_x_formlang_matches_its_meta_schema(path: Path, schemas: dict[str, dict[str, Any]]) -> None:
    meta = json.loads(META_SCHEMA.read_text(encoding="utf-8"))
    errors = list(Draft202012Validator(meta).iter_errors(schemas[form_id(path)]["x-formlang"]))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def test_meta_schema_knows_every_function() -> None:
    meta = json.loads(META_SCHEMA.read_text(encoding="utf-8"))
    known = set(meta["$defs"]["call"]["properties"]["call"]["enum"])
    assert known == {*FUNCTIONS, "today", "now", "age"}


def test_meta_schema_refuses_what_is_not_the_vocabulary(
    schemas: dict[str, dict[str, Any]],
) -> None:
    validator = Draft202012Validator(json.loads(META_SCHEMA.read_text(encoding="utf-8")))
    good = schemas["library__forms__gewerbeanmeldung"]["x-formlang"]
    assert validator.is_valid(good)
    assert not validator.is_valid({**good, "extra": 1})
    assert not validator.is_valid({**good, "complete": "yes"})
    bad_rule = {**good["rules"][0], "severity": "fatal"}
    assert not validator.is_valid({**good, "rules": [bad_rule]})
    bad_expr = {"op": "not", "args": [True, False]}
    assert not validator.is_valid({**good, "visibility": [{"path": ["a"], "when": bad_expr}]})
    assert not validator.is_valid({**good, "checks": [{"path": ["a"], "check": "max"}]})


def test_x_formlang_contents_of_the_library_form(schemas: dict[str, dict[str, Any]]) -> None:
    x = schemas["library__forms__gewerbeanmeldung"]["x-formlang"]
    assert x["form"]["id"] == "gewerbeanmeldung"
    assert x["languages"] == ["de", "en"]
    assert x["complete"] is False  # rules, a computed value, bounds relative to today()
    assert [v["path"] for v in x["visibility"]] == [["uebernahme_am"], ["gesellschafter"]]
    assert x["computed"] == [
        {
            "path": ["beschaeftigte"],
            "type": "integer",
            "expr": {
                "op": "+",
                "args": [
                    {"ref": ["vollzeit"], "repeats": [], "bound": 0, "kind": "field"},
                    {"ref": ["teilzeit"], "repeats": [], "bound": 0, "kind": "field"},
                ],
            },
        }
    ]
    assert {
        "path": ["inhaber", "geburtsdatum"],
        "check": "max",
        "value": {"call": "today", "args": []},
    } in x["checks"]
    assert [(r["on"], r["severity"]) for r in x["rules"]] == [
        (["beginn"], "error"),
        (["vollzeit"], "warning"),
    ]
    assert x["rules"][0]["message"]["en"] == "The start may be at most one year ago."


def test_complete_only_when_nothing_needs_executing(schemas: dict[str, dict[str, Any]]) -> None:
    for name, schema in schemas.items():
        x = schema["x-formlang"]
        if x["complete"]:
            assert not (x["checks"] or x["computed"] or x["rules"]), name
    complete = {name for name, s in schemas.items() if s["x-formlang"]["complete"]}
    assert {n for n in schemas if n.startswith("complete__")} <= complete
    assert "valid__alternatives" in complete and "valid__pages" in complete


# ---- what the standard keywords say --------------------------------------------------------


def test_every_pattern_is_anchored(schemas: dict[str, dict[str, Any]]) -> None:
    for name, schema in schemas.items():
        for where, node in _walk(schema):
            pattern = node.get("pattern")
            if not isinstance(pattern, str) or pattern == NOT_BLANK:
                continue
            if where.endswith("/media_type/anyOf/1") or "/media_type/anyOf/" in where:
                assert pattern.startswith("^"), (name, where)  # a media type family: a prefix
                continue
            assert pattern.startswith("^") and pattern.endswith("$"), (name, where, pattern)


def test_every_object_with_properties_is_closed(schemas: dict[str, dict[str, Any]]) -> None:
    for name, schema in schemas.items():
        for where, node in _walk(schema):
            if node.get("type") == "object" and "properties" in node:
                assert node.get("additionalProperties") is False, (name, where)


def test_choices_are_one_of_const_with_title(schemas: dict[str, dict[str, Any]]) -> None:
    anmeldegrund = schemas["library__forms__gewerbeanmeldung"]["properties"]["anmeldegrund"]
    assert anmeldegrund == {
        "title": "Grund der Anmeldung",
        "oneOf": [
            {"const": "neu", "title": "Neuerrichtung"},
            {"const": "uebernahme", "title": "Übernahme eines bestehenden Betriebs"},
            {"const": "zuzug", "title": "Zuzug aus einem anderen Meldebezirk"},
        ],
    }
    sprachen = schemas["valid__options"]["properties"]["sprachen"]
    assert sprachen["type"] == "array" and sprachen["uniqueItems"] is True
    assert (sprachen["minItems"], sprachen["maxItems"]) == (1, 2)
    assert [c["const"] for c in sprachen["items"]["oneOf"]] == ["de", "en", "fr"]
    # a long code list is an enum (titles would make the schema huge)
    staat = schemas["valid__options"]["properties"]["staatsangehoerigkeit"]
    assert staat["type"] == "string" and "000" in staat["enum"] and staat["default"] == "000"


def test_english_titles() -> None:
    form = formlang.load(REPO_ROOT / "library" / "forms" / "gewerbeanmeldung.form")
    english = form.schema("en")
    assert english["title"] == "Business registration"
    assert english["properties"]["anmeldegrund"]["oneOf"][0] == {
        "const": "neu",
        "title": "New business",
    }
    assert english["$id"] == form.schema()["$id"]


def test_repeats_are_arrays_with_bounds(schemas: dict[str, dict[str, Any]]) -> None:
    partner = schemas["library__forms__gewerbeanmeldung"]["properties"]["gesellschafter"]
    assert (partner["type"], partner["minItems"], partner["maxItems"]) == ("array", 2, 20)
    assert partner["items"]["properties"]["person"]["$ref"] == "#/$defs/person.person"
    # min 0 still means "no empty list" (absent instead), no max means the validator's cap
    halter = schemas["valid__translations"]["properties"]["halter"]
    assert (halter["minItems"], halter["maxItems"]) == (1, 1000)
    posten = schemas["valid__repeats"]["properties"]["rechnungen"]["items"]["properties"]["posten"]
    assert posten["minItems"] == 1 and posten["items"]["required"] == [
        "bezeichnung",
        "betrag",
        "erstattungsfaehig",
    ]


def test_module_groups_are_defs(schemas: dict[str, dict[str, Any]]) -> None:
    schema = schemas["valid__modules"]
    assert set(schema["$defs"]) == {
        "person.person",
        "person.anschrift",
        "haushalt.mitglied",
        "haushalt.mitglieder",
    }
    assert schema["properties"]["antragsteller"] == {
        "title": "Antragsteller",
        "$ref": "#/$defs/person.person",
    }
    assert schema["properties"]["weitere"]["items"] == {"$ref": "#/$defs/haushalt.mitglied"}


def test_groups_with_required_fields_are_required(schemas: dict[str, dict[str, Any]]) -> None:
    # the validator reads an absent group as an empty one: its required fields are missing
    assert schemas["library__forms__gewerbeanmeldung"]["required"][:2] == [
        "inhaber",
        "wohnanschrift",
    ]
    assert schemas["valid__modules"]["required"] == ["antragsteller", "wohnung"]
    row = schemas["valid__modules"]["$defs"]["haushalt.mitglieder"]
    assert row["required"] == ["person"]
    # a group with only optional fields is not
    kontakt = schemas["complete__groups"]["properties"]["kontakt"]
    assert "required" not in kontakt or "email" not in kontakt["required"]
    assert "kontakt" not in schemas["complete__groups"]["required"]


def test_fields_with_a_default_are_not_required(schemas: dict[str, dict[str, Any]]) -> None:
    schema = schemas["library__forms__gewerbeanmeldung"]
    assert "vollzeit" not in schema["required"] and schema["properties"]["vollzeit"]["default"] == 0
    options = schemas["valid__options"]
    assert options["properties"]["miete"]["default"] == "0"  # money: a string
    assert schemas["valid__codelists"]["properties"]["farben"]["default"] == ["rot"]
    assert schemas["valid__repeats"]["properties"]["pauschale"]["default"] == "5"


def test_conditional_requiredness_is_if_then_else(schemas: dict[str, dict[str, Any]]) -> None:
    schema = schemas["library__forms__gewerbeanmeldung"]
    assert schema["allOf"][0] == {
        "if": {
            "properties": {"anmeldegrund": {"const": "uebernahme"}},
            "required": ["anmeldegrund"],
        },
        "then": {"required": ["uebernahme_am"]},
        "else": {"not": {"required": ["uebernahme_am"]}},
    }
    assert schema["allOf"][1]["if"]["properties"] == {"rechtsform": {"enum": ["gbr", "ohg"]}}
    # `required when` alone: a `then` without an `else` (the field may always be given)
    options = schemas["valid__options"]
    assert {
        "if": {"properties": {"kinder": {"const": True}}, "required": ["kinder"]},
        "then": {"required": ["anzahl"]},
    } in options["allOf"]


def test_a_default_that_meets_the_condition_counts_when_absent(
    schemas: dict[str, dict[str, Any]],
) -> None:
    # steps.form: erstantrag default true, personen default 1
    bemerkung = schemas["complete__steps"]["allOf"][-1]
    assert bemerkung["if"] == {
        "allOf": [
            {"properties": {"personen": {"maximum": 3}}},
            {"properties": {"erstantrag": {"const": True}}},
        ]
    }
    # a default that does not meet it: the fact needs the value
    assert schemas["complete__steps"]["allOf"][2]["if"] == {
        "properties": {"personen": {"exclusiveMinimum": 1}},
        "required": ["personen"],
    }


def test_conditions_reach_into_groups_and_rows(schemas: dict[str, dict[str, Any]]) -> None:
    groups = schemas["complete__groups"]
    # a field in a group, shown by a field of another group: anchored at the root, and
    # the group must be there when the field is required
    extra = [c for c in groups["allOf"] if "extra" in json.dumps(c.get("then", {}))]
    assert extra == [
        {
            "if": {
                "properties": {
                    "halter": {
                        "properties": {
                            "anschrift": {
                                "properties": {"plz": {"const": "01067"}},
                                "required": ["plz"],
                            }
                        },
                        "required": ["anschrift"],
                    }
                },
                "required": ["halter"],
            },
            "then": {"properties": {"extra": {"required": ["ort"]}}, "required": ["extra"]},
            "else": {"properties": {"extra": {"not": {"required": ["ort"]}}}},
        }
    ]
    # a row condition stays in the row
    kinder = schemas["complete__rows"]["properties"]["kinder"]["items"]
    assert kinder["allOf"][0] == {
        "if": {"properties": {"schulpflichtig": {"const": True}}, "required": ["schulpflichtig"]},
        "then": {"required": ["schule"]},
        "else": {"not": {"required": ["schule"]}},
    }


def test_alternatives_hold_exactly_one_branch(schemas: dict[str, dict[str, Any]]) -> None:
    vertreter = schemas["valid__alternatives"]["properties"]["vertreter"]
    assert (vertreter["minProperties"], vertreter["maxProperties"]) == (1, 1)
    assert set(vertreter["properties"]) == {"person", "organisation"}
    assert vertreter["additionalProperties"] is False
    condition = schemas["valid__alternatives"]["allOf"][0]["if"]
    assert condition == {
        "properties": {"vertreter": {"required": ["organisation"]}},
        "required": ["vertreter"],
    }


def test_computed_values_are_read_only_and_unrounded(schemas: dict[str, dict[str, Any]]) -> None:
    computed = schemas["valid__computed"]["properties"]
    assert computed["steuer"]["readOnly"] is True
    assert computed["steuer"]["pattern"] == "^-?[0-9]+(\\.[0-9]+)?$"  # money / 3 is not cents
    assert "maxLength" not in computed["gruss"]


def test_text_is_never_blank_and_types_have_canonical_patterns(
    schemas: dict[str, dict[str, Any]],
) -> None:
    properties = schemas["valid__field_types"]["properties"]
    assert properties["a_text"]["pattern"] == NOT_BLANK
    assert properties["a_money"]["pattern"] == "^-?[0-9]+(\\.[0-9]{1,2})?$"
    assert properties["a_date"]["format"] == "date"
    assert properties["a_consent"]["const"] is True
    for name in ("an_email", "an_url"):
        assert "\\s" not in properties[name]["pattern"]  # read differently by each engine
    kennzeichen = schemas["valid__options"]["properties"]["kennzeichen"]
    assert kennzeichen["pattern"] == NOT_BLANK
    assert kennzeichen["allOf"] == [{"pattern": "^(?:^[A-Z]{1,3}-[A-Z]{1,2} [0-9]{1,4}$)$"}]
