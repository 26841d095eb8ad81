"""Code list files (CSV, OASIS genericode 1.0): read for the resolver, which turns them into choices.

`load_codelist` never raises for bad input; every problem is an FL704/FL705
diagnostic at the span of the path string in the `.form` file.

CSV (`.csv`, UTF-8, BOM and CRLF allowed): optional `# key: value` lines
(name, uri, version, version_uri, source) before a header row with the
columns `code`, `label` (default language) and optionally `label@<BCP 47>`.

genericode (`.xml`, `.xml.gz`): the root must be `CodeList` in the genericode
namespace (any prefix); children may be unqualified (as the schema says) or
in that namespace (as FIM exports write them). The code column is the one
named by `ColumnSet/Key[1]/ColumnRef/@Ref`. The label column, unless given by
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
parser neither resolves entities nor loads DTDs or network resources.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from formlang.diagnostics import Diagnostic, Severity, make
from formlang.source import Span, decode

if TYPE_CHECKING:
    from _csv import Reader as CsvReader

GENERICODE_NS = "http://docs.oasis-open.org/codelist/ns/genericode/1.0/"
FORMATS = (".csv", ".xml", ".xml.gz")
MAX_BYTES = 64 * 1024 * 1024  # also caps what a .gz may inflate to
METADATA_KEYS = ("name", "uri", "version", "version_uri", "source")
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
_LANG_TAG = re.compile(
    r"[A-Za-z]{2,3}(-[A-Za-z]{4})?(-(?:[A-Za-z]{2}|\d{3}))?(-[A-Za-z\d]{5,8}|-\d[A-Za-z\d]{3})*"
)
_LANG_SUFFIX = re.compile(r"(?P<base>.+?)[-_@](?P<lang>[a-z]{2}(?:[-_][A-Z]{2})?)")
_META_LINE = re.compile(r"#\s*(?P<key>[A-Za-z_-]+)\s*:\s*(?P<value>.*?)\s*")
_LXML_POSITION = re.compile(r", line \d+, column \d+$")

Element = Any  # an lxml element; lxml ships no type information


@dataclass(frozen=True, slots=True, kw_only=True)
class CodeEntry:
    code: str
    labels: tuple[tuple[str, str], ...]  # (language tag, label); the first is the default language

    @property
    def label(self) -> str:
        return self.labels[0][1]


@dataclass(frozen=True, slots=True, kw_only=True)
class CodeListFile:
    path: str
    entries: tuple[CodeEntry, ...]
    name: str | None
    uri: str | None
    version: str | None
    version_uri: str | None
    source: str | None
    key_column: str | None = None  # the column the codes came from ("code" for CSV)
    label_column: str | None = None  # the column the default labels came from


@dataclass(frozen=True, slots=True)
class _Problem:
    """A diagnostic without a span, so that a cached result serves every form."""

    code: str
    message: str
    hint: str | None = None
    warning: bool = False


class _Unusable(Exception):
    """Ends the parse of an unusable file; caught in `_load_cached`, never leaves this module."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.problem = _Problem("FL705", message, hint)


_Result = tuple[CodeListFile | None, tuple[_Problem, ...]]
_Row = tuple[str, tuple[tuple[str, str], ...], str]  # code, labels (default first), where


def load_codelist(
    path: Path, *, span: Span, default_lang: str = "de", label_column: str | None = None
) -> tuple[CodeListFile | None, list[Diagnostic]]:
    """The code list in `path`, or None when it cannot be used; problems are reported at `span`.

    `label_column` picks the label column of a genericode list (CSV has `label`).
    """
    if not path.name.lower().endswith(FORMATS):
        hint = f"use one of {', '.join(FORMATS)} (CSV or OASIS genericode)"
        return None, [
            make("FL705", f"unsupported code list format: '{path.name}'", span, hint=hint)
        ]
    try:
        stat = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        message = f"code list file '{path.name}' not found"
        return None, [make("FL704", message, span, hint=f"looked for {path.resolve()}")]
    except OSError as exc:
        return None, [
            make("FL705", f"cannot read code list file '{path.name}': {exc.strerror}", span)
        ]
    resolved = str(path.resolve())
    codes, problems = _load_cached(
        resolved, stat.st_mtime_ns, stat.st_size, label_column, default_lang
    )
    if codes is not None:
        codes = replace(codes, path=str(path))
    return codes, [_diagnostic(p, span) for p in problems]


def clear_cache() -> None:
    _load_cached.cache_clear()


def _diagnostic(problem: _Problem, span: Span) -> Diagnostic:
    severity = Severity.WARNING if problem.warning else None
    return make(problem.code, problem.message, span, hint=problem.hint, severity=severity)


@functools.lru_cache(maxsize=32)
def _load_cached(
    resolved: str, mtime_ns: int, size: int, label_column: str | None, default_lang: str
) -> _Result:
    """Parses once per file version; mtime and size are part of the key only."""
    path = Path(resolved)
    try:
        if path.name.lower().endswith(".csv"):
            return _parse_csv(_read(path), path.name, default_lang)
        return _parse_genericode(_read(path), path.name, default_lang, label_column)
    except _Unusable as exc:
        return None, (exc.problem,)


