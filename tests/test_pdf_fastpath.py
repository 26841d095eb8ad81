"""The PDF renderer's shortcut past two costs of WeasyPrint (`formlang.pdf_render._document`):
its HTML parser (our templates write well-formed markup, which expat parses) and the user-agent
rules for the pseudo-elements of every element. The shortcut must print the very same bytes as
WeasyPrint's own `HTML(string=…)`, every template must take it, and the two WeasyPrint details
it relies on must still be there. When a WeasyPrint release changes them these tests fail:
check the shortcut against the new release and widen the pin in pyproject.toml, or remove it.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable
from importlib.resources import files
from typing import Any

import pytest
import weasyprint  # type: ignore[import-untyped]
from pdf_samples import LIBRARY_FORMS, sample
from pypdf import PdfReader

import formlang
from formlang import pdf_render
from formlang.pdf_render import render_blank, render_filled, user_agent_text

IDS = [p.stem for p in LIBRARY_FORMS]


def _weasyprint_parses(html: str) -> Any:
    """The documented way: WeasyPrint parses the markup (tinyhtml5) with its own stylesheets."""
    return weasyprint.HTML(
        string=html, url_fetcher=pdf_render._fetcher(), base_url=str(pdf_render.pdf_root())
    )


def _renders(form: formlang.Form) -> dict[str, Callable[[], bytes]]:
    data, today = sample(form)
    effective = form.validate(data, today=today).data
    return {
        "blank": lambda: render_blank(form.ir),
        "fillable": lambda: render_blank(form.ir, fillable=True),
        "filled": lambda: render_filled(form.ir, effective, submission_id="X-1"),
        "archive": lambda: render_filled(
            form.ir, effective, archive=True, submitted_at="2025-06-01T10:15:00"
        ),
    }


@pytest.mark.parametrize("name", IDS)
def test_the_shortcut_prints_the_bytes_weasyprint_prints_from_the_html_string(
    name: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="weasyprint")
    form = formlang.load(next(p for p in LIBRARY_FORMS if p.stem == name))
    kinds: list[type] = []

    def spied(html: str) -> Any:
        document = shortcut(html)
        kinds.append(type(document))
        return document

    shortcut = pdf_render._document
    renders = _renders(form)
    monkeypatch.setattr(pdf_render, "_document", spied)
    fast = {kind: render() for kind, render in renders.items()}
    monkeypatch.setattr(pdf_render, "_document", _weasyprint_parses)
    for kind, render in renders.items():
        assert fast[kind] == render(), f"{name} {kind}: the shortcut printed other bytes"
    # every template's markup is well-formed, so none fell back to WeasyPrint's parser
    assert kinds == [pdf_render._tree_document()] * len(renders)
    # nor did WeasyPrint skip anything: a picture it may not fetch, a rule it does not know
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []


def test_markup_that_is_not_well_formed_is_parsed_by_weasyprint() -> None:
    html = '<html lang="de"><title>t</title><p>Erste Zeile<br>zweite Zeile'
    document = pdf_render._document(html)
    assert type(document) is weasyprint.HTML
    text = PdfReader(io.BytesIO(pdf_render._write(html))).pages[0].extract_text()
    assert "Erste Zeile\nzweite Zeile" in text


def test_the_tree_document_sets_what_weasyprints_html_sets() -> None:
    html = '<html lang="de"><head><title>t</title></head><body><p>Text</p></body></html>'
    theirs = _weasyprint_parses(html)
    ours = pdf_render._document(html)
    assert type(ours) is pdf_render._tree_document()
    assert set(vars(ours)) == set(vars(theirs)), "WeasyPrint's HTML.__init__ sets other attributes"
    for name in ("base_url", "media_type"):
        assert getattr(ours, name) == getattr(theirs, name)
    assert ours.etree_element.tag == theirs.etree_element.tag == "html"


def test_weasyprint_asks_the_document_for_its_user_agent_stylesheets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tree_document = pdf_render._tree_document()
    asked: list[bool] = []
    original = tree_document._ua_stylesheets

    def counted(self: Any, forms: bool = False) -> list[Any]:
        asked.append(bool(forms))
        return original(self, forms)  # type: ignore[no-any-return]

    monkeypatch.setattr(tree_document, "_ua_stylesheets", counted)
    pdf_render._write("<html><title>t</title><p>Text</p></html>")
    pdf_render._write("<html><title>t</title><p>Text</p></html>", pdf_forms=True)
    assert asked == [False, True], "WeasyPrint no longer calls HTML._ua_stylesheets"


def test_the_user_agent_stylesheet_is_weasyprints_without_the_rules_for_every_element() -> None:
    theirs = (files(weasyprint.css) / "html5_ua.css").read_text("utf-8")
    ours = user_agent_text()
    universal = re.compile(r"^::[\w-]+", re.MULTILINE)
    # what the narrowing is about; if WeasyPrint renames these, the narrowing does nothing
    assert {"::marker", "::footnote-call", "::note-callback"} <= set(universal.findall(theirs))
    assert universal.findall(ours) == []
    assert "li::marker {" in ours
    # nothing else is left out
    assert theirs.count("{") - ours.count("{") == len(universal.findall(theirs)) - 1


def test_the_fetcher_reads_the_renderers_files_and_the_comb_pictures_only() -> None:
    fetcher = pdf_render._fetcher()
    font = (pdf_render.pdf_root() / "fonts" / "DejaVuSansCondensed.ttf").resolve().as_uri()
    assert fetcher.fetch(font).read(4) == b"\x00\x01\x00\x00"
    picture = fetcher.fetch("data:image/svg+xml,%3Csvg%20xmlns%3D%22x%22%2F%3E")
    assert picture.read().startswith(b"<svg")
    for url in (
        "file:///etc/passwd",
        font.replace("/fonts/", "/fonts/../../../"),
        "data:text/html,%3Ch1%3EX%3C%2Fh1%3E",
        "https://example.org/logo.svg",
    ):
        with pytest.raises(ValueError, match="fetches only its own files"):
            fetcher.fetch(url)
