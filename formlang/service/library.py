"""The forms the service offers: a library folder loaded and compiled once (service stage).

`Library.load(folder)` compiles every `.form` file below `folder/forms` (or
below `folder` when it has no `forms/`) that declares a form; modules are
imported by them, not offered. A form with errors is left out and its
diagnostics are kept for the log and the health endpoint, so one broken file
does not take the others down. A reload builds a new `Library` and swaps it
in whole; requests in flight finish with the one they started with.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from formlang import ir
from formlang.api import FormError, form_files, load
from formlang.form import Form
from formlang.service.records import NewSubmission

log = logging.getLogger("formlang.service")
CSRF_SLOT = "\x00csrf\x00"  # stands for the CSRF token in a cached page


@dataclass
class Entry:
    """One offered form and what is rendered from it once."""

    form: Form
    pages: tuple[ir.Page, ...]  # empty: a single-page form
    source: Path
    cache: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def id(self) -> str:
        return self.form.id

    def page_names(self) -> list[str]:
        return [p.name for p in self.pages]

    def page_title(self, name: str, lang: str) -> str:
        for page in self.pages:
            if page.name == name and page.label is not None:
                return page.label.get(lang)
        return self.form.title(lang)

    def new_submission(self, lang: str, data: dict[str, Any], **rest: Any) -> NewSubmission:
        """A submission of this form as it is now (its version and content hash)."""
        return NewSubmission(
            form_id=self.id,
            form_version=self.form.version,
            form_hash=self.form.fingerprint,
            lang=lang,
            data=data,
            **rest,
        )

    def cached(self, key: tuple[Any, ...], make: Any) -> Any:
        """`make()` once per key (pages, PDFs, schemas are the same every time)."""
        try:
            return self.cache[key]
        except KeyError:
            pass
        value = make()
        with self.lock:
            self.cache.setdefault(key, value)
        return self.cache[key]


@dataclass
class Library:
    folder: Path
    forms: dict[str, Entry]
    problems: dict[str, str]  # file → the first error, for forms left out
    mtimes: dict[Path, float]

    @classmethod
    def load(cls, folder: Path) -> Library:
        root = folder / "forms" if (folder / "forms").is_dir() else folder
        files, _ = form_files([root])
        forms: dict[str, Entry] = {}
        problems: dict[str, str] = {}
        for file in files:
            try:
                form = load(file, library=[folder])
            except FormError as exc:
                problems[str(file)] = str(exc).splitlines()[0]
                log.warning(
                    "form left out", extra={"file": str(file), "problem": problems[str(file)]}
                )
                continue
            except (OSError, RecursionError, ValueError) as exc:
                problems[str(file)] = f"{type(exc).__name__}: {exc}"
                continue
            if form.id in forms:
                problems[str(file)] = f"form id {form.id!r} is offered by {forms[form.id].source}"
                continue
            pages = tuple(e for e in form.ir.children if isinstance(e, ir.Page))
            forms[form.id] = Entry(form, pages, file)
        return cls(folder, dict(sorted(forms.items())), problems, _mtimes(folder))

    def get(self, form_id: str) -> Entry | None:
        return self.forms.get(form_id)

    def changed(self) -> bool:
        """Whether a file below the folder changed since loading (for `--reload`)."""
        return _mtimes(self.folder) != self.mtimes


def _mtimes(folder: Path) -> dict[Path, float]:
    out: dict[Path, float] = {}
    for pattern in ("*.form", "*.csv", "*.xml", "*.gc"):
        for file in folder.rglob(pattern):
            try:
                out[file] = file.stat().st_mtime
            except OSError:
                continue
    return out
