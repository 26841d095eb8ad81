"""Options of elements: which option fits where, and what it must hold (resolver stage).

The grammar accepts every option on every element; this module says which
element and which field type each one belongs to (FL202, FL400), rejects
duplicates (FL207), and checks bounds (FL401, FL405), media types (FL404)
and autocomplete tokens (FL403) before the IR is built.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from formlang import diagnostics as d
from formlang import syntax as s
from formlang.scope import did_you_mean
from formlang.types import FREE_TEXT, FieldKind

FIELD = frozenset(
    [
        "optional",
        "readonly",
        "required",
        "when",
        "hint",
        "default",
        "min",
        "max",
        "step",
        "min_length",
        "max_length",
        "min_selected",
        "max_selected",
        "pattern",
        "message",
        "max_size",
        "accept",
        "autocomplete",
        "meta",
    ]
)
ALLOWED: dict[str, frozenset[str]] = {
    "field": FIELD,
    "computed": frozenset({"when", "hint", "meta"}),
    "group": frozenset({"when", "hint", "meta"}),
    "repeat": frozenset({"when", "hint", "min", "max", "item", "meta"}),
    "alternative": frozenset({"when", "hint", "optional", "meta"}),
    "page": frozenset({"when", "hint"}),
    "info": frozenset({"when"}),
    "rule": frozenset({"on", "message", "warning", "when"}),
    "codes": frozenset({"label", "meta"}),
}
_WHERE = {
    "on": "rules",
    "warning": "rules",
    "item": "repeats",
    "label": "code lists read from a file",
    "optional": "fields and alternatives",
    "readonly": "fields",
}

# Which field types each constraint applies to; the rest apply to all fields.
NUMERIC_KINDS = frozenset({FieldKind.INTEGER, FieldKind.DECIMAL, FieldKind.MONEY})
TEMPORAL_KINDS = frozenset({FieldKind.DATE, FieldKind.TIME, FieldKind.DATETIME})
APPLIES: dict[str, frozenset[FieldKind]] = {
    "min": NUMERIC_KINDS | TEMPORAL_KINDS,
    "max": NUMERIC_KINDS | TEMPORAL_KINDS,
    "step": NUMERIC_KINDS,
    "min_length": FREE_TEXT,
    "max_length": FREE_TEXT,
    "pattern": FREE_TEXT,
    "min_selected": frozenset({FieldKind.MULTICHOICE}),
    "max_selected": frozenset({FieldKind.MULTICHOICE}),
    "max_size": frozenset({FieldKind.FILE}),
    "accept": frozenset({FieldKind.FILE}),
    "autocomplete": frozenset(FieldKind) - {FieldKind.FILE, FieldKind.CONSENT},
    "default": frozenset(FieldKind) - {FieldKind.FILE},
}
_CONSTRAINT_HINTS = {
    ("min_length", "date"): "bound a date with `min` and `max`",
    ("min", "multichoice"): "for a number of selections write `min_selected`",
    ("max", "multichoice"): "for a number of selections write `max_selected`",
    ("min", "text"): "for a number of characters write `min_length`",
    ("max", "text"): "for a number of characters write `max_length`",
}

SIZE_UNITS = {"KB": 1024, "MB": 1024**2, "GB": 1024**3}
MEDIA_TYPE = re.compile(r"^[a-z]+/(\*|[a-z0-9][a-z0-9.+-]*)$")


def by_keyword(
    options: Iterable[s.Option], element: str, diags: d.Collector, what: str
) -> dict[str, s.Option]:
    """The options of one element by keyword, after FL202/FL207 checks."""
    allowed = ALLOWED[element]
    seen: dict[str, s.Option] = {}
    for option in options:
        key = option.keyword
        if key not in allowed:
            diags.error(
                "FL202",
                f"`{key}` does not apply to {what}",
                option.keyword_span,
                hint=_misplaced_hint(key, allowed),
            )
        elif key in seen and key != "meta":
            diags.error(
                "FL207",
                f"`{key}` is given twice",
                option.keyword_span,
                related=[d.Related("first given", seen[key].keyword_span)],
            )
        else:
            seen[key] = option
    return seen


def _misplaced_hint(key: str, allowed: frozenset[str]) -> str | None:
    if key in _WHERE:
        return f"`{key}` is for {_WHERE[key]}"
    if key == "required":
        return "fields are required unless marked `optional`"
    return did_you_mean(key, allowed, "`")


def check_applies(option: s.Option, kind: FieldKind, diags: d.Collector) -> bool:
    kinds = APPLIES.get(option.keyword)
    if kinds is None or kind in kinds:
        return True
    hint = _CONSTRAINT_HINTS.get((option.keyword, kind.value))
    if hint is None and kind.value in ("postal_code", "iban", "bic", "tax_id"):
        hint = f"a {kind.value} field is checked by its own format rules"
    diags.error(
        "FL400",
        f"`{option.keyword}` does not apply to a {kind.value} field",
        option.keyword_span,
        hint=hint,
    )
    return False


def count_arg(option: s.Option, diags: d.Collector, *, low: int = 0) -> int | None:
    """A whole-number option such as `max_length 40` or a repeat's `min 1`."""
    arg = option.args[0] if option.args else None
    raw = arg.raw if isinstance(arg, s.Token | s.Literal) else None
    kind = arg.kind if isinstance(arg, s.Token | s.Literal) else None
    if raw is None or kind != "number" or "." in raw:
        diags.error(
            "FL405",
            f"`{option.keyword}` needs a whole number",
            option.span,
            hint=f"write, for example, `{option.keyword} 1`",
        )
        return None
    value = int(raw)
    if value < low:
        diags.error("FL405", f"`{option.keyword}` must be at least {low}", option.span)
        return None
    return value


