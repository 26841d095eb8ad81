"""docs/tutorial.md, replayed: the page cannot drift from what the tool does.

The tutorial is one terminal session in an empty folder. Its fenced blocks are read in order:

- a ```console block holds commands (lines starting with `$ `) each followed by the output
  formlang prints for it; every command must be a `formlang` command, and is run with
  click's CliRunner in a temporary folder, its output compared with the page's;
- a ```form or ```form-error block is the tutorial's file as it stands at that step: it is
  written to the file that `formlang new NAME` created (NAME.form), except right after that
  command, when the block must show exactly what `formlang new` wrote.

The last ```form block is the finished form: it must check, be formatted, pass its tests, and
build to HTML (both languages, with the assets) and to PDF. Unlike tests/test_docs.py, which
checks each block against docs/examples/, these tests see what a reader sees: imports resolve
against the built-in library.

Two checks for the other docs' examples live here too, because tests/test_docs.py only checks
them: the scenario tests written in every ```form block of docs/*.md pass, and a module that
docs/cookbook.md shows is the very file in docs/examples/modules/ that its examples use.
"""

from __future__ import annotations

import difflib
import io
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader

import formlang
from formlang.cli import main
from formlang.scenario_run import run_scenarios

DOCS = Path(__file__).resolve().parent.parent / "docs"
TUTORIAL = DOCS / "tutorial.md"
SNIPPET = DOCS / "examples" / "_snippet.form"  # where tests/test_docs.py checks examples
FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```$", re.S | re.M)
FORM_KINDS = ("form", "form-error")


@dataclass(frozen=True)
class Block:
    kind: str  # "console", "form" or "form-error"
    line: int  # line of the opening fence, from 1
    text: str
    doc: str = TUTORIAL.name

    @property
    def id(self) -> str:
        return f"{self.doc}@L{self.line}"


def _blocks(doc: Path = TUTORIAL) -> list[Block]:
    text = doc.read_text(encoding="utf-8")
    blocks = []
    for match in FENCE.finditer(text):
        info = match["info"].split()
        if info and info[0] in ("console", *FORM_KINDS):
            line = text.count("\n", 0, match.start()) + 1
            blocks.append(Block(info[0], line, match["body"], doc.name))
    return blocks


BLOCKS = _blocks()
FORMS = [b for b in BLOCKS if b.kind == "form"]


def _transcript(block: Block) -> list[tuple[str, str]]:
    """The (command, expected output) pairs of a console block."""
    pairs: list[tuple[str, list[str]]] = []
    for line in block.text.splitlines():
        if line.startswith("$ "):
            pairs.append((line[2:], []))
        elif pairs:
            pairs[-1][1].append(line)
        else:
            pytest.fail(f"{block.id}: output before the first `$ ` command: {line!r}")
    return [(command, "".join(f"{x}\n" for x in out)) for command, out in pairs]


def _run(command: str) -> Result:
    argv = shlex.split(command)
    assert argv[0] == "formlang", f"the tutorial may only show formlang commands: {command}"
    return CliRunner().invoke(main, argv[1:], catch_exceptions=False)


def _diff(expected: str, actual: str) -> str:
    lines = difflib.unified_diff(
        expected.splitlines(True), actual.splitlines(True), "on the page", "printed"
    )
    return "".join(lines)


def _new_name(command: str) -> str | None:
    argv = shlex.split(command)
    return argv[2] if argv[:2] == ["formlang", "new"] and len(argv) > 2 else None


# ---- the session, step by step ---------------------------------------------------------------


def test_the_tutorial_shows_what_the_tool_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    file: Path | None = None
    just_created = False
    problems: list[str] = []
    for block in BLOCKS:
        if block.kind in FORM_KINDS:
            assert file is not None, f"{block.id}: a form before `formlang new`"
            if just_created:
                shown = file.read_text(encoding="utf-8")
                if shown != block.text:
                    problems.append(
                        f"{block.id}: not what formlang new wrote\n{_diff(block.text, shown)}"
                    )
            file.write_text(block.text, encoding="utf-8")
            just_created = False
            continue
        for command, expected in _transcript(block):
            actual = _run(command).output
            if actual != expected:
                problems.append(f"{block.id}: $ {command}\n{_diff(expected, actual)}")
            name = _new_name(command)
            if name is not None:
                file, just_created = tmp_path / f"{name}.form", True
    assert not problems, "\n".join(problems)


def test_the_tutorial_has_a_session() -> None:
    commands = [c for b in BLOCKS if b.kind == "console" for c, _ in _transcript(b)]
    assert commands and _new_name(commands[0]) is not None, "the session starts with formlang new"
    verbs = {shlex.split(c)[1] for c in commands}
    assert {"new", "check", "test", "build"} <= verbs
    assert [b.kind for b in BLOCKS].count("form-error") >= 1, "a mistake and its message are shown"
    assert len(FORMS) >= 5


# ---- every version of the form, as the reader has it -----------------------------------------


def _write(tmp_path: Path, block: Block) -> Path:
    path = tmp_path / "container.form"
    path.write_text(block.text, encoding="utf-8")
    return path


@pytest.mark.parametrize("block", FORMS, ids=[b.id for b in FORMS])
def test_each_version_checks_and_passes_its_tests(block: Block, tmp_path: Path) -> None:
    path = _write(tmp_path, block)
    for args in (["check", "-W"], ["fmt", "--check"], ["test"]):
        result = _run(shlex.join(["formlang", *args, str(path)]))
        assert result.exit_code == 0, f"{block.id}: formlang {' '.join(args)}\n{result.output}"


# ---- the finished form -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("finished"), FORMS[-1])


def test_the_finished_form_is_bilingual_with_tests(finished: Path) -> None:
    form = formlang.load(finished)
    assert form.languages == ("de", "en")
    assert form.ir.tests, "the finished form keeps its scenario tests"
    result = _run(f"formlang test {finished}")
    assert result.exit_code == 0
    assert f"{len(form.ir.tests)} tests: {len(form.ir.tests)} passed, 0 failed" in result.output


def test_the_finished_form_builds_html(finished: Path) -> None:
    out = finished.parent / "html"
    result = _run(f"formlang build {finished} --format html --out {out}")
    assert result.exit_code == 0, result.output
    form = formlang.load(finished)
    assert sorted(p.name for p in out.iterdir()) == [
        f"{form.id}.en.html",
        f"{form.id}.html",
        "formlang.css",
        "formlang.js",
    ]
    for lang, name in (("de", f"{form.id}.html"), ("en", f"{form.id}.en.html")):
        page = (out / name).read_text(encoding="utf-8")
        assert page.startswith("<!DOCTYPE html>")
        assert f"<title>{form.title(lang)}</title>" in page
        assert f'<html lang="{lang}"' in page


def test_the_finished_form_builds_pdf(finished: Path) -> None:
    out = finished.parent / "pdf"
    result = _run(f"formlang build {finished} --format pdf --out {out}")
    assert result.exit_code == 0, result.output
    form = formlang.load(finished)
    pdf = (out / f"{form.id}.pdf").read_bytes()
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    assert form.title("de") in text
    assert "Nur ausfüllen, wenn" in text  # the tutorial promises the condition in words
    assert "Unterschrift" in text
    assert f"Seite 1 von {len(reader.pages)}" in text


# ---- the other docs' examples ---------------------------------------------------------------

DOC_FORMS = [b for doc in sorted(DOCS.glob("*.md")) for b in _blocks(doc) if b.kind == "form"]
WITH_TESTS = [b for b in DOC_FORMS if re.search(r"^\s*test \"", b.text, re.M)]


@pytest.mark.parametrize("block", WITH_TESTS, ids=[b.id for b in WITH_TESTS])
def test_the_scenario_tests_of_doc_examples_pass(block: Block) -> None:
    form = formlang.parse(block.text, path=str(SNIPPET))
    results = run_scenarios(form)
    assert results
    failed = [f"{r.name}: {f.expectation}: {f.message}" for r in results for f in r.failures]
    assert not failed, f"{block.id}:\n" + "\n".join(failed)


def test_the_cookbook_shows_its_module_files() -> None:
    shown = [b for b in _blocks(DOCS / "cookbook.md") if re.search(r"^module ", b.text, re.M)]
    assert shown, "the cookbook shows how a module looks"
    for block in shown:
        name = re.search(r"^module (\w+)", block.text, re.M)
        assert name is not None
        file = DOCS / "examples" / "modules" / f"{name[1]}.form"
        assert file.read_text(encoding="utf-8") == block.text, f"{block.id} differs from {file}"


def test_the_embedding_guide_lists_every_theme_property() -> None:
    """The theming table names every custom property of formlang.css with its default."""
    css = (DOCS.parent / "renderers" / "html" / "static" / "formlang.css").read_text("utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    defaults: dict[str, str] = {}
    for name, value in re.findall(r"(--fl-[a-z-]+):\s*([^;]+);", css):
        defaults.setdefault(name, value.strip())  # the first definition is the default
    guide = (DOCS / "embedding.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| `(--fl-[a-z-]+)` \| `([^`]+)`", guide, re.M))
    assert listed == defaults
