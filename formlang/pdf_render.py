"""The PDF renderer: blank, fillable and filled forms printed by WeasyPrint (renderer stage).

Jinja2 templates from `renderers/pdf/templates/` (autoescape, StrictUndefined)
place the view model of `formlang.pdf_view`; `renderers/pdf/print.css` lays it
out on A4; WeasyPrint writes the PDF with the fonts of `renderers/pdf/fonts/`
embedded (DejaVu Sans Condensed: German and Sorbian letters).

- `render_blank(form, lang, fillable, rows)`: the blank print form, or with
  `fillable=True` the same form with AcroForm fields named by data path;
- `render_filled(form, data, lang, archive, …)`: the answers of a submission's
  effective data, tagged PDF/UA-1; with `archive=True` PDF/A-3b (tagged as
  well) with the data embedded as `<form-id>.submission.json`;
- `write_pdf(form, out, lang, …)`: one of these into `out/<form-id>.pdf`.

WeasyPrint reads nothing but the files below `renderers/pdf/` and the pictures
of the comb boxes that `formlang.pdf_view` draws: values are escaped text, never
markup, and the URL fetcher refuses every other address.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from formlang import ir
from formlang._data import data_path
from formlang.html_model import Words
from formlang.html_texts import texts
from formlang.pdf_filled import filled_sections
from formlang.pdf_view import BLANK_ROWS, FONT_FILES, blank_sections, comb_rules

ARCHIVE_VARIANT = "pdf/a-3b"
TAGGED_VARIANT = "pdf/ua-1"

WORDS: dict[str, dict[str, str]] = {
    "de": {
        "page": "Seite",
        "of": "von",
        "form": "Formular",
        "version": "Version",
        "enclosed": "Liegt bei",
        "signature_heading": "Unterschrift",
        "place_date": "Ort, Datum",
        "signature": "Unterschrift der antragstellenden Person",
        "nothing": "Es wurden keine Angaben gemacht.",
        "submitted": "Eingegangen am",
        "submission_id": "Vorgangsnummer",
        "record": "Angaben der Einreichung (JSON)",
    },
    "en": {
        "page": "Page",
        "of": "of",
        "form": "Form",
        "version": "version",
        "enclosed": "Enclosed",
        "signature_heading": "Signature",
        "place_date": "Place, date",
        "signature": "Signature of the applicant",
        "nothing": "No answers were given.",
        "submitted": "Received on",
        "submission_id": "Reference number",
        "record": "The submission's data (JSON)",
    },
}


def pdf_root() -> Path:
    return data_path("renderers") / "pdf"


def words(lang: str) -> Words:
    """The fixed wording of the HTML pages (`formlang.html_texts`) and of paper."""
    own = WORDS.get(lang.split("-")[0], WORDS["de"])
    return Words({**texts(lang), **own})


# ---- the pieces WeasyPrint needs, made once ------------------------------------------------


@functools.cache
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(pdf_root() / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@functools.cache
def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    allowed = (pdf_root().resolve().as_uri() + "/").lower()

    class LocalFetcher(URLFetcher):  # type: ignore[misc]
        """Fetches the renderer's own files (fonts), the comb boxes' pictures of the stylesheet
        (`data:image/svg+xml,…`) and nothing else."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            own = url.lower().startswith(allowed) and ".." not in url
            if not (own or url.startswith("data:image/svg+xml,")):
                raise ValueError(f"the PDF renderer fetches only its own files, not {url[:80]}")
            return super().fetch(url, headers)

    return LocalFetcher(allowed_protocols=("file", "data"))


@functools.cache
def _styles() -> tuple[Any, Any]:
    """The font configuration and the stylesheets, shared by every render."""
    from weasyprint import CSS  # type: ignore[import-untyped]
    from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]

    fonts = FontConfiguration()
    # dropped before the interpreter tears down the modules its destructor needs
    atexit.register(_styles.cache_clear)
    folder = pdf_root() / "fonts"
    faces = "".join(
        f'@font-face {{ font-family: "formlang Sans"; font-weight: {weight}; '
        f'src: url("{(folder / name).resolve().as_uri()}"); }}\n'
        for name, weight in FONT_FILES
    )
    text = faces + (pdf_root() / "print.css").read_text(encoding="utf-8") + comb_rules()
    sheet = CSS(string=text, font_config=fonts, url_fetcher=_fetcher(), base_url=str(pdf_root()))
    return fonts, sheet