def size_arg(option: s.Option, diags: d.Collector) -> int | None:
    number = option.args[0]
    unit = option.args[1]
    assert isinstance(number, s.Token) and isinstance(unit, s.Token)
    amount = float(number.raw) * SIZE_UNITS[unit.raw]
    if amount < 1:
        diags.error("FL405", "`max_size` must be more than zero", option.span)
        return None
    return int(amount)


def media_types(option: s.Option, diags: d.Collector) -> tuple[str, ...]:
    out = []
    for arg in option.args:
        assert isinstance(arg, s.Token)
        value = arg.value.strip().lower()
        if MEDIA_TYPE.match(value):
            out.append(value)
            continue
        hint = 'write a media type such as "application/pdf" or "image/*"'
        if value.startswith("."):
            hint = f"write the media type, not the file ending {value!r}"
        diags.error("FL404", f"'{arg.value}' is not a media type", arg.span, hint=hint)
    return tuple(out)


def bounds(
    low: int | None, high: int | None, option: s.Option | None, diags: d.Collector, what: str
) -> None:
    if low is not None and high is not None and low > high and option is not None:
        diags.error(
            "FL401",
            f"{what}: the lower bound ({low}) is greater than the upper bound ({high})",
            option.span,
            hint="swap the two values, or correct one of them",
        )


# The autofill field names of the HTML standard that fit form fields.
AUTOCOMPLETE = frozenset(
    [
        "name",
        "honorific-prefix",
        "given-name",
        "additional-name",
        "family-name",
        "honorific-suffix",
        "nickname",
        "username",
        "new-password",
        "current-password",
        "one-time-code",
        "organization-title",
        "organization",
        "street-address",
        "address-line1",
        "address-line2",
        "address-line3",
        "address-level4",
        "address-level3",
        "address-level2",
        "address-level1",
        "country",
        "country-name",
        "postal-code",
        "cc-name",
        "cc-given-name",
        "cc-additional-name",
        "cc-family-name",
        "cc-number",
        "cc-exp",
        "cc-exp-month",
        "cc-exp-year",
        "cc-csc",
        "cc-type",
        "transaction-currency",
        "transaction-amount",
        "language",
        "bday",
        "bday-day",
        "bday-month",
        "bday-year",
        "sex",
        "url",
        "photo",
        "tel",
        "tel-country-code",
        "tel-national",
        "tel-area-code",
        "tel-local",
        "tel-local-prefix",
        "tel-local-suffix",
        "tel-extension",
        "email",
        "impp",
        "off",
        "on",
    ]
)
_AUTOCOMPLETE_PREFIXES = ("shipping", "billing", "home", "work", "mobile", "fax", "pager")
# Common guesses (English and German) that spelling alone does not lead to.
_AUTOCOMPLETE_ALIASES = {
    "firstname": "given-name",
    "vorname": "given-name",
    "lastname": "family-name",
    "surname": "family-name",
    "nachname": "family-name",
    "familienname": "family-name",
    "birthday": "bday",
    "birthdate": "bday",
    "geburtsdatum": "bday",
    "phone": "tel",
    "telefon": "tel",
    "zip": "postal-code",
    "zipcode": "postal-code",
    "plz": "postal-code",
    "city": "address-level2",
    "ort": "address-level2",
    "street": "street-address",
    "strasse": "street-address",
    "mail": "email",
}


def check_autocomplete(option: s.Option, diags: d.Collector) -> str | None:
    arg = option.args[0]
    assert isinstance(arg, s.Token)
    tokens = arg.value.split()
    words = [t for t in tokens if not t.startswith("section-") and t not in _AUTOCOMPLETE_PREFIXES]
    if len(words) == 1 and words[0] in AUTOCOMPLETE:
        return arg.value
    bad = next((w for w in words if w not in AUTOCOMPLETE), arg.value)
    alias = _AUTOCOMPLETE_ALIASES.get(bad.lower().replace("_", "").replace("-", ""))
    diags.error(
        "FL403",
        f"'{bad}' is not an autocomplete token of the HTML standard",
        arg.span,
        hint=(f'did you mean "{alias}"?' if alias else None)
        or did_you_mean(bad, AUTOCOMPLETE, '"')
        or 'such as "given-name" or "postal-code"',
    )
    return None
