"""CSV code list files -> code list rows for `codelists` (resolver stage).

The format (`.csv`, UTF-8, BOM and CRLF allowed): optional `# key: value`
lines (name, uri, version, version_uri, source) before a header row with the
columns `code`, `label` (default language) and optionally `label@<BCP 47>`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from formlang.codelist_rows import Problem, RawCodeList, Row, Unusable, one_line
from formlang.source import decode

if TYPE_CHECKING:
    from _csv import Reader as CsvReader

METADATA_KEYS = ("name", "uri", "version", "version_uri", "source")
_LANG_TAG = re.compile(
    r"[A-Za-z]{2,3}(-[A-Za-z]{4})?(-(?:[A-Za-z]{2}|\d{3}))?(-[A-Za-z\d]{5,8}|-\d[A-Za-z\d]{3})*"
)
_META_LINE = re.compile(r"#\s*(?P<key>[A-Za-z_-]+)\s*:\s*(?P<value>.*?)\s*")


def read_csv(data: bytes, name: str, default_lang: str) -> RawCodeList:
    text, problem, offset = decode(data, name)
    if text is None:
        raise Unusable(f"{name} is not a UTF-8 text file ({problem} at byte {offset})")
    problems: list[Problem] = []
    meta, header_line, body = _metadata(text, name, problems)
    reader = csv.reader(io.StringIO(body, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise Unusable(
                f"{name} has no header row",
                hint="the first row must name the columns, e.g. code,label",
            )
        columns = _columns(header, name, header_line, default_lang)
        rows = list(_rows(reader, columns, len(header), name, header_line - 1, problems))
    except csv.Error as exc:
        raise Unusable(
            f"{name}:{header_line - 1 + reader.line_num}: malformed CSV: {exc}"
        ) from None
    return RawCodeList(
        rows=rows, problems=problems, key_column="code", label_column="label", metadata=meta
    )


def _metadata(
    text: str, name: str, problems: list[Problem]
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
                Problem(
                    "FL705", f"{name}:{number}: unknown metadata key '{key}'", hint, warning=True
                )
            )
    return meta, number + 1, "\n".join(lines[number:])


def _columns(
    header: list[str], name: str, line: int, default_lang: str
) -> tuple[int, list[tuple[int, str]]]:
    """The index of `code` and the (index, language) of the label columns, default first."""
    cells = [cell.strip() for cell in header]
    lowered = [cell.lower() for cell in cells]
    for required in ("code", "label"):
        if required not in lowered:
            raise Unusable(
                f"{name}:{line}: the header has no '{required}' column",
                hint=f"the header is: {','.join(cells)}; a code list needs 'code' and 'label' (and may add label@en, …)",
            )
    labels = [(lowered.index("label"), default_lang)]
    for index, cell in enumerate(cells):
        if not cell.lower().startswith("label@"):
            continue
        tag = cell[len("label@") :]
        if not _LANG_TAG.fullmatch(tag):
            raise Unusable(
                f"{name}:{line}: '{tag}' in column '{cell}' is not a BCP 47 language tag"
            )
        if any(tag.lower() == other.lower() for _, other in labels):
            raise Unusable(f"{name}:{line}: column '{cell}' repeats the language '{tag}'")
        labels.append((index, tag))
    return lowered.index("code"), labels


def _rows(
    reader: CsvReader,
    columns: tuple[int, list[tuple[int, str]]],
    width: int,
    name: str,
    line_offset: int,
    problems: list[Problem],
) -> Iterator[Row]:
    code_index, label_columns = columns
    end = reader.line_num  # after the header
    for row in reader:
        line, end = line_offset + end + 1, reader.line_num  # a quoted cell may span lines
        cells = [cell.strip() for cell in row] + [""] * (width - len(row))
        if not any(cells):
            continue
        if len(row) > width:
            problems.append(
                Problem("FL705", f"{name}:{line}: {len(row)} cells, but the header has {width}")
            )
            continue
        code = cells[code_index]
        if not code:
            problems.append(Problem("FL705", f"{name}:{line}: empty code"))
            continue
        yield code, _labels(cells, label_columns, code, f"{name}:{line}", problems), f"line {line}"


def _labels(
    cells: list[str],
    label_columns: list[tuple[int, str]],
    code: str,
    where: str,
    problems: list[Problem],
) -> tuple[tuple[str, str], ...]:
    """The row's (language, label) pairs, the default language first (the code if it has none)."""
    labels = tuple((lang, one_line(cells[index])) for index, lang in label_columns if cells[index])
    if not labels or labels[0][0] != label_columns[0][1]:
        problems.append(Problem("FL705", f"{where}: code '{code}' has no label"))
        labels = ((label_columns[0][1], code), *labels)
    return labels
