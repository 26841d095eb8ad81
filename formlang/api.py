"""The Python API: load and check forms (the boundary where problems become exceptions).

`load(path)` and `parse(text)` return the checked IR form or raise
`FormError` carrying every diagnostic; `check_paths` is what the CLI uses
to check many files at once, sharing imported modules between them.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from formlang import diagnostics as d
from formlang import ir
from formlang.form import Form
from formlang.loader import Loader


class FormError(Exception):
    """A form could not be compiled; `diagnostics` says every reason."""

    def __init__(self, diagnostics: Sequence[d.Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        errors = [x for x in self.diagnostics if x.is_error]
        first = d.render_text(errors[0]) if errors else "unknown problem"
        more = f"\n(and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"{first}{more}")


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Compiling makes many small objects and no cycles worth collecting mid-way:
    the cyclic collector would cost a sixth of the time for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _compiler(library: Iterable[str | Path] | None) -> object:
    from formlang.resolve import Compiler

    roots = tuple(Path(p) for p in library) if library else ()
    return Compiler(Loader(roots + _default_roots() if roots else ()))


def _default_roots() -> tuple[Path, ...]:
    from formlang._data import library_root

    return (library_root(),)


def load(path: str | os.PathLike[str], *, library: Iterable[str | Path] | None = None) -> Form:
    """The checked form in the file at `path`; raises `FormError` on errors."""
    from formlang.resolve import Compiler

    compiler = _compiler(library)
    assert isinstance(compiler, Compiler)
    with _no_gc():
        form = compiler.compile(compiler.loader.load(Path(path), str(path)))
    return _result(form, compiler.diags.items)


def parse(
    text: str, path: str = "<string>", *, library: Iterable[str | Path] | None = None
) -> Form:
    """The checked form in `text` (imports resolve relative to `path`)."""
    from formlang.resolve import Compiler

    compiler = _compiler(library)
    assert isinstance(compiler, Compiler)
    with _no_gc():
        form = compiler.compile(compiler.loader.load_text(text, path))
    return _result(form, compiler.diags.items)


def _result(form: ir.Form | None, diags: list[d.Diagnostic]) -> Form:
    ordered = d.sort(diags)
    if form is None or any(x.is_error for x in ordered):
        raise FormError(ordered)
    return Form(form)


def form_files(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[str]]:
    """The .form files named or found below the given paths, and paths that held none."""
    files: list[Path] = []
    empty: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir() and path.suffix != ".form":  # a folder named x.form is reported
            found = sorted(_walk(path))
            if not found:
                empty.append(str(raw))
            files.extend(found)
        else:
            files.append(path)
    return files, empty


def _walk(folder: Path) -> Iterable[Path]:
    for root, dirs, names in os.walk(folder, followlinks=False):
        dirs[:] = sorted(x for x in dirs if not x.startswith("."))
        for name in names:
            if name.endswith(".form"):
                yield Path(root) / name


def check_paths(
    paths: Iterable[str | os.PathLike[str]], *, library: Iterable[str | Path] | None = None
) -> tuple[list[ir.Form], list[d.Diagnostic]]:
    """Checks every file; modules shared between them are checked once."""
    from formlang.resolve import Compiler

    compiler = _compiler(library)
    assert isinstance(compiler, Compiler)
    files, _ = form_files(paths)
    forms = []
    for file in files:
        with _no_gc():
            form = compiler.compile(compiler.loader.load(file, str(file)))
        if form is not None:
            forms.append(form)
    return forms, d.sort(compiler.diags.items)
