"""Patterns that mean the same in Python and in JavaScript (resolver stage).

A `pattern` is checked by the Python validator (`re`, ASCII mode) and by the
browser (`RegExp` with the `u` flag) and goes into JSON Schema (ECMA-262).
`check_pattern` accepts only the common subset: it compiles the pattern with
Python, then scans it for constructs that one dialect lacks or reads
differently, and names the construct and a portable replacement.
"""

from __future__ import annotations

import re
import warnings

from formlang import diagnostics as d
from formlang.source import Span

_SYNTAX_CHARS = set("^$\\.*+?()[]{}|/")
_ESCAPE_LETTERS = set("dwnrtfv")
_NOT_PORTABLE_ESCAPES = {
    "A": r"'\A' (use '^')",
    "Z": r"'\Z' (use '$')",
    "z": r"'\z' (use '$')",
    "G": r"'\G'",
    "p": r"'\p{…}' Unicode classes (list the letters, such as [A-Za-zÄÖÜäöüß])",
    "P": r"'\P{…}' Unicode classes",
    "a": r"'\a'",
    "s": r"'\s' (Python and JavaScript count different white space; write [ ] or [ \t])",
    "D": r"'\D' (engines disagree on what a digit is; write [^0-9])",
    "W": r"'\W' (engines disagree on word characters; write [^A-Za-z0-9_])",
    "b": r"'\b' (engines disagree on word boundaries; anchor with ^ and $ instead)",
    "B": r"'\B' (engines disagree on word boundaries)",
    "S": r"'\S' (write a class such as [^ ])",
    "N": r"'\N{…}'",
}
_GROUP_PREFIXES = {
    "(?P": "named groups (use a plain group '(…)')",
    "(?>": "atomic groups",
    "(?#": "comments",
    "(?(": "conditional groups",
}
_QUANTIFIER = re.compile(r"\{\d+(,\d*)?\}")


def check_pattern(pattern: str, span: Span) -> list[d.Diagnostic]:
    problem = _portability_problem(pattern) or _python_problem(pattern)
    if problem is None:
        return []
    return [
        d.make(
            "FL402",
            f"the pattern {problem}",
            span,
            hint="patterns must work the same in Python and JavaScript; see "
            "docs/language.md#patterns",
        )
    ]


def _python_problem(pattern: str) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            re.compile(pattern, re.ASCII)
    except re.error as exc:
        where = f" at position {exc.pos + 1}" if exc.pos is not None else ""
        return f"is not a valid regular expression: {exc.msg}{where}"
    except (FutureWarning, DeprecationWarning) as exc:
        return f"is ambiguous: {exc}"
    except (RecursionError, OverflowError):
        return "is too complex"
    return None


def _portability_problem(pattern: str) -> str | None:
    i, in_class = 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            problem = _escape_problem(pattern[i + 1 : i + 2], in_class)
            if problem:
                return problem
            i += 2
            continue
        if in_class:
            if pattern.startswith("[:", i):
                return "uses POSIX classes such as [:alpha:], which JavaScript does not know"
            in_class = ch != "]"
        elif ch == "[":
            if pattern.startswith(("[]", "[^]"), i):
                return "starts a class with ']', which JavaScript reads differently: write '\\]'"
            in_class = True
        elif quantifier := _QUANTIFIER.match(pattern, i):
            if pattern[quantifier.end() : quantifier.end() + 1] == "+":
                return "uses a possessive quantifier ('{n}+'), which JavaScript does not support"
            i = quantifier.end()
            continue
        else:
            problem = _outside_class_problem(pattern, i)
            if problem:
                return problem
        i += 1
    return None


def _escape_problem(nxt: str, in_class: bool) -> str | None:
    if not nxt or nxt.isdigit() or nxt in ("x", "u") or nxt in _ESCAPE_LETTERS:
        return None
    if nxt in _NOT_PORTABLE_ESCAPES:
        return f"uses {_NOT_PORTABLE_ESCAPES[nxt]}, which Python and JavaScript do not read alike"
    if nxt in _SYNTAX_CHARS or (in_class and nxt == "-"):
        return None
    return f"escapes '{nxt}' needlessly ('\\{nxt}' is an error in JavaScript): write '{nxt}'"


def _outside_class_problem(pattern: str, i: int) -> str | None:
    for prefix, what in _GROUP_PREFIXES.items():
        if pattern.startswith(prefix, i):
            return f"uses {what}, which JavaScript does not support"
    if pattern.startswith("(?<", i) and not pattern.startswith(("(?<=", "(?<!"), i):
        return "uses named groups (use a plain group '(…)')"
    if pattern.startswith("(?", i) and pattern[i + 2 : i + 3].isalpha():
        return "sets flags inside the pattern, which JavaScript does not support"
    ch = pattern[i]
    if ch in "*+?}" and pattern[i + 1 : i + 2] == "+":
        return "uses a possessive quantifier ('*+', '++'), which JavaScript does not support"
    if ch == "{":
        return "has a '{' that is not a repetition such as {2,5}: write '\\{'"
    if ch in "}]":
        return f"has an unmatched '{ch}': write '\\{ch}'"
    return None


_CLASS_ESCAPES = {"d": "0-9", "w": "A-Za-z0-9_"}


def portable(pattern: str) -> str:
    """The pattern with `\\d` and `\\w` spelt out as ASCII classes.

    Python, JavaScript and the Rust engine of jsonschema-rs disagree on
    whether `\\d` matches other digits than 0-9 (and `\\w` other letters);
    written out, every engine reads them the same.
    """
    if "\\" not in pattern:
        return pattern
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt in _CLASS_ESCAPES:
                spelt = _CLASS_ESCAPES[nxt]
                out.append(spelt if in_class else f"[{spelt}]")
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)
