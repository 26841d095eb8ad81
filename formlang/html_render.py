"""The HTML renderer: a form as a standalone page or an embeddable fragment (renderer stage).

Jinja2 templates from `renderers/html/templates/` with autoescape and
StrictUndefined fill in the view model of `formlang.html_view`; the page
carries the browser's rule program as a JSON data block (never as a script
that runs, so a strict Content Security Policy holds) and loads the one
script `renderers/html/static/formlang.js` from a file.

- `render_html(form, lang, data, errors, page, action, hidden_fields,
  fragment)` renders the form, with values and errors shown back when given
  (what the form service does after a submission);
- `render_summary(form, data, lang, …)` renders "check your answers": every
  answer in words, a link to change it, and the answers as hidden inputs
  that the final "send" submits again, so the server sees and checks them once more;
- `write_html(form, out, lang, fragment)` writes a page and its assets.
"""

from __future__ import annotations

import functools
import json
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from formlang import ir
from formlang._data import data_path
from formlang.html_model import Section, Words
from formlang.html_texts import locale, show_value, texts
from formlang.html_view import ViewBuilder

ASSETS = ("formlang.css", "formlang.js")


@functools.cache
def _environment() -> Any:
    import jinja2

    root = data_path("renderers") / "html" / "templates"
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def static_dir() -> Path:
    return data_path("renderers") / "html" / "static"


def render_html(
    form: ir.Form,
    lang: str | None = None,
    data: Mapping[str, Any] | None = None,
    errors: Iterable[Any] | None = None,
    page: str | None = None,
    action: str = "",
    hidden_fields: Mapping[str, str] | None = None,
    fragment: bool = False,
    assets: str = "",
    id_prefix: str = "fl-",
    computed: Mapping[str, Any] | None = None,
    program: str | None = None,
) -> str:
    """The form as HTML: a whole document, or with `fragment=True` a `<div>` to embed.

    `data` is a submission (values are shown back), `errors` the errors of a
    `ValidationResult` (or their `to_json()` dicts), `page` the name of the one
    page to show (all pages when None), `assets` the URL prefix of formlang.css
    and formlang.js, `computed` the effective data whose computed values are shown,
    `program` the form's `program_json` when the caller keeps it (it is the same every time).
    """
    lang = _language(form, lang)
    problems = [_problem(e) for e in errors or ()]
    shown = [p for p in problems if p["severity"] == "error"]
    inline: dict[str, str] = {}
    for problem in shown:
        inline.setdefault(problem["path"], problem["message"])
    builder = ViewBuilder(form, lang, inline, id_prefix)
    values = _merge_computed(dict(data or {}), computed)
    sections = builder.sections(values, only=page)
    summary = [{"message": p["message"], "href": builder.ctx.anchors.get(p["path"])} for p in shown]
    view = _page_view(form, lang, sections, id_prefix)
    view.update(
        summary=summary,
        action=action,
        hidden=sorted((hidden_fields or {}).items()),
        multipart=any(e.kind.value == "file" for e in _fields(form)),
        program=program or program_json(form, lang),
        assets=assets,
        fragment=fragment,
    )
    name = "fragment.html.j2" if fragment else "page.html.j2"
    return str(_environment().get_template(name).render(view=view, t=Words(texts(lang))))


def render_summary(
    form: ir.Form,
    data: Mapping[str, Any],
    lang: str | None = None,
    action: str = "",
    hidden_fields: Mapping[str, str] | None = None,
    fragment: bool = False,
    assets: str = "",
    id_prefix: str = "fl-",
) -> str:
    """ "Check your answers": each answer in words with a change link, then "send".

    `data` is the effective data of a valid submission (`result.data`).
    """
    from formlang.html_input import encode

    lang = _language(form, lang)
    builder = ViewBuilder(form, lang, {}, id_prefix)
    rows: list[dict[str, Any]] = []
    for section in builder.sections(dict(data)):
        rows.append({"heading": section.heading, "answers": _answers(section, lang)})
    view = _page_view(form, lang, [], id_prefix)
    view.update(
        action=action,
        groups=rows,
        # pairs, not a dict: a multiple choice posts one pair per answer
        hidden=[*sorted((hidden_fields or {}).items()), *encode(form, data, lang)],
        assets=assets,
        fragment=fragment,
    )
    template = _environment().get_template("summary.html.j2")
    return str(template.render(view=view, t=Words(texts(lang))))


