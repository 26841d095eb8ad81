"""The compiled form handed to users: the IR plus its schema and validator, built on demand.

`formlang.load()` returns a `Form`. It keeps the IR (`form.ir`) as the model
every target reads, and caches what is compiled from it, so a service that
loads a form once validates many submissions without recompiling.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any

from formlang import ir


class Form:
    def __init__(self, model: ir.Form) -> None:
        self.ir = model
        self._programs: dict[str, str] = {}  # the browser's rule program, per language
        self._blanks: dict[tuple[str, bool], bytes] = {}  # blank PDFs, per language and kind

    @property
    def id(self) -> str:
        return self.ir.id

    @property
    def version(self) -> str | None:
        return self.ir.version

    @property
    def languages(self) -> tuple[str, ...]:
        return self.ir.languages

    def title(self, lang: str | None = None) -> str:
        text = self.ir.title
        return text.get(lang or self.ir.default_language) if text else self.ir.id

    @functools.cached_property
    def fingerprint(self) -> str:
        from formlang.program import fingerprint

        return fingerprint(self.ir)

    @functools.cached_property
    def validator(self) -> Any:
        from formlang.validate import Validator

        return Validator(self.ir)

    def schema(self, lang: str | None = None) -> dict[str, Any]:
        """The JSON Schema (draft 2020-12 with `x-formlang`), titles in `lang`."""
        if lang is None or lang == self.ir.default_language:
            return self.validator.schema  # type: ignore[no-any-return]
        from formlang.schema import compile_schema

        return compile_schema(self.ir, lang)

    def validate(self, data: Any, lang: str | None = None, today: dt.date | None = None) -> Any:
        """The verdict on a submission: `result.ok`, `result.errors`, `result.data`."""
        return self.validator.validate(data, lang=lang, today=today)

    def render_html(
        self,
        lang: str | None = None,
        data: dict[str, Any] | None = None,
        errors: Any = None,
        page: str | None = None,
        action: str = "",
        hidden_fields: Mapping[str, str] | None = None,
        fragment: bool = False,
        assets: str = "",
        id_prefix: str = "fl-",
    ) -> str:
        """The form as accessible HTML, with `data` and `errors` shown back when given.

        `errors` are a `ValidationResult`'s errors (or the result itself); the
        computed values shown are those of the effective data of `data`. `id_prefix`
        starts every `id` of the markup: two forms on one portal page need two prefixes.
        """
        from formlang.html_render import program_json, render_html

        language = lang or self.ir.default_language
        if language not in self._programs and language in self.languages:
            self._programs[language] = program_json(self.ir, language)
        computed = None
        if errors is not None and hasattr(errors, "errors"):
            computed, errors = errors.data, errors.errors
        if computed is None and data is not None:
            computed = self.validate(data, lang=lang).data
        return render_html(
            self.ir,
            lang,
            data=data,
            errors=errors,
            page=page,
            action=action,
            hidden_fields=hidden_fields,
            fragment=fragment,
            assets=assets,
            id_prefix=id_prefix,
            computed=computed,
            program=self._programs.get(language),
        )

    def render_summary(
        self,
        data: dict[str, Any],
        lang: str | None = None,
        action: str = "",
        hidden_fields: Mapping[str, str] | None = None,
        fragment: bool = False,
        assets: str = "",
        id_prefix: str = "fl-",
    ) -> str:
        """ "Check your answers" for the effective data of a valid submission."""
        from formlang.html_render import render_summary

        return render_summary(
            self.ir,
            data,
            lang,
            action=action,
            hidden_fields=hidden_fields,
            fragment=fragment,
            assets=assets,
            id_prefix=id_prefix,
        )

    def render_pdf(
        self,
        data: dict[str, Any] | None = None,
        lang: str | None = None,
        archive: bool = False,
        fillable: bool = False,
        submitted_at: str | dt.datetime | None = None,
        submission_id: str | None = None,
        today: dt.date | None = None,
    ) -> bytes:
        """The form as PDF: blank (or `fillable`) without `data`, else the filled submission.

        A filled submission shows the effective data of `data` (visible answers,
        computed values), tagged PDF/UA-1; `archive=True` makes it PDF/A-3b with
        the effective data embedded as `<form-id>.submission.json`. A blank form depends on
        nothing but the form and the language: it is rendered once and kept.
        """
        from formlang.pdf_render import render_blank, render_filled

        if data is None:
            key = (lang or self.ir.default_language, fillable)
            if key not in self._blanks:
                self._blanks[key] = render_blank(self.ir, lang, fillable=fillable)
            return self._blanks[key]
        effective = self.validate(data, lang=lang, today=today).data
        return render_filled(
            self.ir,
            effective,
            lang,
            archive=archive,
            submitted_at=submitted_at,
            submission_id=submission_id,
        )

    def read_pdf(self, pdf: Any, lang: str | None = None) -> dict[str, Any]:
        """The submission in a filled fillable PDF (bytes, a path or a binary file); not validated."""
        from formlang.pdf_extract import extract

        return extract(self.ir, pdf, lang)

    def read_html(self, pairs: Any, lang: str | None = None) -> tuple[dict[str, Any], str]:
        """A posted page (name/value pairs) as a submission, and the button that sent it."""
        from formlang.html_input import decode

        return decode(self.ir, pairs, lang or self.ir.default_language)

    def __repr__(self) -> str:
        return f"<Form {self.ir.id} {self.ir.version} from {self.ir.path}>"
