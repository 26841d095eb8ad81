"""Hostile and broken input: every problem is a located diagnostic, never a traceback.

Each input is checked through `api.check_paths` and through the CLI; both
must finish in bounded time (the bound is a generous safety net, not a
benchmark), report diagnostics that point into the file, and exit 1. The
hypothesis tests at the end feed random text, random bytes and mutations of
the real forms to the parser, the checker and the formatter.
"""

from __future__ import annotations

import os
import random
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fmt import assert_stable_and_equivalent, documents

from formlang import diagnostics as d
from formlang.api import FormError, check_paths, parse
from formlang.cli import main
from formlang.fmt import format_text
from formlang.loader import MAX_FILE_BYTES
from formlang.parser import parse as parse_syntax
from formlang.parser import terminal_patterns
from formlang.source import Source

REPO_ROOT = Path(__file__).resolve().parent.parent
SAFETY_NET = 20.0  # seconds; far above what any of these takes
HEAD = 'form f version "1.0.0" {\n  title "T"\n  field a: integer "A"\n'
DEEP = 10_000


def _deep(opening: str, closing: str, inner: str) -> str:
    return opening * DEEP + inner + closing * DEEP


# name -> (file content, the code it must report, or None for a clean file)
CONTENTS: dict[str, tuple[bytes, str | None]] = {
    "empty": (b"", "FL104"),
    "only_comments": (b"# nothing\n\n   # but comments\n", "FL104"),
    "only_whitespace": (b" \n\t\n  \n", "FL104"),
    "binary_nul": (b'form f version "1.0.0" {\n  title "T\x00"\n}\n', "FL103"),
    "random_binary": (bytes(random.Random(7).randrange(256) for _ in range(4096)), "FL103"),
    "invalid_utf8": (b'form f version "1.0.0" {\n  title "Gr\xf6\xdfe"\n}\n', "FL103"),
    "latin1_umlaut_in_comment": (b"# Stra\xdfe\nform f {}\n", "FL103"),
    "bom": (b'\xef\xbb\xbfform f version "1.0.0" {\n  title "T"\n}\n', None),
    "crlf": (b'form f version "1.0.0" {\r\n  title "T"\r\n}\r\n', None),
    "cr_only": (b'form f version "1.0.0" {\r  title "T"\r}\r', None),
    "crlf_error_on_line_3": (
        b'form f version "1.0.0" {\r\n  title "T"\r\n  feld a\r\n}\r\n',
        "FL110",
    ),
    "ten_megabytes": (b"# " + b"x" * (10 * 1024 * 1024) + b"\n", "FL101"),
    "deep_braces": ((HEAD + _deep("group g {\n", "}\n", "") + "}\n").encode(), "FL102"),
    "deep_parens": (
        (HEAD + "  rule " + _deep("(", ")", "a") + ' > 0 message "m"\n}\n').encode(),
        "FL102",
    ),
    "deep_brackets": (
        (HEAD + "  rule a in " + _deep("[", "]", "1") + ' message "m"\n}\n').encode(),
        "FL102",
    ),
    "deep_not": ((HEAD + "  rule " + "not " * DEEP + 'true message "m"\n}\n').encode(), "FL102"),
    "deep_minus": ((HEAD + "  rule " + "- " * DEEP + 'a > 0 message "m"\n}\n').encode(), "FL102"),
    "deep_minus_no_spaces": (
        (HEAD + "  rule " + "-" * DEEP + 'a > 0 message "m"\n}\n').encode(),
        "FL102",
    ),
    "long_sum": (
        (HEAD + "  rule " + " + ".join(["a"] * 100_000) + ' > 0 message "m"\n}\n').encode(),
        "FL102",
    ),
    "long_and": (
        (HEAD + "  rule " + " and ".join(["a > 1"] * 20_000) + ' message "m"\n}\n').encode(),
        "FL102",
    ),
    "deep_given": (
        (
            HEAD
            + '  test "t" {\n    given '
            + _deep("{ a: ", " }", "1")
            + "\n    expect valid\n  }\n}\n"
        ).encode(),
        "FL102",
    ),
    "unclosed_string_at_end": (b'form f version "1.0.0" {\n  title "T', "FL113"),
    "unclosed_triple_string": (b'form f version "1.0.0" {\n  title """T\n}\n', "FL113"),
    "only_open_brace": (b"{", "FL110"),
    "many_syntax_errors": (
        ("form f {\n" + "  field a text\n" * 200 + "}\n").encode(),
        "FL110",
    ),
}


