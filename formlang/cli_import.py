"""CLI command group `formlang import` with `fim` (outermost stage).

Registered on the `formlang` group by `formlang.cli`. The importer (and lxml)
is loaded only when the command runs. Exit codes: 0 imported (notes
allowed), 1 the output has errors, 2 unusable input or usage.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from formlang import diagnostics as d

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


@click.group("import")
def import_group() -> None:
    """Import forms from other formats.

    \b
    Examples:
      formlang import fim S00000009.xml -o gewerbe.form --codelists codes/
    """


@import_group.command("fim")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="The .form file to write (default: standard output). Groups used more than once "
    "go to a module file next to it, OUT_gruppen.form.",
)
@click.option(
    "--codelists",
    multiple=True,
    type=click.Path(file_okay=False),
    help="A folder with genericode code lists (searched recursively; may be given more than once). "
    "Nothing is downloaded.",
)
def fim(file: str, output: str | None, codelists: Sequence[str]) -> None:
    """Import a FIM XDatenfelder 2.0 or 3.0 Stammdatenschema as a .form file.

    The output passes `formlang check`; what could not be translated is listed
    on standard error with the line of the XML file.

    \b
    Examples:
      formlang import fim S05000058.xml -o bewohnerparken.form --codelists codelists/
      formlang import fim S00000000364.xml > heimarbeit.form
    """
    from formlang.fim_import import FimError, import_fim

    path = Path(file)
    for folder in codelists:
        if not Path(folder).is_dir():
            _fail(f"--codelists {folder}: no such folder")
    if output is not None and not Path(output).name.endswith(".form"):
        _fail(f"-o {output}: the output file must end in .form")
    if output is not None and not Path(output).resolve().parent.is_dir():
        _fail(f"-o {output}: the folder {Path(output).parent} does not exist")
    try:
        data = path.read_bytes()
    except OSError as exc:
        _fail(f"{file}: cannot read the file: {exc.strerror or exc}")
    out = Path(output) if output else None
    try:
        result = import_fim(data, out=out, codelists=[Path(c) for c in codelists], name=file)
    except OSError as exc:
        _fail(f"cannot write the output: {exc.strerror or exc}")
    except FimError as exc:
        where = f"{file}:{exc.line}" if exc.line else file
        click.echo(f"{where}: error: {exc.message}", err=True)
        if exc.hint:
            click.echo(f"  hint: {exc.hint}", err=True)
        sys.exit(EXIT_USAGE)
    _summary(file, result)
    if out is not None:
        try:
            out.write_text(result.form_text, encoding="utf-8", newline="\n")
        except OSError as exc:
            _fail(f"{out}: cannot write the file: {exc.strerror or exc}")
        module = [str(out.with_name(result.module_path.name))] if result.module_path else []
        wrote = [str(out), *module]
        click.echo(f"wrote {', '.join(wrote)}", err=True)
    else:
        click.echo(result.form_text, nl=False)
    sys.exit(EXIT_PROBLEMS if result.errors else EXIT_OK)


def _summary(file: str, result: Any) -> None:
    for note in result.notes:
        where = f"{file}:{note.line}" if note.line else file
        kind = "warning" if note.untranslated else "note"
        click.echo(f"{where}: {kind}: {note.message}", err=True)
    for diag in result.diagnostics:
        click.echo(d.render_text(diag), err=True)
    stats = result.stats
    untranslated = sum(1 for n in result.notes if n.untranslated)
    click.echo(
        f"imported {result.title}: {stats['fields']} fields, {stats['groups']} groups, "
        f"{stats['rules']} rules ({stats['rules'] - stats['rules_not_translated']} translated), "
        f"{stats['code_lists']} code lists; {untranslated} thing(s) not translated; "
        f"check: {d.summary(result.diagnostics)}",
        err=True,
    )


def _fail(message: str) -> NoReturn:
    click.echo(f"formlang: error: {message}", err=True)
    sys.exit(EXIT_USAGE)
