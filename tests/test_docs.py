"""The examples in docs/*.md: each ```form block checks cleanly and is canonically formatted,
each ```form-error FLxxx block yields its code, and docs/diagnostics.md documents every code.

Examples are checked as if they were the file docs/examples/_snippet.form, so `use` and `codes`
paths resolve against docs/examples/ (which holds the modules and code lists they need).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import formlang
from formlang import diagnostics as d
from formlang.fmt import format_text

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
SNIPPET = DOCS / "examples" / "_snippet.form"
DIAGNOSTICS_MD = DOCS / "diagnostics.md"

# Examples that show how the language should work but that the implementation gets wrong.
# Each entry: (file, a piece of text that occurs only in that block, why it fails today).
# The tests are strict xfails, so they start failing (and the entry must go) once fixed.
# (file, text unique to a block, reason): blocks the core gets wrong, as strict xfails.
KNOWN_CORE_PROBLEMS: list[tuple[str, str, str]] = []


@dataclass(frozen=True)
class Block:
    file: str
    index: int  # position among the checked blocks of its file, from 0
    line: int  # line of the opening fence, from 1
    kind: str  # "form" | "form-error"
    code: str | None  # the expected code of a form-error block
    text: str

    @property
    def id(self) -> str:
        suffix = f"-{self.code}" if self.code else ""
        return f"{self.file}#{self.index}{suffix}@L{self.line}"


_FENCE = re.compile(r"^```(?P<info>[^`]*)$")


def _blocks(path: Path) -> list[Block]:
    blocks: list[Block] = []
    lines = path.read_text(encoding="utf-8").split("\n")
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if match is None:
            i += 1
            continue
        info, start = match["info"].split(), i
        body: list[str] = []
        i += 1
        while i < len(lines) and lines[i] != "```":
            body.append(lines[i])
            i += 1
        i += 1  # the closing fence
        if info and info[0] in ("form", "form-error"):
            code = info[1] if info[0] == "form-error" and len(info) > 1 else None
            text = "\n".join(body) + "\n"
            blocks.append(Block(path.name, len(blocks), start + 1, info[0], code, text))
    return blocks


def _all_blocks() -> list[Block]:
    return [block for path in sorted(DOCS.glob("*.md")) for block in _blocks(path)]


BLOCKS = _all_blocks()
FORM_BLOCKS = [b for b in BLOCKS if b.kind == "form"]
ERROR_BLOCKS = [b for b in BLOCKS if b.kind == "form-error"]


def _params(blocks: list[Block]) -> list[Any]:
    out = []
    for block in blocks:
        reasons = [
            reason
            for file, marker, reason in KNOWN_CORE_PROBLEMS
            if file == block.file and marker in block.text
        ]
        marks = [pytest.mark.xfail(reason=reasons[0], strict=True)] if reasons else []
        out.append(pytest.param(block, id=block.id, marks=marks))
    return out


def _diagnostics(text: str) -> list[d.Diagnostic]:
    """Every diagnostic of `text` checked as docs/examples/_snippet.form, warnings included."""
    from formlang.loader import Loader
    from formlang.resolve import Compiler

    compiler = Compiler(Loader())
    compiler.compile(compiler.loader.load_text(text, str(SNIPPET)))
    return d.sort(compiler.diags.items)


def _rendered(diags: list[d.Diagnostic]) -> str:
    return "\n".join(d.render_text(x) for x in diags)


# ---- (a) every example checks with no errors ------------------------------------------------


@pytest.mark.parametrize("block", _params(FORM_BLOCKS))
def test_example_checks_cleanly(block: Block) -> None:
    try:
        formlang.parse(block.text, path=str(SNIPPET))
    except formlang.FormError as exc:
        errors = [x for x in exc.diagnostics if x.is_error]
        pytest.fail(f"{block.id} does not check:\n{_rendered(errors)}", pytrace=False)


# ---- (b) every error example yields its code ------------------------------------------------


@pytest.mark.parametrize("block", _params(ERROR_BLOCKS))
def test_error_example_yields_its_code(block: Block) -> None:
    assert block.code in d.CODES, f"{block.id}: unknown code {block.code!r} after form-error"
    diags = _diagnostics(block.text)
    if not diags:
        pytest.fail(f"{block.id} checks cleanly, but should give {block.code}", pytrace=False)
    codes = [x.code for x in diags]
    if block.code not in codes:
        pytest.fail(
            f"{block.id} should give {block.code}, but gives {', '.join(codes)}:\n"
            f"{_rendered(diags)}",
            pytrace=False,
        )


# ---- (c) docs/diagnostics.md documents every code, in order, with its title ----------------

_HEADING = re.compile(r"^### (FL\d{3}): (.+)$", re.MULTILINE)


def _documented() -> list[tuple[str, str]]:
    return _HEADING.findall(DIAGNOSTICS_MD.read_text(encoding="utf-8"))


def test_every_code_is_documented() -> None:
    documented = {code for code, _ in _documented()}
    assert documented == set(d.CODES), (
        f"missing: {sorted(set(d.CODES) - documented)}; "
        f"not codes: {sorted(documented - set(d.CODES))}"
    )


def test_codes_are_documented_in_order_with_their_titles() -> None:
    expected = [(code, title) for code, (_, title) in d.CODES.items()]
    assert _documented() == expected


def test_every_code_has_an_error_example() -> None:
    not_writable = {"FL100", "FL101", "FL103"}  # need a file that is not .form text
    shown = {b.code for b in ERROR_BLOCKS if b.file == DIAGNOSTICS_MD.name}
    assert set(d.CODES) - not_writable - shown == set()


# ---- (d) every example is already in the canonical format -----------------------------------


@pytest.mark.parametrize("block", [pytest.param(b, id=b.id) for b in FORM_BLOCKS])
def test_example_is_canonically_formatted(block: Block) -> None:
    formatted, diags = format_text(block.text)
    assert formatted is not None, _rendered(list(diags))
    if formatted != block.text:
        import difflib

        diff = difflib.unified_diff(
            block.text.splitlines(True), formatted.splitlines(True), "as written", "formatted"
        )
        pytest.fail(f"{block.id} is not canonical:\n{''.join(diff)}", pytrace=False)


def test_docs_have_examples() -> None:
    assert {b.file for b in FORM_BLOCKS} >= {"language.md"}
    assert {b.file for b in ERROR_BLOCKS} >= {"diagnostics.md"}