def _big_valid_ish() -> bytes:
    """About 3 MB: thousands of fields with long hints (a generated form)."""
    lines = ['form gross version "1.0.0" {', '  title "Groß"']
    size, i = 0, 0
    while size < 3 * 1024 * 1024:
        hint = "Ein langer Hinweis. " * 20
        line = f'  field f{i}: text "Feld {i}" hint "{hint}" max_length {i % 100 + 1}'
        lines.append(line)
        size, i = size + len(line) + 1, i + 1
    return "\n".join([*lines, "}", ""]).encode()


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / f"{name}.form"
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bad")


def _assert_located(diags: list[d.Diagnostic], path: Path) -> None:
    assert diags, "expected at least one diagnostic"
    for diag in diags:
        assert diag.code in d.CODES
        assert 0 <= diag.span.start <= diag.span.end <= len(diag.span.source.text)
        begin = diag.span.begin
        assert begin.line >= 1 and begin.column >= 1
        d.render_text(diag)  # renders without raising
        d.to_json(diag)
    assert any(diag.span.path == str(path) for diag in diags)


def _check_both_ways(path: Path, code: str | None) -> list[d.Diagnostic]:
    started = time.monotonic()
    _, diags = check_paths([path])
    result = CliRunner().invoke(main, ["check", "--no-color", str(path)])
    assert time.monotonic() - started < SAFETY_NET
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    if code is None:
        assert diags == [], [d.render_text(x) for x in diags]
        assert result.exit_code == 0
        return diags
    assert code in {x.code for x in diags}, [d.render_text(x) for x in diags]
    assert result.exit_code == 1
    assert f"error[{code}]" in result.output
    _assert_located([x for x in diags if x.is_error], path)
    return diags


@pytest.mark.parametrize("name", list(CONTENTS))
def test_bad_content(name: str, folder: Path) -> None:
    data, code = CONTENTS[name]
    _check_both_ways(_write(folder, name, data), code)


def test_invalid_utf8_is_located_at_the_bad_byte(folder: Path) -> None:
    path = _write(folder, "located", CONTENTS["invalid_utf8"][0])
    diags = _check_both_ways(path, "FL103")
    assert (diags[0].span.begin.line, diags[0].span.begin.column) == (2, 12)
    assert "byte 0xf6" in diags[0].message


def test_crlf_positions_count_lines_once(folder: Path) -> None:
    path = _write(folder, "crlf_pos", CONTENTS["crlf_error_on_line_3"][0])
    diags = _check_both_ways(path, "FL110")
    assert (diags[0].span.begin.line, diags[0].span.begin.column) == (3, 3)


def test_ten_megabytes_are_refused_quickly(folder: Path) -> None:
    path = _write(folder, "huge", CONTENTS["ten_megabytes"][0])
    started = time.monotonic()
    _, diags = check_paths([path])
    assert time.monotonic() - started < 5
    assert [x.code for x in diags] == ["FL101"]
    assert path.stat().st_size > MAX_FILE_BYTES


def test_three_megabytes_check_in_bounded_time(folder: Path) -> None:
    path = _write(folder, "big", _big_valid_ish())
    assert path.stat().st_size > 3 * 1024 * 1024
    _check_both_ways(path, None)


def test_render_never_sends_control_characters_to_the_terminal(folder: Path) -> None:
    path = _write(folder, "escape", b'form f version "1.0" {\n  title "\x1b]0;x\x07\x1b[31m"\n}\n')
    _, diags = check_paths([path])
    text = "\n".join(d.render_text(x) for x in diags)
    assert "FL211" in text
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text)


# ---- the file system ------------------------------------------------------------------------


