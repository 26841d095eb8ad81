"""The formatter: golden outputs, stability (twice changes nothing) and equivalence.

Equivalence means the re-parsed tree equals the original (spans are not
compared) and the comments are the same, in the same order.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formlang.fmt import format_parsed, format_text
from formlang.parser import parse
from formlang.source import Source
from formlang.syntax import ParsedFile

REPO_ROOT = Path(__file__).resolve().parent.parent
FMT_DIR = Path(__file__).resolve().parent / "fmt"
GOLDEN_INPUTS = sorted(p for p in FMT_DIR.glob("*.form") if not p.name.endswith(".expected.form"))


def _read(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as handle:  # keep CRLF as written
        return handle.read()


def _repo_forms() -> list[Path]:
    return sorted(
        p
        for p in REPO_ROOT.glob("**/*.form")
        if not p.relative_to(REPO_ROOT).parts[0].startswith(".")
    )


def _parsed(text: str) -> ParsedFile:
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    parsed, _ = parse(Source(normalised))
    return parsed


def assert_stable_and_equivalent(text: str) -> str:
    formatted, diags = format_text(text)
    assert formatted is not None, diags
    again, _ = format_text(formatted)
    assert again == formatted, "formatting twice changed the text"
    before, after = _parsed(text), _parsed(formatted)
    assert after.document == before.document, "formatting changed the syntax tree"
    assert [c.text for c in after.comments] == [c.text for c in before.comments]
    return formatted


def assert_canonical_layout(formatted: str) -> None:
    lines = formatted.split("\n")
    assert formatted.endswith("\n") and not formatted.endswith("\n\n")
    assert all(line == line.rstrip() for line in lines)
    for previous, line in itertools.pairwise(lines):
        assert not (previous == "" and line == ""), "two blank lines"
        assert not (previous.endswith("{") and line == ""), "blank line after {"
        assert not (previous == "" and line.lstrip().startswith("}")), "blank line before }"


# ---- goldens ----------------------------------------------------------------------


@pytest.mark.parametrize("path", GOLDEN_INPUTS, ids=lambda p: p.stem)
def test_golden(path: Path) -> None:
    expected = _read(path.with_name(path.stem + ".expected.form"))
    formatted, diags = format_text(_read(path), str(path))
    assert diags == []
    assert formatted == expected


@pytest.mark.parametrize("path", GOLDEN_INPUTS, ids=lambda p: p.stem)
def test_expected_output_is_a_fixed_point(path: Path) -> None:
    expected = _read(path.with_name(path.stem + ".expected.form"))
    assert format_text(expected)[0] == expected
    assert_canonical_layout(expected)


def test_crlf_and_cr_line_ends_give_the_lf_result() -> None:
    text = _read(FMT_DIR / "comments.form").replace("\r\n", "\n")
    expected = _read(FMT_DIR / "comments.expected.form")
    assert format_text(text.replace("\n", "\r\n"))[0] == expected
    assert format_text(text.replace("\n", "\r"))[0] == expected


def test_syntax_errors_give_no_text_and_the_diagnostics() -> None:
    formatted, diags = format_text("form f {\n  field a text\n}\n", "bad.form")
    assert formatted is None
    assert [d.code for d in diags] == ["FL110"]


def test_format_parsed_needs_a_document() -> None:
    parsed, _ = parse(Source("form f {"))
    with pytest.raises(ValueError):
        format_parsed(parsed)


def test_long_binary_chains_do_not_recurse() -> None:
    terms = " + ".join(f"a{i}" for i in range(3000))
    formatted, _ = format_text(f"form f {{ rule {terms} > 0 }}")
    assert formatted == f"form f {{\n  rule {terms} > 0\n}}\n"


# ---- every .form file in the repository ------------------------------------------


@pytest.mark.parametrize("path", [*_repo_forms()], ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_repository_files_are_stable_and_equivalent(path: Path) -> None:
    text = _read(path)
    if format_text(text)[0] is None:
        pytest.skip("has syntax errors (an error case)")
    assert_canonical_layout(assert_stable_and_equivalent(text))


# ---- random documents -------------------------------------------------------------

NAMES = st.sampled_from(["a", "b", "c1", "name", "_x", "Z"])
STRINGS = st.sampled_from(
    ['"A"', '"B b"', '""', r'"x\"y"', '"# no comment"', '"""two\nlines"""', '"""a "q" b"""']
)
LITERALS = st.sampled_from(
    ["1", "2.5", '"s"', "true", "false", "null", "2025-01-01", "08:00", "2025-01-01T08:00"]
)
Tokens = list[str]


@st.composite
def texts(draw: st.DrawFn) -> Tokens:
    out = [draw(STRINGS)]
    for lang in draw(st.lists(st.sampled_from(["@en", "@fr", "@de-CH"]), max_size=2)):
        out += [lang, draw(STRINGS)]
    return out


@st.composite
def paths(draw: st.DrawFn) -> Tokens:
    names = draw(st.lists(NAMES, min_size=1, max_size=3))
    return [t for name in names for t in (".", name)][1:]


def _joined(parts: list[Tokens], ops: Tokens) -> Tokens:
    out = parts[0]
    for op, part in zip(ops, parts[1:], strict=False):
        out = [*out, *op.split(), *part]
    return out


@st.composite
def atoms(draw: st.DrawFn, depth: int) -> Tokens:
    kind = draw(st.integers(0, 5 if depth else 2))
    if kind == 0:
        return [draw(LITERALS)]
    if kind == 1:
        return draw(paths())
    if kind == 2:
        return [draw(st.sampled_from(["1", "3"])), draw(st.sampled_from(["year", "days"]))]
    items = draw(st.lists(expressions(depth - 1), max_size=2))
    inner = _joined(items, [","] * len(items)) if items else []
    if kind == 3:
        return [draw(NAMES), "(", *inner, ")"]
    if kind == 4:
        return ["[", *inner, "]"]
    return ["(", *draw(expressions(depth - 1)), ")"]


@st.composite
def expressions(draw: st.DrawFn, depth: int = 2) -> Tokens:
    """Built level by level as the grammar's precedence climbs (no chained ==)."""
    ops = st.sampled_from(["+", "-", "*", "/", "and", "or"])
    count = draw(st.integers(1, 3))
    parts = [["-"] * draw(st.integers(0, 1)) + draw(atoms(depth)) for _ in range(count)]
    out = _joined(parts, [draw(ops) for _ in parts[1:]])
    if draw(st.booleans()):
        comparison = st.sampled_from(["==", "!=", "<", ">=", "in", "not in"])
        out = [*out, *draw(comparison).split(), *draw(atoms(depth))]
    return ["not"] * draw(st.integers(0, 1)) + out


