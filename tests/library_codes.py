"""How the library's CSV code lists (library/codes/*.csv) are derived from official genericode files.

Every derived list names a genericode file in library/codes/ (a byte-for-byte copy, or for
the AGS list a gzip copy, of an XRepository download kept in ../shared/corpus), a filter over
its rows and the English labels. Codes and German labels are taken as formlang's genericode
reader reads them (the key column through ColumnSet/Key/ColumnRef, the label column it
picks), so a CSV shows exactly what `codes x from "file.xml"` would show, in two languages.

English labels: state names from CLDR (through Babel, by the list's ISO 3166 column) with a
few overrides for official wording; all other lists are translated by hand below; place names
stay German, their titles are translated (", Stadt" becomes ", town", or ", city" for the three
district-free cities).

    .venv/bin/python tests/library_codes.py     # rewrites the CSV files

An English label already in a CSV is kept, so a hand correction survives a rewrite.
`tests/test_library_codes.py` checks that the files on disk are what this derivation gives.
"""

from __future__ import annotations

import csv
import gzip
import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from formlang.codelists import CodeListFile, load_codelist
from formlang.source import Source

CODES = Path(__file__).resolve().parent.parent / "library" / "codes"
GC = "http://docs.oasis-open.org/codelist/ns/genericode/1.0/"
Row = dict[str, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class Derived:
    csv: str  # the file written in library/codes/
    title: str  # the publisher and name of the official list
    source: str  # the genericode file in library/codes/ it is derived from
    note: str  # how the rows were chosen, for the `# source:` line
    english_note: str  # where the English labels come from
    keep: Callable[[Row], bool] = lambda row: True
    english: Callable[[Row, str], str]  # (row, German label) -> English label
    order: str = "source"  # "source", or "alphabetical" (Deutschland first)


# ---- English labels -------------------------------------------------------------

_CLDR_OVERRIDES = {
    "Congo - Brazzaville": "Congo",
    "Congo - Kinshasa": "Congo, Democratic Republic of the",
    "Myanmar (Burma)": "Myanmar",
    "Hong Kong SAR China": "Hong Kong",
    "Macao SAR China": "Macao",
    "St. Kitts & Nevis": "Saint Kitts and Nevis",
    "St. Lucia": "Saint Lucia",
    "St. Vincent & Grenadines": "Saint Vincent and the Grenadines",
}
_NO_ISO = {  # Destatis codes without an ISO 3166 country
    "185": "British Overseas Territories",
    "459": "Palestinian Territories",
    "997": "Stateless",
    "998": "Undetermined",
    "999": "Not specified",
}


def _state(iso_column: str) -> Callable[[Row, str], str]:
    def english(row: Row, german: str) -> str:
        from babel import Locale

        code = row.get(_key_name(row), "")
        if code in _NO_ISO:
            return _NO_ISO[code]
        name = Locale("en").territories[row[iso_column]]
        return _CLDR_OVERRIDES.get(name, name).replace(" & ", " and ")

    return english


def _key_name(row: Row) -> str:
    return next(iter(row))  # the key column comes first in every Destatis row


def _table(table: dict[str, str]) -> Callable[[Row, str], str]:
    return lambda row, german: table[row[_key_name(row)]]


_PLACE_TITLES = {  # the titles after a municipality's name
    "Stadt": "town",
    "Hochschulstadt": "university town",
    "Universitätsstadt": "university town",
    "Hochschulort": "university town",
    "Kurort": "spa resort",
    "Garnisonsstadt": "garrison town",
    "Motorradstadt": "motorcycle town",
    "Stadt des Roten Porphyr": "town of red porphyry",
}


def _place(cities: tuple[str, ...]) -> Callable[[Row, str], str]:
    """The German name, its titles in English (Sorbian names after a slash stay as they are)."""

    def english(row: Row, german: str) -> str:
        name, *titles = german.split(", ")
        city = row[_key_name(row)] in cities
        english_titles = []
        for title in titles:
            german_title, slash, sorbian = title.partition(" / ")
            word = "city" if city and german_title == "Stadt" else _PLACE_TITLES[german_title]
            english_titles.append(word + slash + sorbian)
        return ", ".join([name, *english_titles])

    return english


BUNDESLAND_EN = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Lower Saxony",
    "04": "Bremen",
    "05": "North Rhine-Westphalia",
    "06": "Hesse",
    "07": "Rhineland-Palatinate",
    "08": "Baden-Württemberg",
    "09": "Bavaria",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Western Pomerania",
    "14": "Saxony",
    "15": "Saxony-Anhalt",
    "16": "Thuringia",
}
FAMILIENSTAND_EN = {
    "LD": "single",
    "VH": "married",
    "VW": "widowed",
    "GS": "divorced",
    "EA": "marriage annulled",
    "LP": "in a registered civil partnership",
    "LV": "civil partnership ended by death",
    "LA": "civil partnership dissolved",
    "LE": "civil partnership ended by a declaration of death",
    "NB": "not known",
}
AUSWEIS_EN = {
    "01": "German passport",
    "02": "Substitute identity card",
    "03": "German children's passport",
    "04": "German official passport (service passport, diplomatic passport, provisional service passport, provisional diplomatic passport)",
    "05": "Travel document for foreigners or for refugees, issued by German authorities",
    "06": "Other passport, passport substitute, identity or substitute identity document issued by German authorities (not a cross-border commuter card, pass or shore pass)",
    "07": "Passport or passport substitute not issued by German authorities (including all kinds of identity cards and official identity documents)",
    "08": "Travel document for stateless persons, issued by German authorities",
    "09": "Identity card",
    "10": "Provisional identity card",
    "11": "German provisional passport",
    "12": "Identity card or official identity document issued by another EU state to an EU citizen",
    "13": "Standard travel document for return, issued by German authorities or by authorities of other EU states",
    "14": "Passport or passport substitute issued by another EU state to refugees, stateless persons or other persons who are not nationals of the issuing state",
    "15": "eID card",
}
VERTRETER_EN = {
    "1": "Other or unspecified legal representative",
    "2": "Managing director (section 35 GmbHG)",
    "3": "Management board",
    "4": "Legal representative of a person of full age",
    "101": "Liquidator",
    "102": "Insolvency administrator",
    "103": "Trustee under section 313 InsO",
    "104": "Compulsory administrator",
    "105": "Universal successor",
    "106": "Legal successor",
    "107": "Executor of a will",
    "108": "Asset manager",
    "109": "Estate administrator",
    "110": "Curator of an estate",
}
RECHTSFORM_EN = {
    "111100": "General partnership (OHG) in which a natural person is personally liable (no corresponding addition to the name)",
    "111211": "Limited liability company & Co. general partnership (GmbH & Co. OHG)",
    "111212": "Entrepreneurial company (limited liability) & Co. general partnership (UG & Co. OHG)",
    "111221": "Stock corporation & Co. general partnership (AG & Co. OHG)",
    "111230": "Partnership limited by shares & Co. general partnership (KGaA & Co. OHG)",
    "112100": "Limited partnership (KG) in which a natural person is personally liable (no corresponding addition to the name)",
    "112211": "Limited liability company & Co. limited partnership (GmbH & Co. KG)",
    "112212": "Entrepreneurial company (limited liability) & Co. limited partnership (UG & Co. KG)",
    "112221": "Stock corporation & Co. limited partnership (AG & Co. KG)",
    "112222": "European company & Co. limited partnership (SE & Co. KG)",
    "112230": "Partnership limited by shares & Co. limited partnership (KGaA & Co. KG)",
    "112310": "Registered cooperative & Co. limited partnership (eG & Co. KG)",
    "112500": "Foundation & Co. limited partnership (Stiftung & Co. KG)",
    "113000": "European economic interest grouping (EEIG)",
    "121000": "Civil-law partnership, not registered (GbR)",
    "123000": "Registered civil-law partnership (eGbR)",
    "138100": "Other partnership with legal capacity (catch-all)",
    "191000": "Foreign partnership (EU law)",
    "192000": "Foreign partnership (non-EU law)",
    "211000": "Registered association (e.V.)",
    "213000": "Mutual insurance association; also mutual pension fund association (VVaG)",
    "221100": "Limited liability company; also non-profit limited liability company (GmbH, gGmbH)",
    "221200": "Entrepreneurial company (limited liability) (UG)",
    "222110": "Stock corporation (AG), not an investment stock corporation (InvAG)",
    "222200": "European company (SE)",
    "223100": "Partnership limited by shares (KGaA), not & Co. KGaA",
    "223211": "Limited liability company & Co. partnership limited by shares (GmbH & Co. KGaA)",
    "223212": "Entrepreneurial company (limited liability) & Co. partnership limited by shares (UG & Co. KGaA)",
    "223221": "Stock corporation & Co. partnership limited by shares (AG & Co. KGaA)",
    "223222": "European company & Co. partnership limited by shares (SE & Co. KGaA)",
    "223400": "Foundation & Co. partnership limited by shares (Stiftung & Co. KGaA)",
    "230000": "Foundation with legal capacity (under private or public law)",
    "242000": "Territorial authority",
    "251000": "Registered cooperative (eG)",
    "252000": "European cooperative society (SCE)",
    "268100": "Other legal person (catch-all)",
    "294000": "Foreign legal person (EU law)",
    "295000": "Foreign legal person (non-EU law)",
    "340000": "Limited liability company in formation (GmbH i.G.); also non-profit (gGmbH i.G.)",
    "350000": "Entrepreneurial company (limited liability) in formation (UG i.G.); also non-profit (gUG i.G.)",
    "360000": "Association without legal capacity",
    "411000": "Registered sole trader (e.K.)",
    "412000": "Sole trader, not registered",
    "491000": "Foreign sole trader (EU law)",
    "492000": "Foreign sole trader (non-EU law)",
    "540000": "Business of a corporation under public law",
}