def _form_importing(folder: Path, name: str, target: str) -> Path:
    text = f'form {name} version "1.0.0" {{\n  title "T"\n  use x from "{target}"\n}}\n'
    return _write(folder, name, text.encode())


def test_import_of_a_missing_file(folder: Path) -> None:
    diags = _check_both_ways(_form_importing(folder, "imp_missing", "nowhere.form"), "FL700")
    assert "was not found" in diags[0].message
    assert diags[0].span.begin.line == 3


def test_import_of_a_folder(folder: Path) -> None:
    (folder / "a_folder").mkdir(exist_ok=True)
    diags = _check_both_ways(_form_importing(folder, "imp_folder", "a_folder"), "FL700")
    assert "is a folder" in diags[0].message


def test_import_of_a_symlink_loop(folder: Path) -> None:
    _loop(folder, "loop_a.form", "loop_b.form")
    diags = _check_both_ways(_form_importing(folder, "imp_loop", "loop_a.form"), "FL700")
    assert "symbolic link" in diags[0].message


def test_a_file_that_is_a_symlink_loop(folder: Path) -> None:
    _loop(folder, "self_a.form", "self_b.form")
    diags = _check_both_ways(folder / "self_a.form", "FL100")
    assert diags[0].message == "the path is a loop of symbolic links"


def test_a_folder_named_like_a_form(folder: Path) -> None:
    path = folder / "folder.form"
    path.mkdir(exist_ok=True)
    diags = _check_both_ways(path, "FL100")
    assert diags[0].message == "this is a folder, not a .form file"


def test_a_missing_file(folder: Path) -> None:
    diags = _check_both_ways(folder / "missing.form", "FL100")
    assert diags[0].message == "no such file"


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="running as root: chmod 000 does not make a file unreadable",
)
def test_an_unreadable_file(folder: Path) -> None:
    path = _write(folder, "secret", b'form f version "1.0.0" {\n  title "T"\n}\n')
    path.chmod(0)
    try:
        diags = _check_both_ways(path, "FL100")
        assert "permission denied" in diags[0].message
    finally:
        path.chmod(0o644)


def _loop(folder: Path, a: str, b: str) -> None:
    for link, target in ((a, b), (b, a)):
        if not (folder / link).is_symlink():
            os.symlink(folder / target, folder / link)


# ---- random input (hypothesis) --------------------------------------------------------------

KEYWORDS = sorted(set(terminal_patterns().values()))
WORDS = [*KEYWORDS, "a", "b", "person", '"x"', '"""y"""', "1", "2.5", "2024-02-30", "08:00", "@en"]


@st.composite
def soups(draw: st.DrawFn) -> str:
    """Keywords, punctuation and literals of the language in random order."""
    words = draw(st.lists(st.sampled_from(WORDS), max_size=60))
    seps = [draw(st.sampled_from([" ", "\n", "  ", "# c\n"])) for _ in words]
    return "".join(w + s for w, s in zip(words, seps, strict=True))


SOUP = soups()
RANDOM_TEXT = st.one_of(
    st.text(max_size=300),
    st.binary(max_size=300).map(lambda b: b.decode("utf-8", errors="replace")),
    SOUP,
    SOUP.map(lambda t: f'form f version "1.0.0" {{ title "T" {t} }}'),
)
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _assert_well_behaved(text: str, path: str = "<string>") -> list[d.Diagnostic]:
    """parse() returns or raises FormError whose diagnostics lie inside their sources."""
    try:
        parse(text, path)
        return []
    except FormError as error:
        for diag in error.diagnostics:
            source = diag.span.source
            assert 0 <= diag.span.start <= diag.span.end <= len(source.text), d.render_text(diag)
            for related in diag.related:
                assert 0 <= related.span.start <= related.span.end <= len(related.span.source.text)
            d.render_text(diag)
        return error.diagnostics