@st.composite
def options(draw: st.DrawFn) -> Tokens:
    kind = draw(st.integers(0, 9))
    simple = [["optional"], ["readonly"], ["warning"], ["min_length", "2"]]
    if kind < 4:
        return simple[kind]
    if kind == 4:
        return [draw(st.sampled_from(["min", "max", "step", "default"])), draw(LITERALS)]
    if kind == 5:
        return [draw(st.sampled_from(["min", "default"])), *draw(expressions())]
    if kind == 6:
        return [*draw(st.sampled_from([["when"], ["required", "when"]])), *draw(expressions())]
    if kind == 7:
        return [draw(st.sampled_from(["hint", "message", "item"])), *draw(texts())]
    if kind == 8:
        return ["on", *draw(paths())]
    return draw(
        st.sampled_from(
            [["max_size", "5", "MB"], ["accept", '".pdf"', ",", '".png"'], ["meta", "k", '"v"']]
        )
    )


def _maybe(draw: st.DrawFn, strategy: st.SearchStrategy[Tokens]) -> Tokens:
    return draw(strategy) if draw(st.booleans()) else []


def _options(draw: st.DrawFn) -> Tokens:
    return [t for option in draw(st.lists(options(), max_size=3)) for t in option]


@st.composite
def code_blocks(draw: st.DrawFn) -> Tokens:
    codes = st.one_of(NAMES, st.just('"01"'), st.just("7"))
    items = draw(st.lists(st.tuples(codes, texts()), max_size=3))
    return ["{", *[t for code, text in items for t in (code, *text)], "}"]


