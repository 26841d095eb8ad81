"""Damaged FIM files: the importer either refuses them with a `FimError` or writes a form that checks.

Starting from the hand-written sample, each case removes every element of one kind or puts
nonsense into one kind of value; whatever comes out must never be a traceback, and an
imported form must have no errors.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from formlang.fim_import import import_fim
from formlang.fim_read import NS_3, FimError

SAMPLE = Path(__file__).parent / "data" / "fim" / "features_xdf3.xml"
REMOVED = [
    "identifikation", "version", "name", "bezeichnungEingabe", "bezeichnung", "feldart",
    "datentyp", "praezisierung", "werte", "wert", "anzahl", "enthaelt", "struktur", "art",
    "freitextRegel", "regel", "maxSize", "mediaType", "inhalt", "code",
]  # fmt: skip
NONSENSE = {
    "anzahl": ["", "x:y", "3:1", "-1:2", "1", "0:0", "1:*:2"],
    "code": ["", "zzz", "select", "X", "hidden", "locked", "label", "obj", "num_currency"],
    "maxSize": ["", "viel", "0"],
    "freitextRegel": [
        "WENN F99000000002 = , DANN",
        "WENN DANN WENN",
        "WENN F1 = 1, DANN aktiviere F1",
    ],
    "version": ["", "1.0.0.0.0", "neu"],
}


def _import(root: etree._Element, tmp_path: Path) -> None:
    data = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    try:
        result = import_fim(data, out=tmp_path / "robust.form")
    except FimError as refused:
        assert refused.message
        return
    assert result.errors == [], [d.message for d in result.errors]


def _sample() -> etree._Element:
    return etree.fromstring(SAMPLE.read_bytes())


@pytest.mark.parametrize("local", REMOVED)
def test_removing_every_element_of_a_kind(local: str, tmp_path: Path) -> None:
    root = _sample()
    for element in list(root.iter(f"{{{NS_3}}}{local}", local)):
        element.getparent().remove(element)
    _import(root, tmp_path)


@pytest.mark.parametrize(
    ("local", "value"), [(k, v) for k, values in NONSENSE.items() for v in values]
)
def test_nonsense_values(local: str, value: str, tmp_path: Path) -> None:
    root = _sample()
    for element in root.iter(f"{{{NS_3}}}{local}", local):
        element.text = value
    _import(root, tmp_path)


@pytest.mark.parametrize(
    "attributes",
    [
        {"minLength": "x", "maxLength": "-3"},
        {"minLength": "10", "maxLength": "2"},
        {"minValue": "abc", "maxValue": "1,5"},
        {"pattern": "[unclosed"},
        {"pattern": "(?P<name>x)"},
        {"pattern": "Mehrfachauswahl"},
        {"maxLength": "0"},
    ],
)
def test_nonsense_precision(attributes: dict[str, str], tmp_path: Path) -> None:
    root = _sample()
    for element in root.iter(f"{{{NS_3}}}praezisierung"):
        element.attrib.clear()
        element.attrib.update(attributes)
    _import(root, tmp_path)


def test_labels_that_are_keywords_or_empty_give_valid_names(tmp_path: Path) -> None:
    root = _sample()
    labels = ["when", "field", "123", "", "ÄÖÜ ß", "und und und", "null"]
    for element, label in zip(root.iter(f"{{{NS_3}}}bezeichnungEingabe"), labels * 5, strict=False):
        element.text = label
    _import(root, tmp_path)
