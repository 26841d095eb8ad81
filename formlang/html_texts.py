"""The fixed wording of rendered pages in German and English (HTML renderer stage).

Buttons, headings and the small words around inputs, in the style of KERN UX
and the GOV.UK Design System. Labels, hints and messages of a form come from
its definition; only these come from here. Values are shown as German readers
write them (1.250,50 €, 31. Dezember 2024, DE89 3704 …) with Babel.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "error_prefix": "Fehler: ",
        "error_summary": "Es gibt ein Problem",
        "optional": "(optional)",
        "day": "Tag",
        "month": "Monat",
        "year": "Jahr",
        "time": "Uhrzeit",
        "time_hint": "Zum Beispiel 14:30",
        "date_hint": "Zum Beispiel 27 3 2007",
        "yes": "Ja",
        "no": "Nein",
        "select": "Bitte auswählen",
        "add": "Weitere Zeile hinzufügen: {}",
        "remove": "{} entfernen",
        "row": "{} {}",
        "check": "Angaben prüfen",
        "summary_title": "Prüfen Sie Ihre Angaben",
        "change": "Ändern",
        "send": "Angaben absenden",
        "not_given": "Keine Angabe",
        "file_kept": "Bereits hochgeladen: {}",
        "authority": "Zuständige Stelle",
        "legal": "Rechtsgrundlage",
        "computed": "Wird aus Ihren Angaben berechnet.",
        "skip": "Zum Formular springen",
        "currency": "Euro",
        "branch": "Bitte wählen Sie eine Möglichkeit.",
    },
    "en": {
        "error_prefix": "Error: ",
        "error_summary": "There is a problem",
        "optional": "(optional)",
        "day": "Day",
        "month": "Month",
        "year": "Year",
        "time": "Time",
        "time_hint": "For example, 14:30",
        "date_hint": "For example, 27 3 2007",
        "yes": "Yes",
        "no": "No",
        "select": "Select an option",
        "add": "Add another row: {}",
        "remove": "Remove {}",
        "row": "{} {}",
        "check": "Check your answers",
        "summary_title": "Check your answers",
        "change": "Change",
        "send": "Send",
        "not_given": "Not given",
        "file_kept": "Already uploaded: {}",
        "authority": "Responsible office",
        "legal": "Legal basis",
        "computed": "Worked out from your answers.",
        "skip": "Skip to the form",
        "currency": "euros",
        "branch": "Choose one option.",
    },
}


def texts(lang: str) -> dict[str, str]:
    return TEXTS.get(lang.split("-")[0], TEXTS["de"])


def locale(lang: str) -> str:
    return {"de": "de_DE", "en": "en_GB"}.get(lang.split("-")[0], "de_DE")


def show_value(kind: str, value: Any, lang: str) -> str:
    """A stored value as a reader of `lang` reads it (the check-your-answers list, outputs).

    `kind` is a field kind's value ("money", "date", …); a value that is not of
    its kind (a wrong submission shown back) is shown as it is.
    """
    from babel import dates, numbers

    where = locale(lang)
    try:
        if kind == "money":
            return str(numbers.format_currency(Decimal(str(value)), "EUR", locale=where))
        if kind in ("decimal", "integer") and not isinstance(value, bool):
            return str(numbers.format_decimal(Decimal(str(value)), locale=where))
        if kind == "date":
            return str(dates.format_date(dt.date.fromisoformat(value), "long", locale=where))
        if kind == "datetime":
            moment = dt.datetime.fromisoformat(value)
            pattern = "d. MMMM y, HH:mm" if lang.startswith("de") else "d MMMM y, HH:mm"
            return str(dates.format_datetime(moment, pattern, locale=where))
    except (ValueError, ArithmeticError, TypeError):
        return str(value)
    if kind == "iban" and isinstance(value, str):
        return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    if isinstance(value, bool):
        return texts(lang)["yes" if value else "no"]
    return str(value)


def input_value(kind: str, value: Any, lang: str) -> str:
    """A stored value as it is typed into its input: German decimals with a comma."""
    if value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if kind in ("money", "decimal") and lang.startswith("de"):
        return text.replace(".", ",")
    return text
