"""`codes NAME from "file"`: a code list file -> an IR code list (resolver stage).

Finds the file like an import (next to the form, then in the library),
reads it with `formlang.codelists`, and keeps the labels of the languages
the form declares. An official list usually has German labels only; where a
declared language is missing, a warning says the default labels are shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from formlang import diagnostics as d
from formlang import ir
from formlang import syntax as s
from formlang.codelists import CodeEntry, CodeListFile, load_codelist
from formlang.loader import display_path
from formlang.scope import FileContext
from formlang.texts import language_name

if TYPE_CHECKING:
    from formlang.resolve import Compiler


def file_codelist(
    compiler: Compiler, node: s.Codes, ctx: FileContext, label: ir.Text | None
) -> ir.CodeList | None:
    assert node.path is not None
    candidates = compiler.loader.find(node.path.value, ctx.source)
    path = next((c for c in candidates if c.is_file()), None)
    if path is None:
        tried = ", ".join(display_path(c) for c in candidates)
        compiler.diags.error(
            "FL704",
            f"the code list file '{node.path.value}' was not found",
            node.path.span,
            hint=f"looked at: {tried}",
        )
        return None
    column = _label_option(node, compiler.diags)
    if column is not None and path.suffix.lower() == ".csv":
        compiler.diags.error(
            "FL202",
            "`label` chooses a column of a genericode list; a CSV list always takes "
            "its labels from the column named 'label'",
            node.path.span,
            hint="rename the column in the CSV file to 'label', or remove `label …`",
        )
        column = None
    key = f"{path.resolve()}|{column or ''}|{ctx.languages[0]}"
    if key in compiler.codelists:
        return compiler.codelists[key]
    loaded, problems = load_codelist(
        path, span=node.path.span, default_lang=ctx.languages[0], label_column=column
    )
    compiler.diags.extend(problems)
    if loaded is None:
        return None
    codelist = _to_ir(loaded, key, node, label, ctx, compiler.diags)
    compiler.codelists[key] = codelist
    return codelist


def _label_option(node: s.Codes, diags: d.Collector) -> str | None:
    for option in node.options:
        if option.keyword == "label":
            token = option.args[0]
            assert isinstance(token, s.Token)
            return token.value
        if option.keyword != "meta":
            diags.error(
                "FL202", f"`{option.keyword}` does not apply to a code list", option.keyword_span
            )
    return None


def _to_ir(
    loaded: CodeListFile,
    key: str,
    node: s.Codes,
    label: ir.Text | None,
    ctx: FileContext,
    diags: d.Collector,
) -> ir.CodeList:
    missing: dict[str, int] = {}
    codes = [_code(entry, ctx.languages, missing) for entry in loaded.entries]
    for lang, count in sorted(missing.items()):
        diags.add(_missing_labels(node, ctx, lang, count, len(codes)))
    return ir.CodeList(
        key=key,
        name=node.name.raw,
        label=label,
        codes=tuple(codes),
        uri=loaded.uri,
        version=loaded.version,
        source=loaded.source,
        span=node.span,
    )


def _code(entry: CodeEntry, languages: tuple[str, ...], missing: dict[str, int]) -> ir.Code:
    """The code with its labels in the form's languages; counts the languages it lacks."""
    labels = dict(entry.labels)
    default = labels.get(languages[0]) or entry.labels[0][1] if entry.labels else entry.code
    translations = [(languages[0], default)]
    for lang in languages[1:]:
        if lang in labels:
            translations.append((lang, labels[lang]))
        else:
            missing[lang] = missing.get(lang, 0) + 1
    return ir.Code(value=entry.code, label=ir.Text(translations=tuple(translations)))


def _missing_labels(
    node: s.Codes, ctx: FileContext, lang: str, count: int, total: int
) -> d.Diagnostic:
    how_many = "no" if count == total else f"{count} of its {total} codes without"
    csv = node.path is not None and node.path.value.lower().endswith(".csv")
    return d.make(
        "FL603",
        f"the code list '{node.name.raw}' has {how_many} {language_name(lang)} labels; "
        f"those codes are shown with their {language_name(ctx.languages[0])} label",
        node.path.span if node.path else node.span,
        hint=f"add a 'label@{lang}' column"
        if csv
        else f"translate the list in a CSV file with a 'label@{lang}' column",
    )
