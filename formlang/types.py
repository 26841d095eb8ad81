"""Static types of the expression language, and the field types that carry them.

Used by the resolver to type-check conditions, computed values and rules, and
later by every target to know what a value is. A `Type` is a value type
(text, integer, date, a code of a given list, a list of something); a
`FieldKind` is what an author writes after `field name:`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Kind(enum.Enum):
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    MONEY = "money"
    BOOLEAN = "boolean"
    DATE = "date"
    TIME = "time"
    DATETIME = "datetime"
    DURATION = "duration"
    CODE = "code"  # one code of a code list (choice)
    CODES = "codes"  # a set of codes of a code list (multichoice)
    FILE = "file"
    LIST = "list"  # values from the rows of a repeat, or a list literal
    ROWS = "rows"  # the rows of a repeat themselves (count(kinder))
    NULL = "null"
    ANY = "any"  # after an error: accepted everywhere, so one mistake is reported once


NUMERIC = frozenset({Kind.INTEGER, Kind.DECIMAL, Kind.MONEY})
ORDERED = NUMERIC | {Kind.DATE, Kind.TIME, Kind.DATETIME, Kind.DURATION}


@dataclass(frozen=True, slots=True)
class Type:
    kind: Kind
    codelist: str | None = None  # CODE / CODES: the code list's key
    item: Type | None = None  # LIST: the item type

    def describe(self) -> str:
        """The type in words, for messages: "a date", "a list of numbers"."""
        if self.kind is Kind.LIST and self.item is not None:
            return f"a list of {_PLURAL.get(self.item.kind, self.item.kind.value + ' values')}"
        return _WORDS[self.kind]

    @property
    def is_numeric(self) -> bool:
        return self.kind in NUMERIC

    def __str__(self) -> str:
        return self.describe()


_WORDS = {
    Kind.TEXT: "a text",
    Kind.INTEGER: "a whole number",
    Kind.DECIMAL: "a number",
    Kind.MONEY: "an amount of money",
    Kind.BOOLEAN: "a yes/no value",
    Kind.DATE: "a date",
    Kind.TIME: "a time",
    Kind.DATETIME: "a date and time",
    Kind.DURATION: "a duration",
    Kind.CODE: "a choice",
    Kind.CODES: "a multiple choice",
    Kind.FILE: "a file",
    Kind.LIST: "a list",
    Kind.ROWS: "the rows of a repeat",
    Kind.NULL: "null",
    Kind.ANY: "a value",
}
_PLURAL = {
    Kind.TEXT: "texts",
    Kind.INTEGER: "whole numbers",
    Kind.DECIMAL: "numbers",
    Kind.MONEY: "amounts of money",
    Kind.BOOLEAN: "yes/no values",
    Kind.DATE: "dates",
    Kind.TIME: "times",
    Kind.DATETIME: "dates and times",
    Kind.CODE: "choices",
}

TEXT = Type(Kind.TEXT)
INTEGER = Type(Kind.INTEGER)
DECIMAL = Type(Kind.DECIMAL)
MONEY = Type(Kind.MONEY)
BOOLEAN = Type(Kind.BOOLEAN)
DATE = Type(Kind.DATE)
TIME = Type(Kind.TIME)
DATETIME = Type(Kind.DATETIME)
DURATION = Type(Kind.DURATION)
FILE = Type(Kind.FILE)
NULL = Type(Kind.NULL)
ANY = Type(Kind.ANY)
ROWS = Type(Kind.ROWS)


def list_of(item: Type) -> Type:
    return Type(Kind.LIST, item=item)


class FieldKind(enum.Enum):
    """The field types an author can write: `field name: <kind> "Label"`."""

    TEXT = "text"
    TEXTAREA = "textarea"
    INTEGER = "integer"
    DECIMAL = "decimal"
    MONEY = "money"
    BOOLEAN = "boolean"
    CONSENT = "consent"
    DATE = "date"
    TIME = "time"
    DATETIME = "datetime"
    EMAIL = "email"
    PHONE = "phone"
    URL = "url"
    POSTAL_CODE = "postal_code"
    IBAN = "iban"
    BIC = "bic"
    TAX_ID = "tax_id"
    CHOICE = "choice"
    MULTICHOICE = "multichoice"
    FILE = "file"

    @property
    def value_type(self) -> Type:
        return _VALUE_TYPES.get(self, TEXT)

    @property
    def is_text_like(self) -> bool:
        return self.value_type.kind is Kind.TEXT

    @property
    def is_free_text(self) -> bool:
        """Text fields whose length and pattern an author may constrain."""
        return self in FREE_TEXT


FREE_TEXT = frozenset(
    {FieldKind.TEXT, FieldKind.TEXTAREA, FieldKind.EMAIL, FieldKind.PHONE, FieldKind.URL}
)

_VALUE_TYPES = {
    FieldKind.INTEGER: INTEGER,
    FieldKind.DECIMAL: DECIMAL,
    FieldKind.MONEY: MONEY,
    FieldKind.BOOLEAN: BOOLEAN,
    FieldKind.CONSENT: BOOLEAN,
    FieldKind.DATE: DATE,
    FieldKind.TIME: TIME,
    FieldKind.DATETIME: DATETIME,
    FieldKind.FILE: FILE,
}

# Types a `computed` value may declare.
COMPUTED_KINDS = frozenset(
    {
        FieldKind.TEXT,
        FieldKind.INTEGER,
        FieldKind.DECIMAL,
        FieldKind.MONEY,
        FieldKind.BOOLEAN,
        FieldKind.DATE,
        FieldKind.TIME,
        FieldKind.DATETIME,
    }
)

FIELD_KINDS = {k.value: k for k in FieldKind}


def unify_numeric(a: Type, b: Type) -> Type:
    """The type of `a + b` for two numbers: money wins, then decimal."""
    if Kind.MONEY in (a.kind, b.kind):
        return MONEY
    if Kind.DECIMAL in (a.kind, b.kind):
        return DECIMAL
    return INTEGER


def assignable(value: Type, target: Type) -> bool:
    """Whether a value of type `value` may stand where `target` is expected."""
    if Kind.ANY in (value.kind, target.kind) or value.kind is Kind.NULL:
        return True
    if value.kind is target.kind:
        if value.kind in (Kind.CODE, Kind.CODES):
            return value.codelist == target.codelist or value.codelist is None
        if value.kind is Kind.LIST and value.item and target.item:
            return assignable(value.item, target.item)
        return True
    if target.kind is Kind.DECIMAL:
        return value.kind is Kind.INTEGER
    if target.kind is Kind.MONEY:
        return value.kind in (Kind.INTEGER, Kind.DECIMAL)
    return target.kind is Kind.TEXT and value.kind is Kind.CODE
