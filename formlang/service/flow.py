"""Filling in a form page by page, with the answers kept on the server (service stage).

The state of one person's application is a draft: the answers as read so far
(`data`), the page they are on, their language, and the files they uploaded.
A posted page replaces the answers of that page's parts only, so the pages
can be visited in any order; each page is checked on its own (the errors of
its parts), and everything is checked again on "check your answers" and on
"send". A page whose `when` does not hold for the answers is skipped.

These functions decide; `formlang.service.pages` talks HTTP.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from formlang import ir
from formlang.evaluate import Context, evaluate
from formlang.service.files import file_values
from formlang.service.library import Entry

SUMMARY = "_check"  # the `_page` of the check-your-answers page


@dataclass
class Draft:
    form_id: str
    lang: str
    page: str
    data: dict[str, Any] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # ref → description

    def to_json(self) -> dict[str, Any]:
        return {
            "form": self.form_id,
            "lang": self.lang,
            "page": self.page,
            "data": self.data,
            "files": self.files,
        }

    @classmethod
    def from_json(cls, state: dict[str, Any]) -> Draft:
        return cls(
            form_id=str(state["form"]),
            lang=str(state["lang"]),
            page=str(state["page"]),
            data=dict(state.get("data") or {}),
            files=dict(state.get("files") or {}),
        )


def names_on(entry: Entry, page: str | None) -> set[str]:
    """The data keys of one page's parts (all of them for a form without pages)."""
    elements: tuple[ir.Element, ...] = entry.form.ir.children
    if page is not None and entry.pages:
        elements = next((p.children for p in entry.pages if p.name == page), ())
    return {
        e.name for e in elements if isinstance(e, ir.Field | ir.Group | ir.Repeat | ir.Alternative)
    }


def first_page(entry: Entry) -> str:
    return entry.pages[0].name if entry.pages else ""


def visible_pages(
    entry: Entry, effective: dict[str, Any], today: dt.date | None = None
) -> list[str]:
    """The pages to show for these answers (a page's `when` decides)."""
    shown = []
    context = Context(data=effective, today=today or dt.date.today())
    for page in entry.pages:
        if page.when is None:
            shown.append(page.name)
            continue
        try:
            if evaluate(page.when, context) is True:
                shown.append(page.name)
        except (TypeError, ValueError, ArithmeticError, KeyError):
            continue
    return shown or [first_page(entry)]


def neighbour(pages: list[str], page: str, step: int) -> str | None:
    if page not in pages:
        return pages[0] if pages else None
    index = pages.index(page) + step
    return pages[index] if 0 <= index < len(pages) else None


def merge(draft: Draft, entry: Entry, page: str, posted: dict[str, Any]) -> None:
    """The answers of `page` (and only those) become what was posted."""
    for name in names_on(entry, page or None):
        if name in posted:
            draft.data[name] = posted[name]
        else:
            draft.data.pop(name, None)


def page_of(entry: Entry, pointer: str) -> str:
    """The page that holds the data at a JSON pointer (`/hunde/0/name` → "hunde")."""
    top = pointer.strip("/").split("/", 1)[0]
    for page in entry.pages:
        if top in names_on(entry, page.name):
            return page.name
    return first_page(entry)


def errors_on(entry: Entry, page: str | None, errors: Any) -> list[Any]:
    """The errors (not warnings) that belong to one page; all of them with `page=None`."""
    shown = [e for e in errors if e.severity == "error"]
    if page is None or not entry.pages:
        return shown
    names = names_on(entry, page)
    last = entry.pages[-1].name
    return [
        e
        for e in shown
        if (e.path.strip("/").split("/", 1)[0] in names) or (not e.path and page == last)
    ]


def first_page_with_errors(entry: Entry, errors: Any) -> str:
    for page in entry.pages:
        if errors_on(entry, page.name, errors):
            return page.name
    return entry.pages[-1].name if entry.pages else ""


def keep_known_files(draft: Draft, posted: dict[str, Any]) -> None:
    """A file named by a page must be one this draft uploaded: others are dropped,
    and a known one is described as the service stored it, not as the page said."""
    for pointer, value in list(file_values(posted)):
        known = draft.files.get(str(value.get("ref", "")))
        _replace(posted, pointer, dict(known) if known else None)


def _replace(data: Any, pointer: str, value: Any) -> None:
    steps = pointer.strip("/").split("/")
    here = data
    for step in steps[:-1]:
        here = here[int(step)] if isinstance(here, list) else here[step]
    last = steps[-1]
    if isinstance(here, list):
        here[int(last)] = value if value is not None else {}
    elif value is None:
        here.pop(last, None)
    else:
        here[last] = value


def file_refs(data: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """(pointer, ref) of every stored file in effective data."""
    return tuple((p, str(v["ref"])) for p, v in file_values(data) if v.get("ref"))