DERIVED = (
    Derived(
        csv="staaten.csv",
        title="Destatis Staat",
        english_note="CLDR (Babel) by ISO 3166 code",
        source="destatis-staat_2020-05-11.xml",
        note="all rows; sorted by name, Deutschland first",
        english=_state("iso-2"),
        order="alphabetical",
    ),
    Derived(
        csv="staatsangehoerigkeit.csv",
        title="Destatis Staatsangehörigkeit",
        english_note="CLDR (Babel) by ISO 3166 code, five by hand",
        source="staat.xml",
        note="current states and substitute values (rows without Existenz-bis; not 910, "
        "for internal use); Deutschland first",
        keep=lambda row: not row.get("Existenz-bis") and row[_key_name(row)] != "910",
        english=_state("ISO-2"),
        order="alphabetical",
    ),
    Derived(
        csv="bundesland.csv",
        title="Destatis Bundesland",
        english_note="by hand",
        source="destatis-bundesland_2010-04-01.xml",
        note="all rows",
        english=_table(BUNDESLAND_EN),
    ),
    Derived(
        csv="familienstand.csv",
        title="DSMeld Familienstand (Blatt 1401)",
        english_note="by hand",
        source="dsmeld-familienstand_2.xml",
        note="all rows",
        english=_table(FAMILIENSTAND_EN),
    ),
    Derived(
        csv="ausweisdokument.csv",
        title="DSMeld Pass- und Ausweisdokumente (Anlage 3)",
        english_note="by hand",
        source="dsmeld-pass.und.ausweisdokumente_5.xml",
        note="all rows",
        english=_table(AUSWEIS_EN),
    ),
    Derived(
        csv="rechtsform.csv",
        title="XUnternehmen Rechtsformen",
        english_note="by hand",
        source="xunternehmen-rechtsformen_2.4.xml",
        note="the rows marked Verwendung-in-XGewO = ja (legal forms of trade notifications)",
        keep=lambda row: row.get("Verwendung-in-XGewO") == "ja",
        english=_table(RECHTSFORM_EN),
    ),
    Derived(
        csv="vertretungsart.csv",
        title="XUnternehmen Art des gesetzlichen Vertreters",
        english_note="by hand",
        source="xunternehmen-artgesetzlichervertreter_1.xml",
        note="all rows",
        english=_table(VERTRETER_EN),
    ),
    Derived(
        csv="kreis_sachsen.csv",
        title="Destatis Kreis",
        english_note="the German names, titles translated",
        source="destatis-kreis_2026-01-31.xml",
        note="the districts of Saxony (codes starting with 14); sorted by name",
        keep=lambda row: row[_key_name(row)].startswith("14"),
        english=_place(("14511", "14612", "14713")),
        order="alphabetical",
    ),
    Derived(
        csv="gemeinde_sachsen.csv",
        title="Destatis AGS (Gemeinden)",
        english_note="the German names, titles translated",
        source="destatis-ags_2026-04-30.xml.gz",
        note="the municipalities of Saxony (AGS starting with 14); sorted by name",
        keep=lambda row: row[_key_name(row)].startswith("14"),
        english=_place(("14511000", "14612000", "14713000")),
        order="alphabetical",
    ),
)


