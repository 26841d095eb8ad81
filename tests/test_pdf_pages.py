"""The printed pages, looked at: `pdftoppm` (Debian's poppler-utils) renders every page of
the blank, fillable and filled PDF of each library form; no page is blank and nothing is
drawn in the margins, outside the printable area. The images are written to
`test-artifacts/pdf/` for review.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pdf_samples import ARTIFACTS, LIBRARY_FORMS, sample
from PIL import Image

import formlang

DPI = 40
MARGIN_MM = 10  # the page margins are 18-22 mm; nothing may be drawn within 10 mm of the edge
IDS = [p.stem for p in LIBRARY_FORMS]

needs_pdftoppm = pytest.mark.skipif(
    shutil.which("pdftoppm") is None and not os.environ.get("CI"),
    reason="pdftoppm (poppler-utils) is not installed; .ci/run installs it",
)


def render_pages(pdf: bytes, stem: str) -> list[Path]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{stem}-*.png"):
        old.unlink()
    source = ARTIFACTS / f"{stem}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-gray", "-png", str(source), str(ARTIFACTS / stem)],
        check=True,
        timeout=120,
    )
    return sorted(ARTIFACTS.glob(f"{stem}-*.png"))


def check_page(image_path: Path) -> None:
    image = Image.open(image_path).convert("L")
    width, height = image.size
    inked = image.point(lambda v: 255 if v < 200 else 0)
    box = inked.getbbox()
    assert box is not None, f"{image_path.name} is blank"
    margin = round(MARGIN_MM / 25.4 * DPI)
    left, top, right, bottom = box
    assert left >= margin and top >= margin, f"{image_path.name}: ink at {box} (margin {margin}px)"
    assert right <= width - margin and bottom <= height - margin, f"{image_path.name}: {box}"


@needs_pdftoppm
@pytest.mark.parametrize("name", IDS)
def test_pages_are_not_blank_and_stay_in_the_printable_area(name: str) -> None:
    path = next(p for p in LIBRARY_FORMS if p.stem == name)
    form = formlang.load(path)
    data, today = sample(form)
    variants = {
        "blank": form.render_pdf(),
        "fillable": form.render_pdf(fillable=True),
        "filled": form.render_pdf(data, today=today, submitted_at="2025-06-01T10:15:00"),
    }
    for variant, pdf in variants.items():
        pages = render_pages(pdf, f"{name}-{variant}")
        assert pages, f"{name} {variant}: no pages"
        for page in pages:
            check_page(page)
