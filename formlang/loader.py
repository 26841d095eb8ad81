"""Reading `.form` files and finding imported ones: files -> parsed units.

Every way a file can be unusable (missing, a folder, unreadable, a symlink
loop, too large, binary, not UTF-8) becomes a diagnostic. Imports are
resolved relative to the importing file first, then to each library root.
Each file is read and parsed once per `Loader`.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from pathlib import Path

from formlang import diagnostics as d
from formlang.parser import parse
from formlang.source import Source, decode
from formlang.syntax import ParsedFile

MAX_FILE_BYTES = 4 * 1024 * 1024


@dataclass(eq=False)
class Unit:
    """One file: its source, its syntax tree (None if unusable) and problems."""

    key: str  # the resolved path
    display: str  # the path as shown in messages
    source: Source
    parsed: ParsedFile | None
    diagnostics: list[d.Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.parsed is not None and self.parsed.document is not None


def display_path(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("../..") else rel


class Loader:
    def __init__(self, roots: tuple[Path, ...] = ()) -> None:
        if not roots:
            from formlang._data import library_root

            roots = (library_root(),)
        self.roots = roots
        self._units: dict[str, Unit] = {}

    def load(self, path: Path, display: str | None = None) -> Unit:
        shown = display or display_path(path)
        try:
            key = str(path.resolve(strict=False))
        except (OSError, RuntimeError):  # a symlink loop on some Pythons
            key = str(path.absolute())
        if key not in self._units:
            self._units[key] = self._read(path, key, shown)
        return self._units[key]

    def load_text(self, text: str, path: str) -> Unit:
        source = Source(text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"), path)
        parsed, diags = parse(source)
        unit = Unit(path, path, source, parsed, diags)
        self._units[path] = unit
        return unit

    def _read(self, path: Path, key: str, shown: str) -> Unit:
        empty = Source("", shown)
        data, problem = _read_bytes(path)
        if problem:
            return Unit(key, shown, empty, None, [d.make("FL100", problem, empty.span(0))])
        assert data is not None
        if len(data) > MAX_FILE_BYTES:
            msg = f"the file is larger than {MAX_FILE_BYTES >> 20} MB, the limit for a .form file"
            hint = "split it into a form and modules"
            return Unit(key, shown, empty, None, [d.make("FL101", msg, empty.span(0), hint=hint)])
        text, bad, offset = decode(data, shown)
        if text is None:
            return Unit(key, shown, empty, None, [_decode_problem(bad, offset, data, shown)])
        source = Source(text, shown)
        parsed, diags = parse(source)
        return Unit(key, shown, source, parsed, diags)

    def find(self, rel: str, importer: Source, *, suffixes: tuple[str, ...] = ()) -> list[Path]:
        """Candidate files for an import path, in the order they are tried."""
        candidates = []
        raw = Path(rel)
        if raw.is_absolute():
            return [raw]
        if importer.directory is not None:
            candidates.append(importer.directory / raw)
        candidates.extend(root / raw for root in self.roots)
        return candidates


def _read_bytes(path: Path) -> tuple[bytes | None, str | None]:
    try:
        if path.is_dir():
            return None, "this is a folder, not a .form file"
        with path.open("rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1), None
    except FileNotFoundError:
        return None, "no such file"
    except PermissionError:
        return None, "the file cannot be read (permission denied)"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None, "the path is a loop of symbolic links"
        return None, f"the file cannot be read ({exc.strerror or exc})"
    except RuntimeError:
        return None, "the path is a loop of symbolic links"


def _decode_problem(kind: str | None, offset: int, data: bytes, shown: str) -> d.Diagnostic:
    # Show the text as far as it can be read, with the bad byte replaced.
    readable = data.decode("utf-8", errors="replace").replace("\x00", "\ufffd")
    start = len(data[:offset].decode("utf-8", errors="replace"))
    source = Source(readable.replace("\r\n", "\n").replace("\r", "\n"), shown)
    start -= data[:offset].count(b"\r\n")
    span = source.span(start, start + 1)
    if kind == "binary":
        msg = "this is a binary file, not a .form text file (it contains a NUL byte)"
    else:
        msg = f"the file is not valid UTF-8 (byte 0x{data[offset]:02x} at offset {offset})"
    return d.make("FL103", msg, span, hint="save the file as UTF-8 text")