def write_html(
    form: ir.Form, out: Path, lang: str | None = None, fragment: bool = False
) -> list[Path]:
    """Writes `<id>.html` (or `<id>.fragment.html`) and the assets into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    suffix = "fragment.html" if fragment else "html"
    language = _language(form, lang)
    name = form.id if language == form.default_language else f"{form.id}.{language}"
    target = out / f"{name}.{suffix}"
    target.write_text(render_html(form, language, fragment=fragment), encoding="utf-8")
    written = [target]
    for asset in ASSETS:
        shutil.copyfile(static_dir() / asset, out / asset)
        written.append(out / asset)
    return written


# ---- pieces ---------------------------------------------------------------------------------


def _language(form: ir.Form, lang: str | None) -> str:
    if lang is None:
        return form.default_language
    if lang not in form.languages:
        raise ValueError(
            f"the form {form.id!r} has no language {lang!r}; it has {', '.join(form.languages)}"
        )
    return lang


def _page_view(form: ir.Form, lang: str, sections: list[Section], prefix: str) -> dict[str, Any]:
    def text(value: ir.Text | None) -> str | None:
        return value.get(lang) if value is not None else None

    return {
        "form_id": form.id,
        "lang": lang,
        "title": text(form.title) or form.id,
        "description": text(form.description),
        "authority": text(form.authority),
        "legal": text(form.legal),
        "sections": sections,
        "prefix": prefix,
        "summary": [],
    }


def _problem(error: Any) -> dict[str, Any]:
    if isinstance(error, Mapping):
        return {
            "path": str(error.get("path", "")),
            "message": str(error.get("message", "")),
            "severity": str(error.get("severity", "error")),
        }
    return {"path": error.path, "message": error.message, "severity": error.severity}


def _fields(form: ir.Form) -> list[ir.Field]:
    return [e for e in ir.walk(form.children) if isinstance(e, ir.Field)]


def _merge_computed(data: dict[str, Any], computed: Mapping[str, Any] | None) -> dict[str, Any]:
    """The submission with the computed values of the effective data put in."""
    if not computed:
        return data

    def merge(target: Any, source: Any) -> Any:
        if isinstance(target, dict) and isinstance(source, Mapping):
            out = dict(target)
            for key, value in source.items():
                out[key] = merge(out.get(key), value) if key in out else value
            return out
        if isinstance(target, list) and isinstance(source, list):
            return [merge(t, s) for t, s in zip(target, source, strict=False)] + target[
                len(source) :
            ]
        return target

    return dict(merge(data, computed))


# How formlang.js finds its way around the page these templates render: selectors, classes
# and attributes, sent with the program ("ui") so that the script need not spell them.
_WIRING: dict[str, Any] = {
    "root": "[data-fl-root]",
    "summary": "[data-fl-error-summary]",
    "path": "[data-fl-path]",
    "reads": "[data-fl-kind]:not(.fl-computed)",  # the inputs of a field, read into the data
    "controls": "input:not([type=hidden]),select,textarea",
    "inputs": "input,select,textarea",
    "checked": "input:checked",
    "kept": "[type=hidden]",  # the description of a file already uploaded
    "media": "application/octet-stream",  # a file's media type when the browser names none
    "hidden": "[hidden],template",
    "row": "[data-fl-row]",
    "rows": "[data-fl-rows]",
    "repeat": "[data-fl-repeat]",
    "template": ":scope>template",
    "button": "[data-fl-add],[data-fl-remove]",
    "add": ":scope>[data-fl-add]",
    "remove": ":scope>[data-fl-remove]",
    "renumbered": [  # the attributes that name a row's index
        "name",
        "id",
        "for",
        "value",
        "aria-describedby",
        "aria-labelledby",
        "data-fl-path",
        "data-fl-scope",
    ],
    "alternative": "[data-fl-alternative]",
    "branch": "[data-fl-branch]",
    "when": "[data-fl-when]",
    "output": "output[data-fl-computed]",
    "message": ".fl-error-message",
    "messageOf": ":scope>.fl-error-message,:scope>fieldset>.fl-error-message",
    "boxes": ":scope.fl-field :is(.fl-input,select,textarea)",  # a field's inputs, marked wrong
    "marked": ".fl-field--error,[aria-invalid]",
    "marks": ["fl-field--error", "fl-input--error"],
    "invalid": "aria-invalid",
    "unseen": "fl-visually-hidden",
    "js": "fl-js",
}
# The Intl options that write a computed value of a kind as html_texts.show_value does.
_FORMATS = {
    "money": {"style": "currency", "currency": "EUR"},
    "decimal": {"maximumFractionDigits": 20},
    "integer": {"maximumFractionDigits": 20},
    "date": {"dateStyle": "long", "timeZone": "UTC"},
}


def program_json(form: ir.Form, lang: str) -> str:
    """The browser's program, wording and wiring as JSON that cannot end its `<script>`."""
    from formlang.client_program import client_program

    words = texts(lang)
    shown = {e.type.kind.value for e in ir.walk(form.children) if isinstance(e, ir.Computed)}
    payload = {
        "program": client_program(form, lang),
        "texts": {k: words[k] for k in ("error_prefix", "remove", "yes", "no")},
        "ui": {
            **_WIRING,
            "formats": {kind: _FORMATS[kind] for kind in sorted(shown) if kind in _FORMATS},
            "locale": locale(lang).replace("_", "-"),
        },
    }
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _answers(section: Section, lang: str) -> list[dict[str, Any]]:
    """The rows of the check-your-answers list of one page."""
    out: list[dict[str, Any]] = []

    def visit(views: list[Any], context: str) -> None:
        for view in views:
            if view.template in ("group", "alternative"):
                visit(view.children, context)
            elif view.template == "repeat":
                for row in view.rows:
                    visit(row.children, row.label)
            elif view.template not in ("info", "row") and view.pointer:
                answer = _answer(view, lang)
                if answer is not None:
                    label = f"{context}: {view.label}" if context else view.label
                    out.append({"label": label, "value": answer, "pointer": view.pointer})

    visit(section.children, "")
    return out


def _answer(view: Any, lang: str) -> str | None:
    if view.template in ("radios", "select", "checkboxes"):
        chosen = [o.label for o in view.options if o.checked]
        return ", ".join(chosen) or None
    if view.template == "consent":
        return texts(lang)["yes"] if view.extra.get("checked") else None
    if view.template == "file":
        kept = view.extra.get("kept")
        return str(kept.get("name")) if kept else None
    if view.template == "date":
        parts = {p.name.rsplit("-", 1)[1]: p.value for p in view.parts}
        if not parts["year"]:
            return None
        value = f"{parts['year']}-{parts['month']}-{parts['day']}"
        if "time" in parts:
            value += f"T{parts['time']}"
        return show_value(view.kind, value, lang)
    if view.template == "computed":
        return view.value or None
    raw = view.value
    if not raw:
        return None
    if view.kind in ("money", "decimal"):
        raw = raw.replace(",", ".")
    return show_value(view.kind, raw, lang)
