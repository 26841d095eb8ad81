"""Code list files (CSV, OASIS genericode 1.0): read for the resolver, which turns them into choices.

`load_codelist` never raises for bad input; every problem is an FL704/FL705
diagnostic at the span of the path string in the `.form` file. It reads the
file (plain or gzipped, at most MAX_BYTES), lets `codelists_csv` or
`genericode` turn it into rows, and keeps one result per file version in a
cache, so that a list that many forms name is read once.
"""

from __future__ import annotations

import functools
import gzip
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

from formlang.codelist_rows import Problem, RawCodeList, Unusable
from formlang.codelists_csv import read_csv
from formlang.diagnostics import Diagnostic, Severity, make
from formlang.genericode import read_genericode
from formlang.source import Span

FORMATS = (".csv", ".xml", ".xml.gz")
MAX_BYTES = 64 * 1024 * 1024  # also caps what a .gz may inflate to


@dataclass(frozen=True, slots=True, kw_only=True)
class CodeEntry:
    code: str
    labels: tuple[tuple[str, str], ...]  # (language tag, label); the first is the default language

    @property
    def label(self) -> str:
        return self.labels[0][1]


@dataclass(frozen=True, slots=True, kw_only=True)
class CodeListFile:
    path: str
    entries: tuple[CodeEntry, ...]
    name: str | None
    uri: str | None
    version: str | None
    version_uri: str | None
    source: str | None
    key_column: str | None = None  # the column the codes came from ("code" for CSV)
    label_column: str | None = None  # the column the default labels came from


_Result = tuple[CodeListFile | None, tuple[Problem, ...]]


def load_codelist(
    path: Path, *, span: Span, default_lang: str = "de", label_column: str | None = None
) -> tuple[CodeListFile | None, list[Diagnostic]]:
    """The code list in `path`, or None when it cannot be used; problems are reported at `span`.

    `label_column` picks the label column of a genericode list (CSV has `label`).
    """
    if not path.name.lower().endswith(FORMATS):
        hint = f"use one of {', '.join(FORMATS)} (CSV or OASIS genericode)"
        return None, [
            make("FL705", f"unsupported code list format: '{path.name}'", span, hint=hint)
        ]
    try:
        stat = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        message = f"code list file '{path.name}' not found"
        return None, [make("FL704", message, span, hint=f"looked for {path.resolve()}")]
    except OSError as exc:
        return None, [
            make("FL705", f"cannot read code list file '{path.name}': {exc.strerror}", span)
        ]
    resolved = str(path.resolve())
    codes, problems = _load_cached(
        resolved, stat.st_mtime_ns, stat.st_size, label_column, default_lang
    )
    if codes is not None:
        codes = replace(codes, path=str(path))
    return codes, [_diagnostic(p, span) for p in problems]


def clear_cache() -> None:
    _load_cached.cache_clear()


def _diagnostic(problem: Problem, span: Span) -> Diagnostic:
    severity = Severity.WARNING if problem.warning else None
    return make(problem.code, problem.message, span, hint=problem.hint, severity=severity)


@functools.lru_cache(maxsize=32)
def _load_cached(
    resolved: str, mtime_ns: int, size: int, label_column: str | None, default_lang: str
) -> _Result:
    """Parses once per file version; mtime and size are part of the key only."""
    path = Path(resolved)
    try:
        if path.name.lower().endswith(".csv"):
            raw = read_csv(_read(path), path.name, default_lang)
        else:
            raw = read_genericode(_read(path), path.name, default_lang, label_column)
        return _result(raw, path.name)
    except Unusable as exc:
        return None, (exc.problem,)


def _read(path: Path) -> bytes:
    try:
        opener = gzip.open if path.name.lower().endswith(".gz") else open
        with opener(path, "rb") as stream:
            data: bytes = stream.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise Unusable(f"'{path.name}' is a directory, not a code list file") from None
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise Unusable(f"{path.name} is not a valid gzip file: {exc}") from None
    except OSError as exc:
        raise Unusable(f"cannot read code list file '{path.name}': {exc.strerror}") from None
    if len(data) > MAX_BYTES:
        raise Unusable(f"{path.name} is larger than {MAX_BYTES // 2**20} MiB")
    return data


def _result(raw: RawCodeList, name: str) -> _Result:
    """The list of the rows in order (a repeated code keeps its first row) and the problems."""
    seen: dict[str, list[str]] = {}
    entries = []
    problems = list(raw.problems)
    for code, labels, where in raw.rows:
        seen.setdefault(code, []).append(where)
        if len(seen[code]) == 1:
            entries.append(CodeEntry(code=code, labels=labels))
    for code, wheres in seen.items():
        if len(wheres) > 1:
            problems.append(
                Problem("FL705", f"{name}: duplicate code '{code}' at {_enumerate(wheres)}")
            )
    if not entries and not problems:
        raise Unusable(f"{name} contains no codes")
    if not entries:
        return None, tuple(problems)
    codes = CodeListFile(
        path=name,
        entries=tuple(entries),
        key_column=raw.key_column,
        label_column=raw.label_column,
        **raw.metadata,
    )
    return codes, tuple(problems)


def _enumerate(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
