"""The IR of every valid case and every library form, compared with a golden JSON dump.

`tests/cases/valid/*.form` check cleanly and between them use every construct
of the language; their IR (dumped by `tests/irdump.py`) is kept in
`tests/golden/ir/`. Accept an intended change with `pytest --force-regen`
and review the diff. A few properties that a golden diff would hide in the
noise are asserted directly below.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from irdump import dump, to_data

from formlang import ir
from formlang.api import check_paths, load
from formlang.fmt import format_text
from formlang.types import FieldKind, Kind

REPO_ROOT = Path(__file__).resolve().parent.parent
VALID_DIR = REPO_ROOT / "tests" / "cases" / "valid"
GOLDEN_DIR = REPO_ROOT / "tests" / "golden" / "ir"
VALID = sorted(VALID_DIR.glob("*.form")) + sorted((VALID_DIR / "modules").glob("*.form"))
LIBRARY = sorted((REPO_ROOT / "library").glob("**/*.form"))


def _name(path: Path) -> str:
    """valid__options, valid__modules__haushalt, library__forms__gewerbeanmeldung."""
    base = REPO_ROOT / "tests" / "cases" if path.is_relative_to(VALID_DIR) else REPO_ROOT
    return "__".join(path.relative_to(base).with_suffix("").parts)


def _load(path: Path, monkeypatch: pytest.MonkeyPatch) -> ir.Form:
    monkeypatch.chdir(REPO_ROOT)
    return load(path.relative_to(REPO_ROOT)).ir


@pytest.fixture(scope="module")
def valid_forms() -> dict[str, ir.Form]:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(REPO_ROOT)
        return {p.stem: load(p.relative_to(REPO_ROOT)).ir for p in VALID}


@pytest.mark.parametrize("path", VALID + LIBRARY, ids=_name)
def test_ir_matches_golden(
    path: Path, monkeypatch: pytest.MonkeyPatch, file_regression: object
) -> None:
    form = _load(path, monkeypatch)
    file_regression.check(  # type: ignore[attr-defined]
        dump(form), fullpath=GOLDEN_DIR / f"{_name(path)}.json", encoding="utf-8"
    )


def test_valid_cases_check_without_any_diagnostic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO_ROOT)
    _, diags = check_paths([VALID_DIR.relative_to(REPO_ROOT)])
    assert diags == []


@pytest.mark.parametrize("path", VALID, ids=_name)
def test_valid_cases_are_formatted(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert format_text(text)[0] == text, "run: formlang fmt tests/cases/valid"


def test_dump_is_deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    first = dump(_load(VALID_DIR / "options.form", monkeypatch))
    assert dump(_load(VALID_DIR / "options.form", monkeypatch)) == first
    assert str(REPO_ROOT) not in first


def test_golden_files_belong_to_forms() -> None:
    names = {_name(p) for p in VALID + LIBRARY}
    orphans = sorted(p.name for p in GOLDEN_DIR.glob("*.json") if p.stem not in names)
    assert not orphans, f"golden files without a form: {orphans}"


# ---- coverage of the valid cases ------------------------------------------------------


def _elements(forms: dict[str, ir.Form]) -> list[ir.Element]:
    return [e for form in forms.values() for e in ir.walk(form.children)]


def test_valid_cases_use_every_field_type(valid_forms: dict[str, ir.Form]) -> None:
    kinds = {e.kind for e in _elements(valid_forms) if isinstance(e, ir.Field)}
    assert kinds == set(FieldKind)


def test_valid_cases_use_every_element_and_info_kind(valid_forms: dict[str, ir.Form]) -> None:
    elements = _elements(valid_forms)
    types = {type(e) for e in elements}
    assert types == {ir.Field, ir.Computed, ir.Info, ir.Group, ir.Repeat, ir.Alternative, ir.Page}
    assert {e.kind for e in elements if isinstance(e, ir.Info)} == set(ir.InfoKind)


def test_valid_cases_use_every_constraint(valid_forms: dict[str, ir.Form]) -> None:
    used = set()
    for element in _elements(valid_forms):
        if isinstance(element, ir.Field):
            data = to_data(element.constraints)
            used |= {k for k, v in data.items() if v not in (None, [], ())}
            used |= {
                k
                for k in ("hint", "required_when", "when", "default")
                if to_data(getattr(element, k))
            }
            used |= {k for k in ("optional", "readonly") if getattr(element, k)}
            used |= {"autocomplete"} if element.autocomplete else set()
            used |= {"meta"} if element.meta else set()
    expected = set(ir.Constraints._fields) | {
        "hint",
        "required_when",
        "when",
        "default",
        "optional",
        "readonly",
        "autocomplete",
        "meta",
    }
    assert expected - used == set()


# ---- what the goldens should say, asserted where a diff would hide it -----------------


def _find(form: ir.Form, *path: str) -> ir.Element:
    for element in ir.walk(form.children):
        if getattr(element, "path", None) == path:
            return element
    raise LookupError(path)


def test_refs_inside_nested_repeats_are_row_relative(valid_forms: dict[str, ir.Form]) -> None:
    form = valid_forms["repeats"]
    own_row = _find(form, "rechnungen", "posten", "mit_pauschale")
    assert isinstance(own_row, ir.Computed) and isinstance(own_row.expr, ir.Binary)
    betrag, pauschale = own_row.expr.left, own_row.expr.right
    assert isinstance(betrag, ir.Ref) and isinstance(pauschale, ir.Ref)
    assert betrag.repeats == (("rechnungen",), ("rechnungen", "posten"))
    assert betrag.bound == 2 and not betrag.is_list and betrag.type.kind is Kind.MONEY
    assert pauschale.repeats == () and pauschale.bound == 0 and not pauschale.is_list

    summe = _find(form, "rechnungen", "summe")
    assert isinstance(summe, ir.Computed) and isinstance(summe.expr, ir.Call)
    rows = summe.expr.args[0]
    assert isinstance(rows, ir.Ref) and rows.bound == 1 and rows.is_list
    assert rows.type.kind is Kind.LIST and rows.type.item is not None
    assert rows.type.item.kind is Kind.MONEY

    gesamt = _find(form, "gesamt")
    assert isinstance(gesamt, ir.Computed) and isinstance(gesamt.expr, ir.Call)
    outer = gesamt.expr.args[0]
    assert isinstance(outer, ir.Ref) and outer.bound == 0 and outer.is_list
    count = _find(form, "rechnungen", "anzahl")
    assert isinstance(count, ir.Computed) and isinstance(count.expr, ir.Call)
    assert count.expr.args[0].type.kind is Kind.ROWS


def test_rules_inside_repeats_run_per_row(valid_forms: dict[str, ir.Form]) -> None:
    scopes = {rule.target: rule.scope for rule in valid_forms["repeats"].rules}
    assert scopes[("rechnungen", "posten", "betrag")] == ("rechnungen", "posten")
    assert scopes[("rechnungen", "datum")] == ("rechnungen",)
    assert scopes[("gesamt",)] == ()


def test_choices_point_at_their_code_lists(valid_forms: dict[str, ir.Form]) -> None:
    form = valid_forms["codelists"]
    for name in ("lieblingsfarbe", "farben", "stufe", "stand", "geburtsstaat"):
        field = _find(form, name)
        assert isinstance(field, ir.Field) and field.codelist is not None
        assert field.type.codelist == field.codelist.key
    stufe = _find(form, "stufe")
    assert isinstance(stufe, ir.Field) and stufe.codelist is not None
    assert stufe.codelist.values == ("01", "02", "3")
    stand = _find(form, "stand")
    assert isinstance(stand, ir.Field) and stand.codelist is not None
    assert stand.codelist.uri == "urn:example:formlang:familienstand"


def test_module_repeats_keep_their_row_bounds(valid_forms: dict[str, ir.Form]) -> None:
    haushalt = _find(valid_forms["modules"], "haushalt")
    assert isinstance(haushalt, ir.Repeat)
    assert (haushalt.min, haushalt.max) == (0, 12)
    assert haushalt.item_label is not None and haushalt.item_label.get("en") == "Member"
    person = _find(valid_forms["modules"], "haushalt", "person")
    assert isinstance(person, ir.Group) and person.module is not None


def test_page_hints_are_kept(valid_forms: dict[str, ir.Form]) -> None:
    page = valid_forms["pages"].children[0]
    assert isinstance(page, ir.Page) and page.hint is not None
    assert page.hint.default == "Bitte lesen Sie die Hinweise."