# ---- rendering --------------------------------------------------------------------------------


def render_blank(
    form: ir.Form, lang: str | None = None, fillable: bool = False, rows: int = BLANK_ROWS
) -> bytes:
    """The blank print form; with `fillable`, with AcroForm fields named by data path."""
    language = _language(form, lang)
    view = _page(form, language)
    view.update(sections=blank_sections(form, language, rows), fillable=fillable)
    html = _environment().get_template("blank.html.j2").render(view=view, t=words(language))
    if fillable:
        return _write(html, pdf_forms=True, finisher=_radio_widgets)
    return _write(html)


def render_filled(
    form: ir.Form,
    data: Mapping[str, Any],
    lang: str | None = None,
    archive: bool = False,
    submitted_at: str | dt.datetime | None = None,
    submission_id: str | None = None,
) -> bytes:
    """The answers of `data` (a submission's effective data), tagged PDF/UA-1.

    With `archive`, PDF/A-3b (tagged too) with `data` embedded as JSON.
    """
    language = _language(form, lang)
    view = _page(form, language)
    moment = _moment(submitted_at)
    t = words(language)
    facts = []
    if moment is not None:
        facts.append((t["submitted"], _show_moment(moment, language)))
        # the PDF's dates need a time zone: of a naive moment only the day is certain
        view["created"] = moment.isoformat() if moment.tzinfo else moment.date().isoformat()
    if submission_id:
        facts.append((t["submission_id"], submission_id))
    view.update(sheets=filled_sections(form, dict(data), language), facts=facts)
    html = _environment().get_template("filled.html.j2").render(view=view, t=t)
    if not archive:
        return _write(html, pdf_variant=TAGGED_VARIANT)
    from weasyprint import Attachment

    record = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
    stamp = moment or dt.datetime.now(dt.UTC)
    attachment = Attachment(
        string=record,
        name=f"{form.id}.submission.json",
        description=t["record"],
        relationship="Source",
        created=stamp,
        modified=stamp,
    )
    return _write(html, pdf_variant=ARCHIVE_VARIANT, pdf_tags=True, attachments=[attachment])


def write_pdf(
    form: ir.Form,
    out: Path,
    lang: str | None = None,
    data: Mapping[str, Any] | None = None,
    archive: bool = False,
    fillable: bool = False,
) -> Path:
    """Writes `out/<form-id>.pdf` (`<form-id>.<lang>.pdf` for another language than the first)."""
    out.mkdir(parents=True, exist_ok=True)
    language = _language(form, lang)
    name = form.id if language == form.default_language else f"{form.id}.{language}"
    if data is not None:
        content = render_filled(form, data, language, archive=archive)
    else:
        content = render_blank(form, language, fillable=fillable)
    target = out / f"{name}.pdf"
    target.write_bytes(content)
    return target


def _write(html: str, finisher: Any = None, **options: Any) -> bytes:
    fonts, sheet = _styles()
    pdf: bytes = _document(html).write_pdf(
        stylesheets=[sheet], font_config=fonts, finisher=finisher, **options
    )
    return pdf


def _radio_widgets(document: Any, pdf: Any) -> None:
    """Makes the buttons of a radio group plain widgets of their group field.

    WeasyPrint gives each button the group's name (`/T`) as well, so readers see
    one field per button with the group's name; a button of a group is only a
    widget (ISO 32000-1, 12.7.3.1). The group's `/Opt` keeps the codes as the
    export values of its buttons.
    """
    for item in pdf.objects:
        if isinstance(item, dict) and item.get("Subtype") == "/Widget" and "Parent" in item:
            for key in ("T", "TU", "FT"):
                item.pop(key, None)