def _read(path: Path) -> bytes:
    try:
        opener = gzip.open if path.name.lower().endswith(".gz") else open
        with opener(path, "rb") as stream:
            data: bytes = stream.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise _Unusable(f"'{path.name}' is a directory, not a code list file") from None
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise _Unusable(f"{path.name} is not a valid gzip file: {exc}") from None
    except OSError as exc:
        raise _Unusable(f"cannot read code list file '{path.name}': {exc.strerror}") from None
    if len(data) > MAX_BYTES:
        raise _Unusable(f"{path.name} is larger than {MAX_BYTES // 2**20} MiB")
    return data


def _result(
    rows: Iterable[_Row], problems: list[_Problem], name: str, /, **fields: str | None
) -> _Result:
    """The list of the rows in order (a repeated code keeps its first row) and the problems."""
    seen: dict[str, list[str]] = {}
    entries = []
    for code, labels, where in rows:
        seen.setdefault(code, []).append(where)
        if len(seen[code]) == 1:
            entries.append(CodeEntry(code=code, labels=labels))
    for code, wheres in seen.items():
        if len(wheres) > 1:
            problems.append(
                _Problem("FL705", f"{name}: duplicate code '{code}' at {_enumerate(wheres)}")
            )
    if not entries and not problems:
        raise _Unusable(f"{name} contains no codes")
    codes = CodeListFile(path=name, entries=tuple(entries), **fields) if entries else None
    return codes, tuple(problems)


def _one_line(text: str) -> str:
    """Labels are shown on one line: upstream lists wrap long ones with line breaks."""
    return " ".join(text.split())


