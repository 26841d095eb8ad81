"""The pieces of the HTML view model: plain records the templates read (renderer stage).

`formlang.html_view` fills them from the IR; the HTML templates and the PDF
renderer read them. They hold text and flags only, no logic of the form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape


class Extra(dict[str, Any]):
    """What only some templates need; read as attributes, None when not set.

    Attribute access is what Jinja tries first: a plain dict would cost it an
    exception for every lookup.
    """

    __getattr__ = dict.get


class Words(dict[str, str]):
    """The fixed wording (`formlang.html_texts`), read as attributes by the templates."""

    def __getattr__(self, name: str) -> str:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class Option:
    value: str
    label: str
    id: str
    checked: bool = False
    lang: str | None = None  # the label's language, when it is not the page's


@dataclass
class Part:
    """One input of a date or date-and-time field."""

    name: str
    id: str
    label: str
    value: str
    width: str
    autocomplete: str | None = None
    inputmode: str | None = "numeric"


@dataclass
class View:
    """One element on the page. `template` names the macro that renders it."""

    template: str  # input textarea radios checkboxes select date datetime consent file computed
    # … group repeat alternative info
    id: str
    pointer: str = ""
    name: str = ""
    label: str = ""
    hint: str | None = None
    error: str | None = None
    note: str | None = None  # when the element is to be answered, in words
    optional: bool = False
    kind: str = ""
    value: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)
    options: list[Option] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    children: list[View] = field(default_factory=list)
    rows: list[View] = field(default_factory=list)
    template_row: View | None = None
    when: str | None = None  # an info text's condition as a rule-program expression (JSON)
    extra: Extra = field(default_factory=lambda: Extra())

    @property
    def html_attrs(self) -> Markup:
        """`attrs` as HTML attributes, escaped; those that are None or False are left out."""
        return Markup(
            "".join(
                f' {name}="{escape(name if value is True else value)}"'
                for name, value in self.attrs.items()
                if value is not None and value is not False
            )
        )

    @property
    def described_by(self) -> str:
        """The ids of the element's note, hint and error message (shown when there is one)."""
        ids = f"{self.id}-note " if self.note else ""
        ids += f"{self.id}-hint " if self.hint else ""
        return f"{ids}{self.id}-error"


@dataclass
class Section:
    """A page of the form."""

    name: str
    id: str
    heading: str | None
    hint: str | None
    note: str | None
    when: str | None
    children: list[View]


@dataclass
class Context:
    lang: str
    prefix: str
    errors: dict[str, str]  # pointer -> the first error message there
    anchors: dict[str, str] = field(default_factory=dict)  # pointer -> id of its first input
