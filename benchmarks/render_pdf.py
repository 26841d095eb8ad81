"""Benchmark: warm render time of the blank and the filled PDF of a library form.

Usage: .venv/bin/python benchmarks/render_pdf.py [--form library/forms/hundesteuer.form] [--runs 21]

Timed warm (templates, stylesheet and fonts loaded once, as in a service), each the median
of `--runs` renders:
- `render_blank(form.ir)`: rendering the blank print form;
- `form.render_pdf()`: the blank print form as a service gets it (rendered once per form and
  language, then kept by the `Form`);
- `form.render_pdf(data)`: the filled submission (validation included), tagged PDF/UA-1;
- `form.render_pdf(data, archive=True)`: PDF/A-3b with the data embedded;
next to a baseline in the same run: WeasyPrint writing a trivial one-page HTML document
(a heading and a paragraph) with the same fonts. Goals (issue 5): blank under 200 ms,
filled under 150 ms.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))

from check_speed import median_ms  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--form", default=str(ROOT / "library" / "forms" / "hundesteuer.form"))
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()

    from pdf_samples import sample
    from pypdf import PdfReader

    import formlang
    from formlang.pdf_render import _write, render_blank

    form = formlang.load(args.form)
    data, today = sample(form)

    def pages(pdf: bytes) -> int:
        return len(PdfReader(io.BytesIO(pdf)).pages)

    trivial = '<html lang="de"><title>t</title><h1>Titel</h1><p>Ein Absatz.</p></html>'
    blank_pages = pages(form.render_pdf())  # warm: templates, fonts
    filled_pages = pages(form.render_pdf(data, today=today))
    form.render_pdf(data, today=today, archive=True)
    _write(trivial)

    blank = median_ms(lambda: render_blank(form.ir), args.runs)
    kept = median_ms(lambda: form.render_pdf(), args.runs)
    filled = median_ms(lambda: form.render_pdf(data, today=today), args.runs)
    archive = median_ms(lambda: form.render_pdf(data, today=today, archive=True), args.runs)
    base = median_ms(lambda: _write(trivial), args.runs)
    print(f"{form.id}, median of {args.runs} warm renders")
    print("| PDF | pages | median (ms) | baseline: WeasyPrint, trivial page (ms) | ratio |")
    print("|---|---:|---:|---:|---:|")
    for name, count, value in (
        ("blank, rendered", blank_pages, blank),
        ("blank, kept by the Form", blank_pages, kept),
        ("filled, PDF/UA-1", filled_pages, filled),
        ("filled, PDF/A-3b archive", filled_pages, archive),
    ):
        print(f"| {name} | {count} | {value:.3g} | {base:.0f} | {value / base:.2g}× |")
    print(f"\nrendering the blank form under 200 ms: {'met' if blank < 200 else 'NOT met'}")
    print(f"the filled form under 150 ms: {'met' if filled < 150 else 'NOT met'}")


if __name__ == "__main__":
    main()
