"""Benchmark: warm render time of the blank and the filled PDF of a library form.

Usage: .venv/bin/python benchmarks/render_pdf.py [--form library/forms/hundesteuer.form] [--runs 31]

Timed warm (templates, stylesheet and fonts loaded once, as in a service), each the median
of `--runs` renders, the renders interleaved round by round so that a busy machine slows all
of them alike:
- `render_blank(form.ir)`: rendering the blank print form (the headline figure);
- the same with WeasyPrint parsing the HTML string itself (`HTML(string=…)`, its user-agent
  stylesheet in full): what `formlang.pdf_render._document` saves;
- `render_blank` of the shortest form in `library/forms/` and `benchmarks/data/` (fewest
  printed pages; the goal speaks of a 2-page form);
- `form.render_pdf()`: the blank print form as a service gets it (rendered once per form and
  language, then kept by the `Form`);
- `form.render_pdf(data)`: the filled submission (validation included), tagged PDF/UA-1;
- `form.render_pdf(data, archive=True)`: PDF/A-3b with the data embedded;
next to a baseline in the same rounds: WeasyPrint writing a trivial one-page HTML document
(a heading and a paragraph) with the same fonts. Goals (issue 5): blank under 200 ms,
filled under 150 ms.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))


def interleaved_ms(renders: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    """The median time in ms of each render, run once per round in a rotating order."""
    samples: dict[str, list[float]] = {name: [] for name in renders}
    names = list(renders)
    for round_ in range(runs):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            start = time.perf_counter()
            renders[name]()
            samples[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--form", default=str(ROOT / "library" / "forms" / "hundesteuer.form"))
    parser.add_argument("--runs", type=int, default=31)
    args = parser.parse_args()

    from pdf_samples import sample
    from pypdf import PdfReader
    from weasyprint import HTML  # type: ignore[import-untyped]

    import formlang
    from formlang import pdf_render
    from formlang.pdf_render import _write, render_blank

    def pages(pdf: bytes) -> int:
        return len(PdfReader(io.BytesIO(pdf)).pages)

    def weasyprint_parses(html: str) -> object:
        fetcher, base = pdf_render._fetcher(), str(pdf_render.pdf_root())
        return HTML(string=html, url_fetcher=fetcher, base_url=base)

    def without_shortcut() -> bytes:
        shortcut = pdf_render._document
        pdf_render._document = weasyprint_parses
        try:
            return render_blank(form.ir)
        finally:
            pdf_render._document = shortcut

    form = formlang.load(args.form)
    data, today = sample(form)
    candidates = sorted([*(ROOT / "library" / "forms").glob("*.form"), *HERE.glob("data/*.form")])
    counted = {path: pages(formlang.load(path).render_pdf()) for path in candidates}
    shortest_path = min(candidates, key=lambda path: (counted[path], path.name))
    shortest = formlang.load(shortest_path)

    trivial = '<html lang="de"><title>t</title><h1>Titel</h1><p>Ein Absatz.</p></html>'
    blank_pages = pages(form.render_pdf())  # warm: templates, fonts
    filled_pages = pages(form.render_pdf(data, today=today))
    renders: dict[str, Callable[[], object]] = {
        "blank": lambda: render_blank(form.ir),
        "blank, no shortcut": without_shortcut,
        "shortest": lambda: render_blank(shortest.ir),
        "kept": lambda: form.render_pdf(),
        "filled": lambda: form.render_pdf(data, today=today),
        "archive": lambda: form.render_pdf(data, today=today, archive=True),
        "baseline": lambda: _write(trivial),
    }
    for render in renders.values():
        render()
    ms = interleaved_ms(renders, args.runs)
    base = ms["baseline"]
    print(f"{form.id}, median of {args.runs} warm renders, interleaved")
    print("| PDF | pages | median (ms) | baseline: WeasyPrint, trivial page (ms) | ratio |")
    print("|---|---:|---:|---:|---:|")
    rows = (
        ("blank, rendered", blank_pages, "blank"),
        ("blank, rendered, WeasyPrint parsing the HTML", blank_pages, "blank, no shortcut"),
        (f"blank of {shortest.id} (shortest form), rendered", counted[shortest_path], "shortest"),
        ("blank, kept by the Form", blank_pages, "kept"),
        ("filled, PDF/UA-1", filled_pages, "filled"),
        ("filled, PDF/A-3b archive", filled_pages, "archive"),
    )
    for label, count, key in rows:
        print(f"| {label} | {count} | {ms[key]:.3g} | {base:.0f} | {ms[key] / base:.2g}× |")
    print(f"\nrendering the blank form under 200 ms: {'met' if ms['blank'] < 200 else 'NOT met'}")
    print(f"the filled form under 150 ms: {'met' if ms['filled'] < 150 else 'NOT met'}")


if __name__ == "__main__":
    main()