def _enumerate(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


# --- CSV ---------------------------------------------------------------------


def _parse_csv(data: bytes, name: str, default_lang: str) -> _Result:
    text, problem, offset = decode(data, name)
    if text is None:
        raise _Unusable(f"{name} is not a UTF-8 text file ({problem} at byte {offset})")
    problems: list[_Problem] = []
    meta, header_line, body = _csv_metadata(text, name, problems)
    reader = csv.reader(io.StringIO(body, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise _Unusable(
                f"{name} has no header row",
                hint="the first row must name the columns, e.g. code,label",
            )
        columns = _csv_columns(header, name, header_line, default_lang)
        rows = list(_csv_rows(reader, columns, len(header), name, header_line - 1, problems))
    except csv.Error as exc:
        raise _Unusable(
            f"{name}:{header_line - 1 + reader.line_num}: malformed CSV: {exc}"
        ) from None
    return _result(rows, problems, name, key_column="code", label_column="label", **meta)


def _csv_metadata(
    text: str, name: str, problems: list[_Problem]
) -> tuple[dict[str, str | None], int, str]:
    """The `# key: value` lines before the header, the header's line number and the rest."""
    meta: dict[str, str | None] = dict.fromkeys(METADATA_KEYS)
    lines = text.split("\n")
    number = 0
    while number < len(lines) and (not lines[number].strip() or lines[number].startswith("#")):
        match = _META_LINE.fullmatch(lines[number])
        number += 1
        if match is None:
            continue  # a blank line or a plain comment
        key = match["key"].lower().replace("-", "_")
        if key in meta:
            meta[key] = match["value"] or None
        else:
            hint = f"known keys: {', '.join(METADATA_KEYS)}"
            problems.append(
                _Problem(
                    "FL705", f"{name}:{number}: unknown metadata key '{key}'", hint, warning=True
                )
            )
    return meta, number + 1, "\n".join(lines[number:])


def _csv_columns(
    header: list[str], name: str, line: int, default_lang: str
) -> tuple[int, list[tuple[int, str]]]:
    """The index of `code` and the (index, language) of the label columns, default first."""
    cells = [cell.strip() for cell in header]
    lowered = [cell.lower() for cell in cells]
    for required in ("code", "label"):
        if required not in lowered:
            raise _Unusable(
                f"{name}:{line}: the header has no '{required}' column",
                hint=f"the header is: {','.join(cells)}; a code list needs 'code' and 'label' (and may add label@en, …)",
            )
    labels = [(lowered.index("label"), default_lang)]
    for index, cell in enumerate(cells):
        if not cell.lower().startswith("label@"):
            continue
        tag = cell[len("label@") :]
        if not _LANG_TAG.fullmatch(tag):
            raise _Unusable(
                f"{name}:{line}: '{tag}' in column '{cell}' is not a BCP 47 language tag"
            )
        if any(tag.lower() == other.lower() for _, other in labels):
            raise _Unusable(f"{name}:{line}: column '{cell}' repeats the language '{tag}'")
        labels.append((index, tag))
    return lowered.index("code"), labels


def _csv_rows(
    reader: CsvReader,
    columns: tuple[int, list[tuple[int, str]]],
    width: int,
    name: str,
    line_offset: int,
    problems: list[_Problem],
) -> Iterator[_Row]:
    code_index, label_columns = columns
    end = reader.line_num  # after the header
    for row in reader:
        line, end = line_offset + end + 1, reader.line_num  # a quoted cell may span lines
        cells = [cell.strip() for cell in row] + [""] * (width - len(row))
        if not any(cells):
            continue
        if len(row) > width:
            problems.append(
                _Problem("FL705", f"{name}:{line}: {len(row)} cells, but the header has {width}")
            )
            continue
        code = cells[code_index]
        if not code:
            problems.append(_Problem("FL705", f"{name}:{line}: empty code"))
            continue
        labels = tuple(
            (lang, _one_line(cells[index])) for index, lang in label_columns if cells[index]
        )
        if not labels or labels[0][0] != label_columns[0][1]:
            problems.append(_Problem("FL705", f"{name}:{line}: code '{code}' has no label"))
            labels = ((label_columns[0][1], code), *labels)
        yield code, labels, f"line {line}"


# --- genericode -------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class _Column:
    id: str
    short_name: str | None
    data_type: str | None
    required: bool
    index: int


def _parse_genericode(
    data: bytes, name: str, default_lang: str, label_column: str | None
) -> _Result:
    root = _parse_xml(data, name)
    column_set = _child(root, "ColumnSet")
    if column_set is None:
        raise _Unusable(f"{name}: the genericode list has no ColumnSet")
    columns = [
        _column(element, index) for index, element in enumerate(_children(column_set, "Column"))
    ]
    key_refs = [_key_refs(key) for key in _children(column_set, "Key")]
    key = _key_column(columns, key_refs, name)
    label = _label_column(columns, key, key_refs, label_column, default_lang, name)
    rows, problems = _genericode_rows(root, columns, key, label, default_lang, name)
    return _result(
        rows, problems, name, key_column=key.id, label_column=label.id, **_identification(root)
    )


def _parse_xml(data: bytes, name: str) -> Element:
    if any(marker in data for marker in _DOCTYPE):
        raise _Unusable(
            f"{name}: a DOCTYPE (DTD) is not allowed in a code list file", hint=_DTD_HINT
        )
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
        raise _Unusable(f"{name}:{exc.lineno}: malformed XML: {message}") from None
    if root.getroottree().docinfo.doctype:
        raise _Unusable(
            f"{name}: a DOCTYPE (DTD) is not allowed in a code list file", hint=_DTD_HINT
        )
    if root.tag != f"{{{GENERICODE_NS}}}CodeList":
        qname = etree.QName(root)
        where = f"namespace '{qname.namespace}'" if qname.namespace else "no namespace"
        raise _Unusable(
            f"{name} is not a genericode code list: the root element is <{qname.localname}> in {where}",
            hint=f"expected <CodeList> in the namespace {GENERICODE_NS}",
        )
    return root


_DTD_HINT = "genericode needs no DTD; DTDs can define entities that expand without bound or read local files"


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
        raise _Unusable(
            f"{name}: the ColumnSet {problem}",
            hint="the first Key must name the code column with one ColumnRef",
        )
    found = [column for column in columns if column.id == key_refs[0][0]]
    if not found:
        raise _Unusable(
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
    raise _Unusable(
        f"{name}: no column can serve as the label",
        hint=f"name one with label_column; {_available(columns)}",
    )


def _wanted_column(columns: list[_Column], wanted: str, name: str) -> _Column:
    exact = [c for c in columns if wanted in (c.id, c.short_name)]
    folded = wanted.casefold()
    loose = [c for c in columns if folded in (c.id.casefold(), (c.short_name or "").casefold())]
    if exact or loose:
        return (exact or loose)[0]
    raise _Unusable(f"{name}: no column '{wanted}' for the labels", hint=_available(columns))


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


def _genericode_rows(
    root: Element,
    columns: list[_Column],
    key: _Column,
    label: _Column,
    default_lang: str,
    name: str,
) -> tuple[list[_Row], list[_Problem]]:
    code_list = _child(root, "SimpleCodeList")
    if code_list is None:
        raise _Unusable(f"{name}: the genericode list has no SimpleCodeList")
    ids = [column.id for column in columns]
    rows: list[_Row] = []
    problems: list[_Problem] = []
    unlabelled: list[str] = []
    for number, row in enumerate(_children(code_list, "Row"), start=1):
        values = _row_values(row, ids)
        where = f"row {number} (line {row.sourceline})"
        code = values.get(key.id, "")
        if not code:
            problems.append(_Problem("FL705", f"{name}: empty code in {where}"))
            continue
        text = _one_line(values.get(label.id, ""))
        if not text:
            unlabelled.append(code)
        rows.append((code, ((default_lang, text or code),), where))
    if unlabelled:
        shown = ", ".join(f"'{code}'" for code in unlabelled[:5]) + (
            ", …" if len(unlabelled) > 5 else ""
        )
        count = f"{len(unlabelled)} code{'s' if len(unlabelled) > 1 else ''}"
        message = f"{name}: the label column '{label.id}' is empty for {count} ({shown}); the code is shown instead"
        problems.append(
            _Problem("FL705", message, "choose another column with label_column", warning=True)
        )
    return rows, problems


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
