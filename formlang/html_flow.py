"""One step of filling in a form on the server, without JavaScript (renderer stage).

What a form service does with a posted page, as one pure function, so the
service, the browser tests and anyone embedding forms share it:

- "add a row" and "remove a row" show the page again with one row more or
  less, checking nothing yet;
- "change" (from check-your-answers) shows the page again with the answers;
- otherwise the submission is validated: with errors, the page comes back
  with the error summary, the messages and the values as typed; without, the
  "check your answers" page follows; its "send" validates the answers once
  more and ends the step with the effective data to store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from formlang.html_input import apply_action, decode


@dataclass(frozen=True)
class Step:
    kind: str  # "form" (show this page) | "summary" (check your answers) | "done" (store it)
    html: str
    data: dict[str, Any]  # the submission as read; for "done" the effective data to store
    result: Any = None  # the ValidationResult, when the step validated


def respond(
    form: Any,
    pairs: Iterable[tuple[str, Any]],
    lang: str | None = None,
    today: dt.date | None = None,
    action: str = "",
    assets: str = "",
    fragment: bool = False,
    hidden_fields: Mapping[str, str] | None = None,
    id_prefix: str = "fl-",
) -> Step:
    """The answer to one posted page of `form` (a `formlang.Form`).

    `fragment` renders the form and the summary without the page around them (for a portal
    that embeds them); `hidden_fields` (a CSRF token, a session id) are carried in every
    form and summary rendered, so the next post brings them back; `id_prefix` starts every
    `id` (two forms on one page need two).
    """
    lang = lang or form.ir.default_language
    posted = list(pairs)
    data, button = decode(form.ir, posted, lang)
    page: dict[str, Any] = {
        "action": action,
        "assets": assets,
        "fragment": fragment,
        "hidden_fields": hidden_fields,
        "id_prefix": id_prefix,
    }
    if button.startswith(("add:", "remove:")):
        rows, _ = decode(form.ir, posted, lang, keep_empty_rows=True)
        apply_action(rows, button)
        return Step("form", form.render_html(lang, data=rows, **page), rows)
    if button.startswith("edit"):
        return Step("form", form.render_html(lang, data=data, **page), data)
    result = form.validate(data, lang=lang, today=today)
    if not result.ok:
        return Step("form", form.render_html(lang, data=data, errors=result, **page), data, result)
    if button == "send":
        return Step("done", "", result.data, result)
    summary = form.render_summary(result.data, lang, **page)
    return Step("summary", summary, data, result)
