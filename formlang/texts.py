"""User-facing texts and their translations (resolver stage).

Turns a syntax `Text` ("Name" @en "Name") into an `ir.Text` with one entry
per language, in the order the file declares its languages, and reports
translations that are missing (FL600), undeclared (FL601) or doubled (FL602).
"""

from __future__ import annotations

from formlang import diagnostics as d
from formlang import ir
from formlang import syntax as s

LANGUAGE_NAMES = {
    "de": "German",
    "en": "English",
    "fr": "French",
    "pl": "Polish",
    "cs": "Czech",
    "hsb": "Upper Sorbian",
    "dsb": "Lower Sorbian",
    "uk": "Ukrainian",
    "ru": "Russian",
    "ar": "Arabic",
    "tr": "Turkish",
}


def language_name(tag: str) -> str:
    name = LANGUAGE_NAMES.get(tag.split("-")[0])
    return f"{name} ({tag})" if name else f"'{tag}'"


def make_text(node: s.Text, languages: tuple[str, ...], diags: d.Collector, what: str) -> ir.Text:
    found: dict[str, str] = {}
    spans: dict[str, s.TextPart] = {}
    for part in node.parts:
        lang = part.lang.raw if part.lang else languages[0]
        if lang not in languages:
            diags.error(
                "FL601",
                f"{language_name(lang)} is not a language of this file",
                part.lang.span if part.lang else part.span,
                hint=f"add it to `languages {', '.join(languages)}`, or remove this translation",
            )
            continue
        if lang in found:
            diags.error(
                "FL602",
                f"{what} has two {language_name(lang)} texts",
                part.span,
                related=[d.Related("the first one", spans[lang].span)],
                hint="write `@en` and the like only for the other languages"
                if part.lang and lang == languages[0]
                else None,
            )
            continue
        found[lang] = part.string.value
        spans[lang] = part
    missing = [lang for lang in languages if lang not in found]
    if missing and found:
        example = " ".join(f'@{m} "…"' for m in missing)
        diags.error(
            "FL600",
            f"{what} has no {', '.join(language_name(m) for m in missing)} translation",
            node.span,
            hint=f"add {example} after the text",
        )
    return ir.Text(
        translations=tuple((lang, found[lang]) for lang in languages if lang in found),
        span=node.span,
    )
