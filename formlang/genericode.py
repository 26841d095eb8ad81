"""OASIS genericode 1.0 files -> code list rows for `codelists` (resolver stage).

The root must be `CodeList` in the genericode namespace (any prefix);
children may be unqualified (as the schema says) or in that namespace (as
FIM exports write them). The code column is the one named by
`ColumnSet/Key[1]/ColumnRef/@Ref`. The label column, unless given by
`label_column` (a Column Id or ShortName), is chosen by this rule, checked
against every real list in shared/corpus (XRepository, Destatis, FIM):

1. A string column whose Id or ShortName, minus a language suffix such as
   `-de-DE`, is or starts with a label word (`bezeichnung`, `name`, `label`,
   `wert`, `beschreibung`, `description`, `titel`, `title`). A suffix for
   another language than `default_lang` rules a column out. Required columns
   win over optional ones (Rechtsformen: `Bezeichnung-lang` is required, the
   `Bezeichnung-kurz-*` columns are often empty), then the word order above
   (a `name` beats a longer `beschreibung`), then an exact word, then order.
2. Else the column of a second single-column Key (the "codenameKey" that FIM
   and Destatis use to mark the unique name, e.g. `suchbegriff` of Staat).
3. Else the first required string column that is not the key (Destatis
   Staatsangehörigkeit: `Suchbegriff`), else the first string column.

Documents with a DOCTYPE are refused before and after parsing, and the
parser neither resolves entities nor loads DTDs or network resources. lxml
is imported only when a genericode file is read: the CLI's cold start must
not pay for it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from formlang.codelist_rows import Problem, RawCodeList, Row, Unusable, one_line

GENERICODE_NS = "http://docs.oasis-open.org/codelist/ns/genericode/1.0/"
LABEL_WORDS = (
    "bezeichnung",
    "name",
    "label",
    "wert",
    "beschreibung",
    "description",
    "titel",
    "title",
)
_STRING_TYPES = frozenset({None, "string", "normalizedString", "token"})
_DOCTYPE = tuple("<!DOCTYPE".encode(enc) for enc in ("utf-8", "utf-16-le", "utf-16-be"))
_LANG_SUFFIX = re.compile(r"(?P<base>.+?)[-_@](?P<lang>[a-z]{2}(?:[-_][A-Z]{2})?)")
_LXML_POSITION = re.compile(r", line \d+, column \d+$")
_DTD_HINT = "genericode needs no DTD; DTDs can define entities that expand without bound or read local files"

Element = Any  # an lxml element; lxml ships no type information


@dataclass(frozen=True, slots=True, kw_only=True)
class _Column:
    id: str
    short_name: str | None
    data_type: str | None
    required: bool
    index: int


def read_genericode(
    data: bytes, name: str, default_lang: str, label_column: str | None
) -> RawCodeList:
    root = _parse_xml(data, name)
    column_set = _child(root, "ColumnSet")
    if column_set is None:
        raise Unusable(f"{name}: the genericode list has no ColumnSet")
    columns = [
        _column(element, index) for index, element in enumerate(_children(column_set, "Column"))
    ]
    key_refs = [_key_refs(key) for key in _children(column_set, "Key")]
    key = _key_column(columns, key_refs, name)
    label = _label_column(columns, key, key_refs, label_column, default_lang, name)
    rows, problems = _rows(root, columns, key, label, default_lang, name)
    return RawCodeList(
        rows=rows,
        problems=problems,
        key_column=key.id,
        label_column=label.id,
        metadata=_identification(root),
    )


# ---- XML ----------------------------------------------------------------------


def _parse_xml(data: bytes, name: str) -> Element:
    if any(marker in data for marker in _DOCTYPE):
        raise _doctype(name)
    from lxml import etree  # lazily: the CLI's cold start must not pay for lxml

    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        message = _LXML_POSITION.sub("", str(exc.msg))
        raise Unusable(f"{name}:{exc.lineno}: malformed XML: {message}") from None
    if root.getroottree().docinfo.doctype:
        raise _doctype(name)
    if root.tag != f"{{{GENERICODE_NS}}}CodeList":
        raise _not_genericode(etree.QName(root), name)
    return root


def _doctype(name: str) -> Unusable:
    return Unusable(f"{name}: a DOCTYPE (DTD) is not allowed in a code list file", hint=_DTD_HINT)


def _not_genericode(qname: Any, name: str) -> Unusable:
    where = f"namespace '{qname.namespace}'" if qname.namespace else "no namespace"
    return Unusable(
        f"{name} is not a genericode code list: the root element is <{qname.localname}> in {where}",
        hint=f"expected <CodeList> in the namespace {GENERICODE_NS}",
    )


@functools.cache
def _tags(local: str) -> tuple[str, str]:
    """An element name unqualified (as the schema says) and in the namespace (as FIM writes it)."""
    return local, f"{{{GENERICODE_NS}}}{local}"


def _children(element: Element, local: str) -> list[Element]:
    return list(element.iterchildren(*_tags(local)))


def _child(element: Element, local: str) -> Element | None:
    found = _children(element, local)
    return found[0] if found else None


def _text(element: Element | None, local: str) -> str | None:
    child = None if element is None else _child(element, local)
    text = None if child is None else "".join(child.itertext()).strip()
    return text or None


# ---- columns --------------------------------------------------------------------


def _column(element: Element, index: int) -> _Column:
    data = _child(element, "Data")
    return _Column(
        id=str(element.get("Id", "")),
        short_name=_text(element, "ShortName"),
        data_type=None if data is None else data.get("Type"),
        required=element.get("Use") == "required",
        index=index,
    )


def _key_refs(key: Element) -> list[str]:
    return [str(ref.get("Ref", "")) for ref in _children(key, "ColumnRef")]


def _key_column(columns: list[_Column], key_refs: list[list[str]], name: str) -> _Column:
    if not key_refs or len(key_refs[0]) != 1:
        problem = "has no Key" if not key_refs else "has a Key of several columns"
        raise Unusable(
            f"{name}: the ColumnSet {problem}",
            hint="the first Key must name the code column with one ColumnRef",
        )
    found = [column for column in columns if column.id == key_refs[0][0]]
    if not found:
        raise Unusable(
            f"{name}: the Key refers to an unknown column '{key_refs[0][0]}'",
            hint=_available(columns),
        )
    return found[0]


def _available(columns: list[_Column]) -> str:
    names = [
        column.id
        + (f" ({column.short_name})" if column.short_name not in (None, column.id) else "")
        for column in columns
    ]
    return f"available columns: {', '.join(names)}"


def _label_column(
    columns: list[_Column],
    key: _Column,
    key_refs: list[list[str]],
    wanted: str | None,
    default_lang: str,
    name: str,
) -> _Column:
    if wanted is not None:
        return _wanted_column(columns, wanted, name)
    others = [
        column for column in columns if column is not key and column.data_type in _STRING_TYPES
    ]
    scored = [
        (score, column)
        for column in others
        if (score := _label_score(column, default_lang)) is not None
    ]
    if scored:
        return min(scored, key=lambda pair: pair[0])[1]
    name_keys = {refs[0] for refs in key_refs[1:] if len(refs) == 1}
    for candidates in (
        [c for c in others if c.id in name_keys],
        [c for c in others if c.required],
        others,
    ):
        if candidates:
            return candidates[0]
    raise Unusable(
        f"{name}: no column can serve as the label",
        hint=f"name one with label_column; {_available(columns)}",
    )


def _wanted_column(columns: list[_Column], wanted: str, name: str) -> _Column:
    exact = [c for c in columns if wanted in (c.id, c.short_name)]
    folded = wanted.casefold()
    loose = [c for c in columns if folded in (c.id.casefold(), (c.short_name or "").casefold())]
    if exact or loose:
        return (exact or loose)[0]
    raise Unusable(f"{name}: no column '{wanted}' for the labels", hint=_available(columns))


def _label_score(column: _Column, default_lang: str) -> tuple[int, int, int, int] | None:
    """Lower is better; None when the column does not look like a label in `default_lang`."""
    best: tuple[int, int, int, int] | None = None
    for raw in filter(None, (column.id, column.short_name)):
        suffix = _LANG_SUFFIX.fullmatch(raw)
        base = (suffix["base"] if suffix else raw).lower()
        if (
            suffix
            and suffix["lang"].replace("_", "-").split("-")[0] != default_lang.split("-")[0].lower()
        ):
            continue
        for rank, word in enumerate(LABEL_WORDS):
            if base == word or (base.startswith(word) and base[len(word)] in "-_. "):
                score = (0 if column.required else 1, rank, 0 if base == word else 1, column.index)
                best = score if best is None else min(best, score)
    return best


# ---- rows -----------------------------------------------------------------------


def _rows(
    root: Element,
    columns: list[_Column],
    key: _Column,
    label: _Column,
    default_lang: str,
    name: str,
) -> tuple[list[Row], list[Problem]]:
    code_list = _child(root, "SimpleCodeList")
    if code_list is None:
        raise Unusable(f"{name}: the genericode list has no SimpleCodeList")
    ids = [column.id for column in columns]
    rows: list[Row] = []
    problems: list[Problem] = []
    unlabelled: list[str] = []
    for number, row in enumerate(_children(code_list, "Row"), start=1):
        values = _row_values(row, ids)
        where = f"row {number} (line {row.sourceline})"
        code = values.get(key.id, "")
        if not code:
            problems.append(Problem("FL705", f"{name}: empty code in {where}"))
            continue
        text = one_line(values.get(label.id, ""))
        if not text:
            unlabelled.append(code)
        rows.append((code, ((default_lang, text or code),), where))
    if unlabelled:
        problems.append(_unlabelled(unlabelled, label, name))
    return rows, problems


def _unlabelled(codes: list[str], label: _Column, name: str) -> Problem:
    shown = ", ".join(f"'{code}'" for code in codes[:5]) + (", …" if len(codes) > 5 else "")
    count = f"{len(codes)} code{'s' if len(codes) > 1 else ''}"
    message = f"{name}: the label column '{label.id}' is empty for {count} ({shown}); the code is shown instead"
    return Problem("FL705", message, "choose another column with label_column", warning=True)


def _row_values(row: Element, ids: list[str]) -> dict[str, str]:
    """Column id -> stripped text; a Value without ColumnRef is the column after the previous one."""
    values: dict[str, str] = {}
    position = -1
    value_tags, simple_tags = _tags("Value"), _tags("SimpleValue")
    for value in row:  # plain loops: this runs for every cell of lists with 10,000+ rows
        if value.tag not in value_tags:
            continue
        ref = value.get("ColumnRef")
        position = position + 1 if ref is None else ids.index(ref) if ref in ids else len(ids)
        if position < len(ids):
            texts = [(child.text or "").strip() for child in value if child.tag in simple_tags]
            values[ids[position]] = texts[0] if texts else ""
    return values


def _identification(root: Element) -> dict[str, str | None]:
    ident = _child(root, "Identification")
    agency = None if ident is None else _child(ident, "Agency")
    return {
        "name": _text(ident, "ShortName"),
        "uri": _text(ident, "CanonicalUri"),
        "version": _text(ident, "Version"),
        "version_uri": _text(ident, "CanonicalVersionUri"),
        "source": _text(agency, "LongName") or _text(agency, "ShortName"),
    }
