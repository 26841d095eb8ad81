"""Names for imported FIM elements: ASCII snake_case from German labels (for `formlang import fim`).

`snake("Straße und Hausnummer")` is `strasse_und_hausnummer`; a name never
clashes with a keyword of the language, never starts with a digit, and a
`Namer` keeps the names of one scope unique (`name`, `name_2`, …).
"""

from __future__ import annotations

import re
import unicodedata

MAX_WORDS = 5
MAX_LENGTH = 40
_GERMAN = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"}
)
_FILLER = frozenset({"der", "die", "das", "des", "dem", "den", "ein", "eine", "einer", "eines"})
# Words the grammar reads as keywords: never a name.
KEYWORDS = frozenset(
    {
        "form",
        "module",
        "version",
        "title",
        "description",
        "authority",
        "legal",
        "languages",
        "use",
        "from",
        "codes",
        "page",
        "group",
        "repeat",
        "alternative",
        "field",
        "computed",
        "info",
        "rule",
        "test",
        "optional",
        "readonly",
        "warning",
        "required",
        "when",
        "hint",
        "message",
        "item",
        "default",
        "min",
        "max",
        "step",
        "min_length",
        "max_length",
        "min_selected",
        "max_selected",
        "pattern",
        "max_size",
        "accept",
        "autocomplete",
        "on",
        "label",
        "meta",
        "given",
        "today",
        "expect",
        "valid",
        "invalid",
        "and",
        "or",
        "not",
        "in",
        "true",
        "false",
        "null",
        "year",
        "years",
        "month",
        "months",
        "week",
        "weeks",
        "day",
        "days",
    }
)


def snake(text: str, fallback: str = "feld") -> str:
    """`text` as a readable identifier: at most five words, forty characters."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(_GERMAN))
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii").lower()
    words = [w for w in re.split(r"[^a-z0-9]+", ascii_text) if w]
    kept = [w for w in words if w not in _FILLER] or words
    name = ""
    for word in kept[:MAX_WORDS]:
        candidate = f"{name}_{word}" if name else word
        if len(candidate) > MAX_LENGTH and name:
            break
        name = candidate[:MAX_LENGTH]
    name = name.strip("_") or fallback
    if name[0].isdigit():
        name = f"{fallback}_{name}"
    return f"{name}_" if name in KEYWORDS else name


def label_source(label: str, short_name: str) -> str:
    """The text to name an element after: its label, or FIM's short name if the label is a sentence."""
    if len(label.split()) <= 4 or len(short_name.split()) >= len(label.split()):
        return label
    return short_name


class Namer:
    """Unique names within one scope."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, wanted: str) -> str:
        name, number = wanted, 2
        while name in self.used:
            name = f"{wanted}_{number}"
            number += 1
        self.used.add(name)
        return name
