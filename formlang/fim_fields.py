"""One FIM Datenfeld -> a field of the plan: type, constraints, codes (for `formlang import fim`).

Feldart × Datentyp gives the field type; the Präzisierung gives lengths,
bounds and a pattern. Dirty values are read where their meaning is plain
(`1..31` as min 1 max 31, the pattern `Mehrfachauswahl` of a select as a
multiple choice, `\\p{L}` as the letters of Latin-1) and otherwise left
out with a note; nothing here raises on bad content.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from formlang.fim_plan import CodesDecl, FieldNode, Note
from formlang.fim_read import FieldDef

TYPES = {
    "text": "text",
    "text_latin": "text",
    "date": "date",
    "time": "time",
    "datetime": "datetime",
    "bool": "boolean",
    "num": "decimal",
    "num_int": "integer",
    "num_currency": "money",
    "file": "file",
    "obj": "file",
}
TEXTAREA_FROM = 500  # a text allowed this long is asked in several lines
NUMERIC = {"integer", "decimal", "money"}
TEXTUAL = {"text", "textarea"}
_RANGE = re.compile(r"^\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_LETTERS = "A-Za-zÀ-ÖØ-öø-ÿ"
_PROSE = re.compile(r"^[A-Za-zÄÖÜäöüß][A-Za-zÄÖÜäöüß -]*$")

# (uri, version, line) -> the `codes` list, or None when it is not at hand
CodeLookup = Callable[[str, str | None, int], CodesDecl | None]


def field_node(
    source: FieldDef, name: str, label: str, lookup: CodeLookup, notes: list[Note]
) -> FieldNode:
    kind = TYPES.get(source.datentyp)
    where = f"{source.ident.id} '{source.label}'"
    if kind is None:
        notes.append(
            Note(
                line=source.line,
                message=f"{where}: unknown Datentyp '{source.datentyp}', imported as text",
            )
        )
        kind = "text"
    node = FieldNode(
        name=name, label=label, fim=source.ident, line=source.line, type=kind, source=source
    )
    node.hint = source.hint
    _feldart(node, notes, where)
    if source.datentyp == "obj":
        node.comments.append("FIM: Datentyp obj (Objekt) als Datei übernommen")
    if source.datentyp == "text_latin":
        node.comments.append("FIM: text_latin (Zeichen nach DIN SPEC 91379) wird nicht geprüft")
    precision = dict(source.precision)
    if source.precision_raw is not None:
        _raw_precision(source, precision, notes, where)
    if source.feldart == "select":
        _codes(node, source, precision, lookup, notes, where)
    _lengths(node, precision, notes, where)
    _bounds(node, precision, notes, where)
    _pattern(node, precision.get("pattern"), notes, where)
    _file(node, source)
    _content(node, source, notes, where)
    return node


def _feldart(node: FieldNode, notes: list[Note], where: str) -> None:
    art = node.source.feldart
    if art == "locked":
        node.readonly = True
        node.comments.append("FIM: locked – wird vom System befüllt, die Person ändert es nicht")
    elif art == "hidden":
        node.readonly = True
        node.comments.append("FIM: hidden – im FIM-Formular nicht sichtbar")
        notes.append(Note(line=node.line, message=f"{where}: a hidden field is shown read-only"))
    elif art not in ("input", "select"):
        notes.append(
            Note(line=node.line, message=f"{where}: unknown Feldart '{art}', imported as input")
        )


def _raw_precision(
    source: FieldDef, precision: dict[str, str], notes: list[Note], where: str
) -> None:
    raw = source.precision_raw or ""
    found = _RANGE.match(raw)
    if found:
        precision["minValue"], precision["maxValue"] = found.group(1), found.group(2)
        notes.append(
            Note(
                line=source.line,
                message=f"{where}: Präzisierung '{raw}' is not JSON; read as min {found.group(1)} max {found.group(2)}",
                untranslated=False,
            )
        )
        return
    notes.append(
        Note(
            line=source.line, message=f"{where}: Präzisierung '{raw}' is not JSON and was left out"
        )
    )


def _codes(
    node: FieldNode,
    source: FieldDef,
    precision: dict[str, str],
    lookup: CodeLookup,
    notes: list[Note],
    where: str,
) -> None:
    multiple = precision.get("pattern", "").strip().lower() == "mehrfachauswahl"
    if multiple:
        precision.pop("pattern")
        node.comments.append('FIM: Präzisierung "Mehrfachauswahl" – mehrere Codes wählbar')
    if multiple and not source.values and source.codelist is None:
        node.comments.pop()
    if source.values:
        node.type = "multichoice" if multiple else "choice"
        node.codes = []
        for value in source.values:
            if value.code in [c[0] for c in node.codes]:
                notes.append(
                    Note(
                        line=source.line,
                        message=f"{where}: the code '{value.code}' "
                        "appears twice; the second one was left out",
                    )
                )
                continue
            node.codes.append((value.code, value.label, value.hint))
        return
    if source.codelist is not None:
        ref = source.codelist
        decl = lookup(ref.uri, ref.version, ref.line)
        if decl is not None:
            node.type = "multichoice" if multiple else "choice"
            node.codes_from, node.code_file = decl.name, decl.file
            return
        node.type = "text"
        if multiple:
            node.comments.pop()
        node.comments.append(
            f"FIM: Codeliste {ref.uri} Version {ref.version or '–'} fehlt; als Textfeld übernommen"
        )
        return
    node.type = "text"
    notes.append(
        Note(
            line=source.line,
            message=f"{where}: a select field without values or code list, imported as text",
        )
    )


def _lengths(node: FieldNode, precision: dict[str, str], notes: list[Note], where: str) -> None:
    low, high = precision.get("minLength"), precision.get("maxLength")
    if node.type not in TEXTUAL:
        if (low or high) and node.type not in ("choice", "multichoice"):
            node.comments.append(f"FIM: Länge {low or 0}..{high or '*'} gilt nicht für {node.type}")
        return
    lo = int(low) if low and low.isdigit() else None
    hi = int(high) if high and high.isdigit() else None
    if (low and lo is None) or (high and hi is None) or (lo and hi and lo > hi) or hi == 0:
        notes.append(
            Note(
                line=node.line,
                message=f"{where}: lengths {low}..{high} make no sense and were left out",
            )
        )
        return
    if hi is not None and hi >= TEXTAREA_FROM:
        node.type = "textarea"
    if lo is not None and lo > 1:
        node.options.append(f"min_length {lo}")
    if hi is not None:
        node.options.append(f"max_length {hi}")


def _bounds(node: FieldNode, precision: dict[str, str], notes: list[Note], where: str) -> None:
    for key, option in (("minValue", "min"), ("maxValue", "max")):
        value = precision.get(key)
        if value is None or value == "":
            continue
        value = value.strip().replace(",", ".") if node.type in NUMERIC else value.strip()
        if node.type in NUMERIC and _NUMBER.match(value):
            if node.type == "integer" and "." in value:
                notes.append(
                    Note(line=node.line, message=f"{where}: {key} {value} is not whole; left out")
                )
                continue
            node.options.append(f"{option} {value}")
        elif node.type == "date" and re.match(r"^\d{4}-\d{2}-\d{2}$", value):
            node.options.append(f"{option} {value}")
        else:
            notes.append(
                Note(
                    line=node.line,
                    message=f"{where}: {key} '{value}' does not fit a {node.type} field; left out",
                )
            )


def _pattern(node: FieldNode, pattern: str | None, notes: list[Note], where: str) -> None:
    if not pattern:
        return
    if node.type not in TEXTUAL:
        notes.append(
            Note(
                line=node.line,
                message=f"{where}: pattern '{pattern}' does not fit a {node.type} field; left out",
            )
        )
        return
    if _PROSE.match(pattern) and " " in pattern:
        notes.append(
            Note(
                line=node.line,
                message=f"{where}: pattern '{pattern}' is prose, not a regular expression; left out",
            )
        )
        return
    fixed = pattern.replace("\\p{L}", _LETTERS)
    if fixed != pattern:
        node.comments.append(f"FIM: \\p{{L}} als Buchstaben {_LETTERS} übernommen")
    anchored = fixed if fixed.startswith("^") else "^" + fixed
    if not anchored.endswith("$") or anchored.endswith("\\$"):
        anchored += "$"
    problem = pattern_problem(anchored)
    if problem is not None:
        notes.append(
            Note(line=node.line, message=f"{where}: pattern '{pattern}' was left out: {problem}")
        )
        return
    node.options.append(f"pattern {quote(anchored)}")


def pattern_problem(pattern: str) -> str | None:
    """Why formlang would refuse `pattern`, or None."""
    from formlang.patterns import check_pattern
    from formlang.source import Source, Span

    span = Span(Source(pattern, "<fim>"), 0, len(pattern))
    found = check_pattern(pattern, span)
    return found[0].message if found else None


def _file(node: FieldNode, source: FieldDef) -> None:
    if node.type != "file":
        return
    if source.max_size:
        node.options.append(f"max_size {_size(source.max_size)}")
    if source.media_types:
        node.options.append("accept " + ", ".join(quote(m) for m in source.media_types))


def _size(size: int) -> str:
    """The largest unit that keeps the limit at or below FIM's (1 KB = 1024 bytes)."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2)):
        if size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{max(size // 1024, 1)} KB"


def _content(node: FieldNode, source: FieldDef, notes: list[Note], where: str) -> None:
    value = source.content
    if not value:
        return
    if node.type in ("text", "textarea"):
        node.options.append(f"default {quote(value)}")
    elif node.type == "boolean" and value.lower() in ("true", "false"):
        node.options.append(f"default {value.lower()}")
    elif node.type in NUMERIC and _NUMBER.match(value):
        node.options.append(f"default {value}")
    elif node.type in ("choice",) and node.codes and value in [c[0] for c in node.codes]:
        node.options.append(f"default {quote(value)}")
    else:
        notes.append(
            Note(line=node.line, message=f"{where}: Inhalt '{value}' was not taken as the default")
        )


def quote(text: str) -> str:
    """A one-line formlang string."""
    flat = " ".join(text.split())
    return '"' + flat.replace("\\", "\\\\").replace('"', '\\"') + '"'