# ---- the document, without WeasyPrint's HTML parser ----------------------------------------------
#
# Two costs of WeasyPrint that our own markup does not need (about a quarter of a blank form's
# render, see benchmarks/README.md): tinyhtml5 parsing the HTML string, and the user-agent
# stylesheet's rules for the pseudo-elements of every element (`::marker`, `::footnote-call`,
# …), which make WeasyPrint compute six extra styles per element. Avoiding them means relying on
# two details of WeasyPrint that are not documented API: the attributes `HTML.__init__` sets and
# its `_ua_stylesheets` hook. They are used here and nowhere else; tests/test_pdf_fastpath.py
# checks that the PDFs are byte for byte those of `HTML(string=…)` and fails loudly when
# WeasyPrint changes either detail (pyproject.toml pins the WeasyPrint versions checked).


def _document(html: str) -> Any:
    """WeasyPrint's document of `html`: parsed by expat when it is well-formed XML (the templates
    write XHTML-style markup), otherwise by WeasyPrint itself (`HTML(string=…)`)."""
    from xml.etree import ElementTree

    from weasyprint import HTML

    try:
        root = ElementTree.fromstring(html)
    except ElementTree.ParseError:
        return HTML(string=html, url_fetcher=_fetcher(), base_url=str(pdf_root()))
    # the base URL as WeasyPrint makes it from a folder's path
    return _tree_document()(root, _fetcher(), pdf_root().absolute().as_uri() + "/")


@functools.cache
def _tree_document() -> Any:
    """A WeasyPrint `HTML` made from a parsed tree, with the lighter user-agent stylesheet."""
    import cssselect2  # type: ignore[import-untyped]
    from weasyprint import HTML
    from weasyprint.html import UA_FORM_STYLESHEET  # type: ignore[import-untyped]

    user_agent = _user_agent_sheet()

    class TreeHTML(HTML):  # type: ignore[misc]
        def __init__(self, root: Any, url_fetcher: Any, base_url: str) -> None:
            # what HTML.__init__ sets after parsing; the markup has no <base>
            self.base_url = base_url
            self.url_fetcher = url_fetcher
            self.media_type = "print"
            self.wrapper_element = cssselect2.ElementWrapper.from_html_root(
                root, content_language=None
            )
            self.etree_element = self.wrapper_element.etree_element

        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return [user_agent, UA_FORM_STYLESHEET] if forms else [user_agent]

    return TreeHTML


def user_agent_text() -> str:
    """WeasyPrint's user-agent stylesheet with the rules for every element's pseudo-elements
    narrowed: `::marker` to list items, the footnote and note rules left out (the templates have
    no footnotes)."""
    from importlib.resources import files

    import weasyprint.css  # type: ignore[import-untyped]

    text = (files(weasyprint.css) / "html5_ua.css").read_text("utf-8")
    text = re.sub(r"^::marker\b", "li::marker", text, flags=re.MULTILINE)
    return re.sub(r"^::(?:footnote|note)-[\w-]+ *\{[^}]*\}\n", "", text, flags=re.MULTILINE)


def _user_agent_sheet() -> Any:
    from weasyprint import CSS
    from weasyprint.css.counters import CounterStyle  # type: ignore[import-untyped]

    return CSS(string=user_agent_text(), counter_style=CounterStyle())


# ---- pieces -------------------------------------------------------------------------------------


def _language(form: ir.Form, lang: str | None) -> str:
    if lang is None:
        return form.default_language
    if lang not in form.languages:
        raise ValueError(
            f"the form {form.id!r} has no language {lang!r}; it has {', '.join(form.languages)}"
        )
    return lang


def _page(form: ir.Form, lang: str) -> dict[str, Any]:
    def text(value: ir.Text | None) -> str | None:
        return value.get(lang) if value is not None else None

    title = text(form.title) or form.id
    return {
        "form_id": form.id,
        "version": form.version,
        "lang": lang,
        "title": title,
        "subject": text(form.description) or title,
        "authority": text(form.authority),
        "legal": text(form.legal),
        "created": None,
        "facts": [],
    }


def _moment(value: str | dt.datetime | None) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"submitted_at {value!r} is not an ISO date and time") from None


def _show_moment(moment: dt.datetime, lang: str) -> str:
    from babel import dates

    where = "de_DE" if lang.startswith("de") else "en_GB"
    pattern = "d. MMMM y, HH:mm" if lang.startswith("de") else "d MMMM y, HH:mm"
    return str(dates.format_datetime(moment, pattern, locale=where))
