"""CLI commands that use compiled forms: `build`, `validate`, `test`, `pdf-extract` (outermost stage).

Registered on the `formlang` group by `formlang.cli`. Heavy modules (the
validator, jsonschema-rs) are imported inside the commands, so `formlang
check` stays fast. Exit codes: 0 fine, 1 problems found, 2 unusable input.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from formlang import diagnostics as d

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
FORMATS = ("schema", "html", "pdf")


def _load(path: str, color: bool | None = None) -> Any:
    """The compiled form, or exit 2 with its diagnostics."""
    from formlang.api import FormError, load

    try:
        return load(path)
    except FormError as error:
        style = d.Style.ansi() if (sys.stdout.isatty() if color is None else color) else d.Style()
        for diag in error.diagnostics:
            click.echo(d.render_text(diag, style), err=True)
        click.echo(f"formlang: {path}: the form has errors; fix them first", err=True)
        sys.exit(EXIT_USAGE)


@click.command()
@click.argument("forms", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="schema",
    show_default=True,
    help="What to build.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False),
    default="build",
    show_default=True,
    help="The folder to write to.",
)
@click.option(
    "--lang",
    default=None,
    help="Language (default: schema in the form's first; html in each of the form's languages).",
)
@click.option(
    "--fragment",
    is_flag=True,
    help="html: write an embeddable fragment (<id>.fragment.html) instead of a page.",
)
@click.option(
    "--data",
    "data_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="pdf: print this submission (JSON) instead of the blank form (tagged PDF/UA-1).",
)
@click.option(
    "--archive", is_flag=True, help="pdf with --data: PDF/A-3 with the submission JSON embedded."
)
@click.option(
    "--fillable", is_flag=True, help="pdf: a fillable form (AcroForm fields named by data path)."
)
def build(
    forms: Sequence[str],
    fmt: str,
    out: str,
    lang: str | None,
    fragment: bool,
    data_file: str | None,
    archive: bool,
    fillable: bool,
) -> None:
    """Build forms: the JSON Schema, the HTML page (or fragment) with its assets, or a PDF.

    \b
    Examples:
      formlang build library/forms/gewerbeanmeldung.form --format schema --out build/
      formlang build library/forms/ --format html --out build/
      formlang build hundesteuer.form --format html --fragment --lang en --out portal/
      formlang build library/forms/ --format pdf --out build/          blank print forms
      formlang build hundesteuer.form --format pdf --fillable --out build/
      formlang build hundesteuer.form --format pdf --data antrag.json --archive --out akte/
    """
    if fmt != "pdf" and (data_file or archive or fillable):
        click.echo(
            "formlang: error: --data, --archive and --fillable go with --format pdf", err=True
        )
        sys.exit(EXIT_USAGE)
    if archive and not data_file:
        click.echo("formlang: error: --archive needs --data SUBMISSION.json", err=True)
        sys.exit(EXIT_USAGE)
    data = _read_json(data_file) if data_file else None
    from formlang.api import form_files

    files, empty = form_files(forms)
    if empty:
        click.echo(f"formlang: error: no .form files found in {', '.join(empty)}", err=True)
        sys.exit(EXIT_USAGE)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    for file in files:
        form = _load(str(file))
        if form.ir.kind != "form":
            continue
        if fmt == "html":
            _build_html(form, folder, lang, fragment)
            continue
        if fmt == "pdf":
            _build_pdf(form, folder, lang, data, archive, fillable)
            continue
        target = folder / f"{form.id}.schema.json"
        text = json.dumps(form.schema(lang), ensure_ascii=False, indent=2) + "\n"
        target.write_text(text, encoding="utf-8")
        click.echo(f"wrote {target}")


def _build_html(form: Any, folder: Path, lang: str | None, fragment: bool) -> None:
    from formlang.html_render import write_html

    if lang is not None and lang not in form.languages:
        click.echo(
            f"formlang: error: {form.ir.path}: the form has no language {lang!r} "
            f"(it has {', '.join(form.languages)})",
            err=True,
        )
        sys.exit(EXIT_USAGE)
    for language in [lang] if lang else form.languages:
        written = write_html(form.ir, folder, language, fragment=fragment)
        click.echo(f"wrote {written[0]}")


def _build_pdf(
    form: Any, folder: Path, lang: str | None, data: Any, archive: bool, fillable: bool
) -> None:
    from formlang.pdf_render import write_pdf

    if lang is not None and lang not in form.languages:
        click.echo(f"formlang: error: {form.ir.path}: the form has no language {lang!r}", err=True)
        sys.exit(EXIT_USAGE)
    if data is not None and not isinstance(data, dict):
        click.echo("formlang: error: the submission is not a JSON object", err=True)
        sys.exit(EXIT_USAGE)
    effective = form.validate(data, lang=lang).data if data is not None else None
    target = write_pdf(form.ir, folder, lang, data=effective, archive=archive, fillable=fillable)
    click.echo(f"wrote {target}")


@click.command(name="pdf-extract")
@click.argument("form_path", metavar="FORM", type=click.Path())
@click.argument("pdf", metavar="FILLED.pdf", type=click.Path(dir_okay=False))
@click.option(
    "--lang", default=None, help="Language the numbers were typed in (default: the form's)."
)
@click.option(
    "--out", "out", type=click.Path(dir_okay=False), default=None, help="Write the JSON here."
)
@click.option("--check", is_flag=True, help="Also validate it; exit 1 if it is not valid.")
def pdf_extract(form_path: str, pdf: str, lang: str | None, out: str | None, check: bool) -> None:
    """Read a filled fillable PDF into a submission (JSON).

    Exit 0: read (and, with --check, valid); 1: not valid; 2: unusable input.

    \b
    Examples:
      formlang pdf-extract library/forms/hundesteuer.form ausgefuellt.pdf > antrag.json
      formlang pdf-extract hundesteuer.form ausgefuellt.pdf --check --out antrag.json
    """
    from formlang.pdf_extract import ExtractError

    form = _load(form_path)
    try:
        data = form.read_pdf(Path(pdf), lang=lang)
    except (ExtractError, OSError) as exc:
        click.echo(f"formlang: error: {pdf}: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    if check:
        result = form.validate(data, lang=lang)
        for error in result.errors:  # on stderr: stdout may carry the JSON
            mark = "error" if error.severity == "error" else "warning"
            click.echo(
                f"{pdf}: {error.path or '/'}: {mark}[{error.code}]: {error.message}", err=True
            )
        sys.exit(EXIT_OK if result.ok else EXIT_PROBLEMS)


@click.command()
@click.argument("form_path", metavar="FORM", type=click.Path())
@click.argument("submission", type=click.Path())
@click.option("--lang", default=None, help="Language of the messages (default: the form's).")
@click.option(
    "--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--today", default=None, help="Validate as on this date (YYYY-MM-DD).")
def validate(
    form_path: str, submission: str, lang: str | None, output: str, today: str | None
) -> None:
    """Validate a submission (JSON) against a form.

    Exit 0: valid; 1: invalid (the errors are printed); 2: unusable input.

    \b
    Examples:
      formlang validate library/forms/gewerbeanmeldung.form antrag.json
      formlang validate antrag.form antrag.json --lang en --format json
    """
    day = _date(today)
    data = _read_json(submission)
    form = _load(form_path)
    result = form.validate(data, lang=lang, today=day)
    if output == "json":
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        _print_result(submission, result)
    sys.exit(EXIT_OK if result.ok else EXIT_PROBLEMS)


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        click.echo(f"formlang: error: --today {text!r} is not a date (YYYY-MM-DD)", err=True)
        sys.exit(EXIT_USAGE)


def _read_json(path: str) -> Any:
    def refuse(constant: str) -> Any:
        raise ValueError(f"{constant} is not allowed in JSON")

    try:
        text = Path(path).read_text(encoding="utf-8")
        return json.loads(text, parse_constant=refuse)
    except OSError as exc:
        problem = exc.strerror or str(exc)
    except UnicodeDecodeError:
        problem = "not UTF-8 text"
    except (ValueError, RecursionError) as exc:
        problem = f"not valid JSON ({exc})"
    click.echo(f"formlang: error: {path}: {problem}", err=True)
    sys.exit(EXIT_USAGE)


def _print_result(name: str, result: Any) -> None:
    errors = [e for e in result.errors if e.severity == "error"]
    warnings = [e for e in result.errors if e.severity == "warning"]
    verdict = "valid" if result.ok else "invalid"
    counts = [f"{len(errors)} error{'s' if len(errors) != 1 else ''}"] if errors else []
    if warnings:
        counts.append(f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}")
    click.echo(f"{name}: {verdict}" + (f" ({', '.join(counts)})" if counts else ""))
    for error in result.errors:
        mark = "error" if error.severity == "error" else "warning"
        click.echo(f"  {error.path or '/'}: {mark}[{error.code}]: {error.message}")


@click.command(name="test")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--verbose", "-v", is_flag=True, help="List every test, not only failures.")
def test_command(paths: Sequence[str], verbose: bool) -> None:
    """Run the scenario tests (`test "…" { … }`) of forms.

    \b
    Examples:
      formlang test library/
      formlang test my.form -v
    """
    from formlang.api import form_files
    from formlang.scenario_run import run_scenarios

    files, empty = form_files(paths)
    if empty:
        click.echo(f"formlang: error: no .form files found in {', '.join(empty)}", err=True)
        sys.exit(EXIT_USAGE)
    total = failed = broken = 0
    for file in files:
        form = _load_for_test(str(file))
        if form is None:
            broken += 1
            continue
        if form.ir.kind != "form":
            continue  # modules have no scenario tests
        for outcome in run_scenarios(form):
            total += 1
            failed += not outcome.ok
            _print_outcome(outcome, verbose)
    summary = f"{total} test{'s' if total != 1 else ''}: {total - failed} passed, {failed} failed"
    click.echo(summary + (f"; {broken} form(s) with errors" if broken else ""))
    sys.exit(EXIT_PROBLEMS if failed or broken else EXIT_OK)


def _load_for_test(path: str) -> Any:
    from formlang.api import FormError, load

    try:
        form = load(path)
    except FormError as error:
        for diag in error.diagnostics:
            click.echo(d.render_text(diag))
        return None
    return form


def _print_outcome(outcome: Any, verbose: bool) -> None:
    if outcome.ok:
        if verbose:
            click.echo(f"ok    {outcome.span}: {outcome.name}")
        return
    click.echo(f"FAIL  {outcome.span}: {outcome.name}")
    for failure in outcome.failures:
        click.echo(f"  {failure.span}: {failure.expectation}")
        click.echo(f"    {failure.message}")