@st.composite
def data_values(draw: st.DrawFn, depth: int = 2) -> Tokens:
    kind = draw(st.integers(0, 2 if depth else 0))
    if kind == 0:
        return draw(st.one_of(LITERALS.map(lambda lit: [lit]), st.just(["-", "4"])))
    if kind == 1:
        items = draw(st.lists(data_values(depth - 1), max_size=3))
        return ["[", *_joined(items, [","] * len(items)), "]"] if items else ["[", "]"]
    pairs = draw(st.lists(st.tuples(NAMES, data_values(depth - 1)), max_size=4))
    body = [[key, ":", *value] for key, value in pairs]
    commas = [draw(st.sampled_from([",", ""])) for _ in body]
    return ["{", *(_joined(body, commas) if body else []), "}"]


@st.composite
def statements(draw: st.DrawFn, depth: int = 1) -> Tokens:
    kind = draw(st.integers(0, 9 if depth else 7))
    label = _maybe(draw, texts())
    name = draw(NAMES)
    if kind == 0:
        return ["field", name, ":", *draw(paths())[:1], *label, *_options(draw)]
    if kind == 1:
        return ["field", name, ":", "choice", *label, *_options(draw), *draw(code_blocks())]
    if kind == 2:
        head = ["computed", name, ":", "integer", *label, "=", *draw(expressions())]
        return head + _options(draw)
    if kind == 3:
        return ["info", *draw(st.sampled_from([[], [name]])), *draw(texts()), *_options(draw)]
    if kind == 4:
        return ["rule", *draw(expressions()), *_options(draw)]
    if kind == 5:
        return ["group", name, ":", draw(NAMES), *label, *_options(draw)]
    if kind == 6:
        return _metadata(draw, name, label)
    if kind == 7:
        return ["codes", name, *label, *_options(draw), *draw(code_blocks())]
    if kind == 8:
        return _test(draw)
    keyword = draw(st.sampled_from(["page", "group", "repeat", "alternative"]))
    body = [t for item in draw(st.lists(statements(depth - 1), max_size=3)) for t in item]
    return [keyword, name, *label, *_options(draw), "{", *body, "}"]


def _metadata(draw: st.DrawFn, name: str, label: Tokens) -> Tokens:
    return draw(
        st.sampled_from(
            [
                ["title", *(label or ['"T"'])],
                ["languages", "de", ",", "en"],
                ["use", name, ",", "b", "from", '"m.form"'],
                ["codes", name, *label, "from", '"c.csv"', "optional"],
            ]
        )
    )


def _test(draw: st.DrawFn) -> Tokens:
    items = st.one_of(
        st.just(["today", "2025-01-01"]),
        st.sampled_from([["expect", "valid"], ["expect", "invalid"]]),
        expressions().map(lambda e: ["expect", *e]),
        data_values(2).map(lambda v: ["given", *v] if v[0] == "{" else ["given", "{", "}"]),
    )
    body = [t for item in draw(st.lists(items, max_size=4)) for t in item]
    return ["test", draw(STRINGS), "{", *body, "}"]


SEPARATORS = st.sampled_from(
    [" ", " ", " ", "\n", "\n  ", "\n\n", "  # end of line\n", "\n# own line  \n", "\n\n#\n\n"]
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    version = draw(st.sampled_from([[], ["version", '"1.0"']]))
    body = [t for s in draw(st.lists(statements(), max_size=5)) for t in s]
    tokens = ["form", draw(NAMES), *version, "{", *body, "}"]
    seps = draw(st.lists(SEPARATORS, min_size=len(tokens), max_size=len(tokens)))
    head = draw(st.sampled_from(["", "# head\n", "\n\n# head\n\n"]))
    tail = draw(st.sampled_from(["", "\n", "  # tail", "\n\n# end\n"]))
    return head + "".join(t + sep for t, sep in zip(tokens, [*seps[1:], ""], strict=True)) + tail


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_random_documents_are_stable_and_equivalent(text: str) -> None:
    parsed, diags = parse(Source(text))
    assert parsed.document is not None, (text, diags)
    assert_canonical_layout(assert_stable_and_equivalent(text))
