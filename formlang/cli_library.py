"""CLI commands for authors starting out: `new` (a starter form) and `list` (the library).

Registered on the `formlang` group by `formlang.cli`. `new` writes a form that
checks cleanly and shows the main constructs; `list` shows what the library
offers to build on, with versions, so no town writes the same form twice.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

STARTER = """# {title}: created with `formlang new`. Check it with `formlang check {file}`.
form {name} version "0.1.0" {{
{todo}  title "{title}" @en "{title_en}"
  authority "Ihre Behörde" @en "Your authority"
  languages de, en

  use person, anschrift from "modules/person.form"

  page antragsteller "Angaben zur Person" @en "About you" {{
    group person: person
    group anschrift: anschrift
    field email: email "E-Mail-Adresse" @en "Email address" autocomplete "email"
  }}

  page anliegen "Ihr Anliegen" @en "Your request" {{
    field art: choice "Worum geht es?" @en "What is it about?" {{
      auskunft "Eine Auskunft" @en "Information"
      antrag "Ein Antrag" @en "An application"
    }}
    field beschreibung: textarea "Beschreibung" @en "Description" max_length 2000
      when art == "antrag"
  }}

  test "Ein Antrag braucht eine Beschreibung" {{
    given {{ art: "antrag" }}
    expect required(beschreibung)
  }}
}}
"""
NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@click.command()
@click.argument("name")
@click.option("--title", default=None, help="The form's title (default: from the name).")
@click.option(
    "--title-en",
    default=None,
    help="The English title (default: the title, with a reminder to translate it).",
)
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False),
    default=".",
    show_default=True,
    help="Where to write NAME.form.",
)
def new(name: str, title: str | None, title_en: str | None, folder: str) -> None:
    """Create a starter form NAME.form that checks cleanly.

    \b
    Examples:
      formlang new hundesteuer
      formlang new kita_platz --title "Antrag auf einen Betreuungsplatz" \\
        --title-en "Application for a childcare place" --dir forms/
    """
    if not NAME.match(name):
        click.echo(
            f"formlang: error: '{name}' is not a form name: use lowercase letters, digits "
            "and '_', starting with a letter (e.g. hundesteuer)",
            err=True,
        )
        sys.exit(2)
    target = Path(folder) / f"{name}.form"
    if target.exists():
        click.echo(f"formlang: error: {target} exists already; nothing was written", err=True)
        sys.exit(2)
    shown = (title or name.replace("_", " ").capitalize()).replace('"', "'")
    todo = "" if title_en else "  # TODO: translate the title: the English one is still German\n"
    english = (title_en or shown).replace('"', "'")
    text = STARTER.format(name=name, title=shown, title_en=english, todo=todo, file=target.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    click.echo(f"wrote {target}; next: formlang check {target}")


@click.command(name="list")
@click.option(
    "--library",
    "-L",
    "folder",
    type=click.Path(file_okay=False),
    default=None,
    help="The library folder (default: the one formlang ships).",
)
def list_command(folder: str | None) -> None:
    """List the library's forms and modules with their versions.

    \b
    Examples:
      formlang list
    """
    from formlang._data import library_root
    from formlang.api import form_files
    from formlang.loader import Loader
    from formlang.syntax import Setting

    root = Path(folder) if folder else library_root()
    files, _ = form_files([root])
    loader = Loader()
    rows = []
    for file in files:
        unit = loader.load(file)
        document = unit.parsed.document if unit.parsed else None
        if document is None:
            rows.append(("?", file.stem, "", str(file.relative_to(root)), "has syntax errors"))
            continue
        version = document.version.value if document.version else ""
        title = next(
            (
                i.text.parts[0].string.value
                for i in document.items
                if isinstance(i, Setting) and i.key == "title"
            ),
            "",
        )
        rows.append((document.kind, document.name.raw, version, str(file.relative_to(root)), title))
    for kind, name, version, path, title in sorted(rows):
        click.echo(f"{kind:<7} {name:<22} {version:<8} {path:<36} {title}".rstrip())