# ---- reading the source -----------------------------------------------------------


def official(path: Path) -> CodeListFile:
    """The list as formlang reads it (key through ColumnSet/Key/ColumnRef, label as chosen)."""
    span = Source(text="", path=str(path)).span(0, 0)
    codes, problems = load_codelist(path, span=span)
    assert codes is not None and not problems, [p.message for p in problems]
    return codes


def raw_rows(path: Path) -> dict[str, Row]:
    """Every row with all its columns, by code; the key column is found like formlang does."""
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.parse(io.BytesIO(data), parser).getroot()
    column_set = _first(root, "ColumnSet")
    key = _first(_first(column_set, "Key"), "ColumnRef").get("Ref")  # the first Key names the codes
    rows: dict[str, Row] = {}
    for element in root.iter("Row", f"{{{GC}}}Row"):
        row: Row = {}
        for value in element.iter("Value", f"{{{GC}}}Value"):
            text = "".join(value.itertext()).strip()
            if text:
                row[value.get("ColumnRef")] = text
        ordered = {key: row[key], **{k: v for k, v in row.items() if k != key}}
        rows[row[key]] = ordered
    return rows


def _first(element: etree._Element, local: str) -> etree._Element:
    """The first child called `local`, unqualified (as the schema says) or namespaced (as FIM writes)."""
    found = next(element.iterchildren(local, f"{{{GC}}}{local}"), None)
    assert found is not None, f"no {local} in {element.tag}"
    return found


