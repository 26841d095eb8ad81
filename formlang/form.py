"""The compiled form handed to users: the IR plus its schema and validator, built on demand.

`formlang.load()` returns a `Form`. It keeps the IR (`form.ir`) as the model
every target reads, and caches what is compiled from it, so a service that
loads a form once validates many submissions without recompiling.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from formlang import ir


class Form:
    def __init__(self, model: ir.Form) -> None:
        self.ir = model

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

    def __repr__(self) -> str:
        return f"<Form {self.ir.id} {self.ir.version} from {self.ir.path}>"
