"""The `formlang` command line: check and format forms (the outermost stage).

Exit codes that scripts can trust: 0 clean (warnings allowed), 1 problems
found (or, with `fmt --check`, files that need formatting), 2 usage errors.
Diagnostics are coloured on a terminal and plain in a pipe; `--format json`
gives them to tools and editors. Nothing here raises past `main`.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from formlang import diagnostics as d

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
MAX_SHOWN = 200


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="formlang", prog_name="formlang")
def main() -> None:
    """formlang: write an administrative form once, check it, format it.

    \b
    Examples:
      formlang check library/              check every .form file below a folder
      formlang check my.form --format json diagnostics for an editor or CI
      formlang fmt my.form                 rewrite a file in the canonical format
      formlang fmt --check library/        exit 1 if any file is not formatted
      formlang test library/               run the scenario tests of every form
      formlang validate my.form data.json  check a submission as the service would
      formlang build my.form --out build/  write the JSON Schema
      formlang build my.form --format pdf  write the blank print form (PDF)
      formlang pdf-extract my.form f.pdf   read a filled PDF form into a submission
      formlang new hundesteuer             start a new form from a template
      formlang list                        show the library's forms and modules
      formlang import fim f.xml -o f.form  import a FIM XDatenfelder schema
      formlang serve library/              run the form service (HTTP)
    """


F = TypeVar("F", bound=Callable[..., Any])


def _register() -> None:
    from formlang.cli_forms import build, pdf_extract, test_command, validate
    from formlang.cli_import import import_group
    from formlang.cli_library import list_command, new
    from formlang.cli_serve import serve

    commands = (build, validate, test_command, pdf_extract, new, list_command, serve, import_group)
    for command in commands:
        main.add_command(command)


_register()


def _library_option(func: F) -> F:
    return click.option(
        "--library",
        "-L",
        "library",
        multiple=True,
        type=click.Path(file_okay=False),
        help="Another folder to look for imported modules and code lists in.",
    )(func)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How to print diagnostics.",
)
@click.option("--color/--no-color", default=None, help="Colour the output (default: on a tty).")
@click.option("--warnings-as-errors", "-W", is_flag=True, help="Exit 1 on warnings too.")
@_library_option
def check(
    paths: Sequence[str],
    output: str,
    color: bool | None,
    warnings_as_errors: bool,
    library: Sequence[str],
) -> None:
    """Check .form files (or every .form file below folders).

    \b
    Examples:
      formlang check library/forms/gewerbeanmeldung.form
      formlang check library/ --format json
    """
    from formlang.api import check_paths, form_files

    files, empty = form_files(paths)
    if empty:
        _usage(f"no .form files found in {', '.join(empty)}")
    _, diags = check_paths(files, library=library or None)
    problems = _report(diags, output, color, len(files))
    failed = any(x.is_error for x in diags) or (warnings_as_errors and bool(diags))
    sys.exit(EXIT_PROBLEMS if failed or problems else EXIT_OK)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--check", "check_only", is_flag=True, help="Write nothing; exit 1 if any file would change."
)
@click.option("--diff", is_flag=True, help="Write nothing; print what would change.")
@click.option("--color/--no-color", default=None, help="Colour the output (default: on a tty).")
def fmt(paths: Sequence[str], check_only: bool, diff: bool, color: bool | None) -> None:
    """Format .form files in the canonical style (comments are kept).

    \b
    Examples:
      formlang fmt my.form
      formlang fmt --check library/
      formlang fmt --diff my.form
    """
    from formlang.api import form_files
    from formlang.fmt import format_text
    from formlang.loader import Loader

    files, empty = form_files(paths)
    if empty:
        _usage(f"no .form files found in {', '.join(empty)}")
    loader = Loader()
    changed, broken = [], []
    for file in files:
        unit = loader.load(file, str(file))
        if unit.parsed is None or unit.parsed.document is None:
            broken.extend(unit.diagnostics)
            continue
        formatted, diags = format_text(unit.source.text, unit.display)
        if formatted is None:
            broken.extend(diags)
            continue
        if formatted != unit.source.text or _raw_differs(file, formatted):
            changed.append(file)
            _apply(file, unit.source.text, formatted, check_only, diff)
    _report(broken, "text", color, len(files), quiet_ok=True)
    verb = "would reformat" if check_only or diff else "reformatted"
    for file in changed:
        click.echo(f"{verb} {file}", err=True)
    kept = len(files) - len(changed) - len({x.span.path for x in broken})
    click.echo(f"{len(changed)} file(s) {verb}, {kept} left unchanged", err=True)
    failed = bool(broken) or ((check_only or diff) and bool(changed))
    sys.exit(EXIT_PROBLEMS if failed else EXIT_OK)


def _raw_differs(file: Path, formatted: str) -> bool:
    """CRLF line ends or a BOM also count as a change."""
    try:
        return file.read_bytes() != formatted.encode("utf-8")
    except OSError:
        return False


def _apply(file: Path, before: str, after: str, check_only: bool, diff: bool) -> None:
    if diff:
        import difflib

        lines = difflib.unified_diff(
            before.splitlines(True),
            after.splitlines(True),
            f"{file} (before)",
            f"{file} (formatted)",
        )
        click.echo("".join(lines), nl=False)
    elif not check_only:
        file.write_text(after, encoding="utf-8", newline="\n")


def _report(
    diags: Sequence[d.Diagnostic],
    output: str,
    color: bool | None,
    files: int,
    quiet_ok: bool = False,
) -> bool:
    if output == "json":
        click.echo(
            json.dumps(
                {
                    "files": files,
                    "errors": sum(1 for x in diags if x.is_error),
                    "warnings": sum(1 for x in diags if not x.is_error),
                    "diagnostics": [d.to_json(x) for x in diags],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return False
    use_color = sys.stdout.isatty() if color is None else color
    style = d.Style.ansi() if use_color else d.Style()
    for diag in diags[:MAX_SHOWN]:
        click.echo(d.render_text(diag, style), color=use_color)  # else click strips it in a pipe
    if len(diags) > MAX_SHOWN:
        click.echo(f"… and {len(diags) - MAX_SHOWN} more")
    if diags or not quiet_ok:
        noun = "file" if files == 1 else "files"
        click.echo(
            f"{'checked' if not quiet_ok else 'read'} {files} {noun}: {d.summary(list(diags))}",
            err=bool(quiet_ok),
        )
    return False


def _usage(message: str) -> None:
    click.echo(f"formlang: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def run() -> None:
    """The console script: no traceback ever reaches a user."""
    # A short-lived process makes no garbage cycles worth collecting; a
    # long-running command (a server) turns the collector back on.
    gc.disable()
    code: int | str | None = 0
    try:
        main(standalone_mode=True)
    except SystemExit as done:
        code = done.code
    except KeyboardInterrupt:
        code = 130
    except RecursionError:
        click.echo("formlang: error: the input is nested too deeply to process", err=True)
        code = EXIT_PROBLEMS
    except Exception as exc:
        click.echo(f"formlang: internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo("This is a bug in formlang; please report it with the input file.", err=True)
        code = 70
    _exit(code)


def _exit(code: int | str | None) -> None:
    """Exits without tearing down every module and object: a fifth of a cold run.

    Everything the command wrote is flushed first; no command leaves work for
    interpreter shutdown (files are closed where they are written).
    """
    if isinstance(code, str):
        click.echo(code, err=True)
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: nothing more can be said
        pass
    os._exit(code or 0)