def _sort_key(label: str) -> str:
    plain = unicodedata.normalize("NFD", label.replace("ß", "ss"))
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


# ---- deriving ----------------------------------------------------------------------


def derive(spec: Derived, existing_english: dict[str, str] | None = None) -> str:
    """The text of the CSV file for `spec`."""
    source = CODES / spec.source
    listed = official(source)
    rows = raw_rows(source)
    entries = [(e.code, e.label) for e in listed.entries if spec.keep(rows[e.code])]
    if spec.order == "alphabetical":
        entries.sort(key=lambda entry: (entry[1] != "Deutschland", _sort_key(entry[1])))
    known = existing_english or {}
    out = io.StringIO()
    for key, value in (
        ("name", spec.csv.removesuffix(".csv")),
        ("uri", listed.uri),
        ("version", listed.version),
        ("version_uri", listed.version_uri),
        ("source", _source_line(spec, listed)),
    ):
        out.write(f"# {key}: {value}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "label", "label@en"])
    for code, german in entries:
        writer.writerow([code, german, known.get(code) or spec.english(rows[code], german)])
    return out.getvalue()


def _source_line(spec: Derived, listed: CodeListFile) -> str:
    return (
        f"{spec.title} {listed.version} (XRepository genericode, library/codes/{spec.source}); "
        f"{spec.note}; English labels: {spec.english_note}"
    )


def english_labels(path: Path) -> dict[str, str]:
    """The English labels of a CSV file written before, by code."""
    if not path.is_file():
        return {}
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]
    return {row["code"]: row["label@en"] for row in csv.DictReader(lines)}


def main() -> None:
    for spec in DERIVED:
        target = CODES / spec.csv
        target.write_text(derive(spec, english_labels(target)), encoding="utf-8")
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