@FUZZ
@given(RANDOM_TEXT)
def test_random_text_gives_diagnostics_or_a_form(text: str) -> None:
    _assert_well_behaved(text)


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_through_check_paths(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "random.form"
        path.write_bytes(data)
        _, diags = check_paths([path])
    for diag in diags:
        assert 0 <= diag.span.start <= diag.span.end <= len(diag.span.source.text)
        d.render_text(diag)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_random_documents_through_the_whole_checker(text: str) -> None:
    """Grammatical but meaningless forms (from test_fmt) exercise the resolver."""
    _assert_well_behaved(text)


# ---- mutations of the real forms --------------------------------------------------------------


def _real_forms() -> list[Path]:
    library = sorted((REPO_ROOT / "library").glob("**/*.form"))
    valid = sorted((REPO_ROOT / "tests" / "cases" / "valid").glob("**/*.form"))
    return library + valid


REAL = {path: path.read_text(encoding="utf-8") for path in _real_forms()}
NAMES = sorted({m for text in REAL.values() for m in re.findall(r"\b[a-z_][a-z0-9_]{2,}\b", text)})
INSERTS = [
    *KEYWORDS,
    '"',
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ",",
    ":",
    "=",
    "#",
    "\\",
    "„",
    "\n",
    " ",
    "@en",
]

Mutation = Callable[[str, random.Random], str]


def _lines_op(func: Callable[[list[str], random.Random], None]) -> Mutation:
    def apply(text: str, rnd: random.Random) -> str:
        lines = text.split("\n")
        func(lines, rnd)
        return "\n".join(lines)

    return apply


def _delete_line(lines: list[str], rnd: random.Random) -> None:
    del lines[rnd.randrange(len(lines))]


def _duplicate_line(lines: list[str], rnd: random.Random) -> None:
    i = rnd.randrange(len(lines))
    lines.insert(i, lines[i])


def _swap_lines(lines: list[str], rnd: random.Random) -> None:
    i, j = rnd.randrange(len(lines)), rnd.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]


def _delete_char(text: str, rnd: random.Random) -> str:
    i = rnd.randrange(len(text))
    return text[:i] + text[i + 1 :]


def _insert(text: str, rnd: random.Random) -> str:
    i = rnd.randrange(len(text) + 1)
    return text[:i] + rnd.choice(INSERTS) + text[i:]


def _insert_token(text: str, rnd: random.Random) -> str:
    i = rnd.randrange(len(text) + 1)
    return text[:i] + f" {rnd.choice(KEYWORDS)} " + text[i:]


def _replace_name(text: str, rnd: random.Random) -> str:
    names = re.findall(r"\b[a-z_][a-z0-9_]{2,}\b", text)
    old, new = rnd.choice(names), rnd.choice(NAMES)
    return re.sub(rf"\b{old}\b", new, text, count=rnd.randint(1, 3))


MUTATIONS: list[Mutation] = [
    _lines_op(_delete_line),
    _lines_op(_duplicate_line),
    _lines_op(_swap_lines),
    _delete_char,
    _insert,
    _insert_token,
    _replace_name,
]


@st.composite
def mutated(draw: st.DrawFn) -> tuple[Path, str]:
    path = draw(st.sampled_from(sorted(REAL)))
    rnd = random.Random(draw(st.integers(0, 2**32)))
    text = REAL[path]
    for _ in range(draw(st.integers(1, 3))):
        text = rnd.choice(MUTATIONS)(text, rnd)
    return path, text


@FUZZ
@given(mutated())
def test_mutated_forms_give_diagnostics_or_a_form(case: tuple[Path, str]) -> None:
    path, text = case
    _assert_well_behaved(text, str(path))  # imports resolve next to the original file


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_formatting_mutated_forms_is_stable_and_equivalent(case: tuple[Path, str]) -> None:
    _, text = case
    parsed, diags = parse_syntax(Source(text))
    if parsed.document is None or any(x.is_error for x in diags):
        assert format_text(text)[0] is None
        return
    assert_stable_and_equivalent(text)


def test_every_mutation_is_exercised() -> None:
    rnd = random.Random(1)
    text = next(iter(REAL.values()))
    changed = [m(text, rnd) != text for m in MUTATIONS for _ in range(3)]
    assert sum(changed) >= len(MUTATIONS)
