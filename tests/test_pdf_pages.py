"""The printed pages, looked at: `pdftoppm` (Debian's poppler-utils) renders every page of
the blank, fillable and filled PDF of each library form; no page is blank and nothing is
drawn in the margins, outside the printable area; the comb boxes of every kind are there,
box by box. The images are written to `test-artifacts/pdf/` for review.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pdf_samples import ARTIFACTS, LIBRARY_FORMS, REPO_ROOT, sample
from PIL import Image

import formlang
from formlang import ir
from formlang.pdf_view import COMBS

DPI = 40
MARGIN_MM = 10  # the page margins are 18-22 mm; nothing may be drawn within 10 mm of the edge
IDS = [p.stem for p in LIBRARY_FORMS]

needs_pdftoppm = pytest.mark.skipif(
    shutil.which("pdftoppm") is None and not os.environ.get("CI"),
    reason="pdftoppm (poppler-utils) is not installed; .ci/run installs it",
)


def render_pages(pdf: bytes, stem: str, dpi: int = DPI) -> list[Path]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{stem}-*.png"):
        old.unlink()
    source = ARTIFACTS / f"{stem}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(source), str(ARTIFACTS / stem)],
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


# ---- comb boxes ------------------------------------------------------------------------------

COMB_FORM = REPO_ROOT / "tests" / "data" / "pdf" / "combs.form"
COMB_DPI = 150


def _ink(image: Image.Image) -> list[bytes]:
    """The image's rows, a pixel "#" where there is ink and "." where there is none."""
    width, height = image.size
    data = image.point(lambda v: 1 if v < 160 else 0).tobytes()
    return [
        data[y * width : (y + 1) * width].translate(bytes.maketrans(b"\x00\x01", b".#"))
        for y in range(height)
    ]


def _comb_bands(rows: list[bytes]) -> list[tuple[int, int]]:
    """(top, bottom) rows of each row of comb boxes: two lines 6.5 mm apart that are longer
    than one box and shorter than the text width (the header's rule)."""
    mm = COMB_DPI / 25.4
    lines: list[int] = []
    for y, row in enumerate(rows):
        longest = max((len(run) for run in re.findall(rb"#+", row)), default=0)
        if 10 * mm <= longest < 160 * mm and not (lines and y - lines[-1] <= 2):
            lines.append(y)
    pairs = itertools.pairwise(lines)
    return [(top, bottom) for top, bottom in pairs if 6 * mm <= bottom - top <= 7 * mm]


@needs_pdftoppm
def test_comb_boxes_are_drawn_box_by_box() -> None:
    """Each row of comb boxes is one picture: a frame per group of boxes and a line between
    two boxes; the lines that cross the whole row are as many as the kind's pattern says."""
    form = formlang.load(COMB_FORM)
    kinds = [field.kind for field in form.ir.children if isinstance(field, ir.Field)]
    (page,) = render_pages(form.render_pdf(), "combs-blank", dpi=COMB_DPI)
    rows = _ink(Image.open(page).convert("L"))
    bands = _comb_bands(rows)
    assert len(bands) == len(kinds), bands
    for kind, (top, bottom) in zip(kinds, bands, strict=True):
        inner = rows[top + 3 : bottom - 2]  # inside the frames' top and bottom lines
        crossing = [x for x in range(len(inner[0])) if all(row[x] == ord("#") for row in inner)]
        lines = sum(1 for i, x in enumerate(crossing) if i == 0 or x - crossing[i - 1] > 1)
        pattern = COMBS[kind]
        expected = pattern.count("_") + len(re.findall("_+", pattern))  # boxes + frames
        assert lines == expected, (kind, pattern, lines)
