"""Validation messages in German and English (validator stage; the browser gets the same).

Written in the style of KERN UX and the GOV.UK Design System: say what to do,
name the field, give the limit ("Geben Sie „Geburtsdatum“ an.", "„Anzahl“
darf höchstens 10 sein."). An author's own message (a rule's `message`, a
pattern's `message`) always wins. Each code is stable and documented in
docs/validation.md; the browser runtime receives this catalog as JSON.
"""

from __future__ import annotations

from typing import Any

CATALOG: dict[str, dict[str, str]] = {
    # requiredness
    "required": {"de": "Geben Sie „{label}“ an.", "en": "Enter “{label}”."},
    "required_choice": {
        "de": "Wählen Sie bei „{label}“ eine Antwort aus.",
        "en": "Select an answer for “{label}”.",
    },
    "required_consent": {"de": "Bestätigen Sie: {label}", "en": "Confirm: {label}"},
    "required_file": {"de": "Laden Sie „{label}“ hoch.", "en": "Upload “{label}”."},
    "required_alternative": {
        "de": "Wählen Sie bei „{label}“ eine der Möglichkeiten aus.",
        "en": "Choose one of the options for “{label}”.",
    },
    "repeat_min": {
        "de": "Geben Sie bei „{label}“ mindestens {limit} Einträge an.",
        "en": "Add at least {limit} entries to “{label}”.",
    },
    "repeat_max": {
        "de": "Geben Sie bei „{label}“ höchstens {limit} Einträge an.",
        "en": "Add no more than {limit} entries to “{label}”.",
    },
    "alternative_choice": {
        "de": "Wählen Sie bei „{label}“ eine der angebotenen Möglichkeiten aus.",
        "en": "Choose one of the offered options for “{label}”.",
    },
    "alternative_ambiguous": {
        "de": "Geben Sie bei „{label}“ nur eine der Möglichkeiten an.",
        "en": "Give only one of the options for “{label}”.",
    },
    # spelling of values
    "type_text": {"de": "„{label}“ muss ein Text sein.", "en": "“{label}” must be text."},
    "type_integer": {
        "de": "Geben Sie bei „{label}“ eine ganze Zahl ein, zum Beispiel 12.",
        "en": "Enter a whole number for “{label}”, for example 12.",
    },
    "type_decimal": {
        "de": "Geben Sie bei „{label}“ eine Zahl ein, zum Beispiel 12.5.",
        "en": "Enter a number for “{label}”, for example 12.5.",
    },
    "type_money": {
        "de": "Geben Sie bei „{label}“ einen Betrag in Euro mit höchstens zwei "
        "Nachkommastellen ein, zum Beispiel 1250.50.",
        "en": "Enter an amount in euros with at most two decimals for “{label}”, "
        "for example 1250.50.",
    },
    "type_boolean": {
        "de": "Wählen Sie bei „{label}“ Ja oder Nein.",
        "en": "Select yes or no for “{label}”.",
    },
    "type_date": {
        "de": "„{label}“ muss ein gültiges Datum sein.",
        "en": "“{label}” must be a real date.",
    },
    "type_time": {
        "de": "„{label}“ muss eine Uhrzeit sein, zum Beispiel 08:30.",
        "en": "“{label}” must be a time, for example 08:30.",
    },
    "type_datetime": {
        "de": "„{label}“ muss ein gültiges Datum mit Uhrzeit sein.",
        "en": "“{label}” must be a real date and time.",
    },
    "type_email": {
        "de": "Geben Sie eine E-Mail-Adresse im richtigen Format ein, zum Beispiel "
        "name@beispiel.de.",
        "en": "Enter an email address in the correct format, like name@example.com.",
    },
    "type_phone": {
        "de": "Geben Sie bei „{label}“ eine Telefonnummer ein; erlaubt sind "
        "Ziffern, Leerzeichen und + - / ( ).",
        "en": "Enter a phone number for “{label}”, using digits, spaces and + - / ( ).",
    },
    "type_url": {
        "de": "Geben Sie bei „{label}“ eine Internetadresse ein, die mit http:// oder "
        "https:// beginnt.",
        "en": "Enter a web address starting with http:// or https:// for “{label}”.",
    },
    "type_postal_code": {
        "de": "Geben Sie eine Postleitzahl mit 5 Ziffern ein.",
        "en": "Enter a postal code with 5 digits.",
    },
    "type_iban": {
        "de": "Geben Sie eine IBAN ein, zum Beispiel DE89370400440532013000.",
        "en": "Enter an IBAN, like DE89370400440532013000.",
    },
    "iban_checksum": {
        "de": "Die IBAN ist nicht korrekt. Prüfen Sie die Angabe.",
        "en": "The IBAN is not correct. Check it.",
    },
    "type_bic": {
        "de": "Geben Sie einen BIC mit 8 oder 11 Zeichen ein, zum Beispiel COBADEFFXXX.",
        "en": "Enter a BIC with 8 or 11 characters, like COBADEFFXXX.",
    },
    "type_tax_id": {
        "de": "Geben Sie die Steuer-Identifikationsnummer mit 11 Ziffern ein.",
        "en": "Enter the tax identification number with 11 digits.",
    },
    "tax_id_checksum": {
        "de": "Die Steuer-Identifikationsnummer ist nicht korrekt. Prüfen Sie die Angabe.",
        "en": "The tax identification number is not correct. Check it.",
    },
    "not_a_code": {
        "de": "Wählen Sie bei „{label}“ eine der angebotenen Antworten aus.",
        "en": "Select one of the offered answers for “{label}”.",
    },
    "type_multichoice": {
        "de": "Wählen Sie bei „{label}“ eine oder mehrere Antworten aus.",
        "en": "Select one or more answers for “{label}”.",
    },
    "duplicate_choice": {
        "de": "Wählen Sie bei „{label}“ jede Antwort nur einmal.",
        "en": "Select each answer for “{label}” only once.",
    },
    "type_file": {
        "de": "„{label}“ ist keine gültige Datei.",
        "en": "“{label}” is not a valid file.",
    },
    "type_object": {
        "de": "Die Angaben zu „{label}“ sind unvollständig oder falsch aufgebaut.",
        "en": "The details for “{label}” are incomplete or malformed.",
    },
    "type_list": {
        "de": "Die Einträge bei „{label}“ sind falsch aufgebaut.",
        "en": "The entries for “{label}” are malformed.",
    },
    # limits
    "min": {
        "de": "„{label}“ muss mindestens {limit} sein.",
        "en": "“{label}” must be {limit} or more.",
    },
    "max": {
        "de": "„{label}“ darf höchstens {limit} sein.",
        "en": "“{label}” must be {limit} or less.",
    },
    "date_min": {
        "de": "„{label}“ muss am oder nach dem {limit} liegen.",
        "en": "“{label}” must be on or after {limit}.",
    },
    "date_max": {
        "de": "„{label}“ muss am oder vor dem {limit} liegen.",
        "en": "“{label}” must be on or before {limit}.",
    },
    "date_past": {
        "de": "„{label}“ muss in der Vergangenheit liegen.",
        "en": "“{label}” must be in the past.",
    },
    "date_not_future": {
        "de": "„{label}“ darf nicht in der Zukunft liegen.",
        "en": "“{label}” must be today or in the past.",
    },
    "date_future": {
        "de": "„{label}“ muss in der Zukunft liegen.",
        "en": "“{label}” must be in the future.",
    },
    "date_not_past": {
        "de": "„{label}“ darf nicht in der Vergangenheit liegen.",
        "en": "“{label}” must be today or in the future.",
    },
    "time_min": {
        "de": "„{label}“ muss {limit} Uhr oder später sein.",
        "en": "“{label}” must be {limit} or later.",
    },
    "time_max": {
        "de": "„{label}“ muss {limit} Uhr oder früher sein.",
        "en": "“{label}” must be {limit} or earlier.",
    },
    "step": {
        "de": "„{label}“ muss ein Vielfaches von {limit} sein.",
        "en": "“{label}” must be a multiple of {limit}.",
    },
    "min_length": {
        "de": "„{label}“ muss mindestens {limit} Zeichen lang sein.",
        "en": "“{label}” must be {limit} characters or more.",
    },
    "max_length": {
        "de": "„{label}“ darf höchstens {limit} Zeichen lang sein.",
        "en": "“{label}” must be {limit} characters or fewer.",
    },
    "pattern": {
        "de": "„{label}“ hat nicht das erwartete Format.",
        "en": "“{label}” is not in the expected format.",
    },
    "min_selected": {
        "de": "Wählen Sie bei „{label}“ mindestens {limit} Antworten aus.",
        "en": "Select at least {limit} answers for “{label}”.",
    },
    "max_selected": {
        "de": "Wählen Sie bei „{label}“ höchstens {limit} Antworten aus.",
        "en": "Select no more than {limit} answers for “{label}”.",
    },
    "file_size": {
        "de": "Die Datei bei „{label}“ darf höchstens {limit} groß sein.",
        "en": "The file for “{label}” must be {limit} or smaller.",
    },
    "file_type": {
        "de": "Die Datei bei „{label}“ muss vom Typ {limit} sein.",
        "en": "The file for “{label}” must be of type {limit}.",
    },
    # the submission as a whole
    "not_an_object": {
        "de": "Die Angaben müssen ein JSON-Objekt sein.",
        "en": "The submission must be a JSON object.",
    },
    "unknown_field": {
        "de": "„{name}“ ist kein Feld dieses Formulars.",
        "en": "“{name}” is not a field of this form.",
    },
    "too_deep": {
        "de": "Die Angaben sind zu tief verschachtelt.",
        "en": "The submission is nested too deeply.",
    },
    "too_large": {"de": "Die Angaben sind zu umfangreich.", "en": "The submission is too large."},
    "rule": {
        "de": "Die Angaben bei „{label}“ passen nicht zusammen.",
        "en": "The details for “{label}” do not fit together.",
    },
    # warnings
    "hidden_value": {
        "de": "Die Angabe bei „{label}“ wurde nicht übernommen, weil das Feld hier "
        "nicht gefragt ist.",
        "en": "The value for “{label}” was not taken, because the field does not apply here.",
    },
    "computed_value": {
        "de": "Der übermittelte Wert von „{label}“ wurde durch den berechneten ersetzt.",
        "en": "The value sent for “{label}” was replaced by the computed one.",
    },
}

LANGUAGES = ("de", "en")


def message(code: str, lang: str, **values: Any) -> str:
    texts = CATALOG[code]
    template = texts.get(lang) or texts.get(lang.split("-")[0]) or texts["de"]
    return template.format(**{k: v for k, v in values.items()})


def format_limit(value: Any, lang: str) -> str:
    """A limit as a reader of `lang` writes it: 31.12.2024, 1.250,50."""
    import datetime as dt
    from decimal import Decimal

    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y") if lang.startswith("de") else value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, Decimal | int) and not isinstance(value, bool) and lang.startswith("de"):
        text = f"{value:,}".replace(",", "\u2009").replace(".", ",")
        return text.replace("\u2009", ".")
    return str(value)


def format_size(size: int, lang: str) -> str:
    """A file size as people read it: 1 MB, 1,5 MB, 500 KB (units of 1024, like `max_size`)."""
    from decimal import ROUND_HALF_UP, Decimal

    for unit, bytes_ in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= bytes_:
            amount = (Decimal(size) / bytes_).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            whole = amount == amount.to_integral_value()
            return f"{format_limit(int(amount) if whole else amount, lang)} {unit}"
    return f"{size} Bytes" if lang.startswith("de") else f"{size} bytes"
