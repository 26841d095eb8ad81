"""The stage order of the package, read from its `import` statements with `ast`.

source -> parser -> syntax tree -> resolver -> IR -> {checks, schema, validator, …}: each
stage imports only earlier ones, Lark stays in the parsing modules, and the command line and
the API are imported by nobody. Imports under `if TYPE_CHECKING:` and inside functions count
too: they are still a dependency of the module.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "formlang"


def _name(path: Path) -> str:
    """A module's name relative to `formlang`: "ir", "checks.walk", "checks", "__init__"."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts)


MODULES = sorted(_name(path) for path in PACKAGE.rglob("*.py"))

LARK_MODULES = {"lexer", "parser", "transform"}
FOUNDATION = {"source", "diagnostics", "record", "types", "ir", "ir_refs"}
PARSING = {"syntax", "lexer", "scan", "parser", "transform"}
RESOLVER = {
    "loader",
    "resolve",
    "imports",
    "declare",
    "build",
    "fields",
    "options",
    "patterns",
    "texts",
    "scope",
    "exprs",
    "operators",
    "code_checks",
    "functions",
    "scenarios",
    "codelist_files",
    "codelists",
    "codelists_csv",
    "codelist_rows",
    "genericode",
}
CHECK_MAY_IMPORT = {"ir", "ir_refs", "types", "diagnostics", "source"}
ENTRY_POINTS = {"api", "cli"}
# The command line is `cli` and its command modules (`cli_forms`, …): the outermost stage.
COMMAND_LINE = {m for m in MODULES if m == "cli" or m.startswith("cli_")}
# The form service (`formlang/service/`) is an outer stage beside the command line: it loads
# forms through the API and only the command line and the service itself import it.
SERVICE = {m for m in MODULES if m == "service" or m.startswith("service.")}
MAX_LINES = 450
# Modules allowed to be longer than MAX_LINES, each with the reason.
LONG_MODULES = {
    "evaluate": "the validator's evaluator is being extended right now (not part of the split "
    "of the front end); split it once it settles",
}


def _path(module: str) -> Path:
    path = PACKAGE.joinpath(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def _dotted(module: str) -> str:
    """The full name that relative imports count from ("formlang.checks.__init__" for a package)."""
    is_package = _path(module).name == "__init__.py" and module != "__init__"
    return f"formlang.{module}" + (".__init__" if is_package else "")


@cache
def imports_of(module: str) -> frozenset[str]:
    """Every module that `module` imports, fully named ("lark.lexer", "formlang.ir")."""
    tree = ast.parse(_path(module).read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, _dotted(module))
            found.add(base)
            if base == "formlang" or base.startswith("formlang."):
                # `from formlang import ir` imports the module formlang.ir
                found.update(f"{base}.{alias.name}" for alias in node.names)
    return frozenset(found)


def _absolute(node: ast.ImportFrom, importer: str) -> str:
    if node.level == 0:
        return node.module or ""
    parts = importer.split(".")[: -node.level]
    return ".".join([*parts, *([node.module] if node.module else [])])


def formlang_imports(module: str) -> set[str]:
    """The formlang modules that `module` imports, relative to the package ("ir", "checks.walk")."""
    names = {name.removeprefix("formlang.") for name in imports_of(module)}
    return {name for name in names if name in MODULES}


def test_the_module_list_is_complete() -> None:
    assert {"parser", "resolve", "ir", "checks", "checks.walk"} <= set(MODULES)
    known = LARK_MODULES | FOUNDATION | PARSING | RESOLVER | ENTRY_POINTS | set(LONG_MODULES)
    assert known <= set(MODULES), f"stale names in this test: {known - set(MODULES)}"


@pytest.mark.parametrize("module", MODULES)
def test_only_the_parsing_modules_import_lark(module: str) -> None:
    lark = {name for name in imports_of(module) if name == "lark" or name.startswith("lark.")}
    if module not in LARK_MODULES:
        assert not lark, f"{module} imports {sorted(lark)}; Lark stays in {sorted(LARK_MODULES)}"


@pytest.mark.parametrize("module", sorted(FOUNDATION))
def test_the_foundation_knows_nothing_of_syntax_parser_or_resolver(module: str) -> None:
    found = formlang_imports(module) & (PARSING | RESOLVER)
    assert not found, f"{module} imports {sorted(found)}"


@pytest.mark.parametrize("module", sorted(PARSING))
def test_the_parsing_stage_imports_only_the_foundation_and_itself(module: str) -> None:
    allowed = {"source", "diagnostics", "record", "_data"} | PARSING
    found = formlang_imports(module) - allowed
    assert not found, f"{module} imports {sorted(found)}"


def test_the_syntax_tree_does_not_import_the_ir() -> None:
    assert "ir" not in formlang_imports("syntax")


@pytest.mark.parametrize("module", [m for m in MODULES if m.startswith("checks")])
def test_checks_see_only_the_ir(module: str) -> None:
    found = {m for m in formlang_imports(module) - CHECK_MAY_IMPORT if not m.startswith("checks")}
    assert not found, f"{module} imports {sorted(found)}; a check reads the IR only"


@pytest.mark.parametrize("module", MODULES)
def test_nobody_imports_the_command_line_or_the_api(module: str) -> None:
    if module in {"__init__", "__main__"} | COMMAND_LINE | SERVICE:
        return
    found = formlang_imports(module) & ENTRY_POINTS
    assert not found, f"{module} imports {sorted(found)}"


@pytest.mark.parametrize("module", MODULES)
def test_only_the_command_line_imports_the_service(module: str) -> None:
    if module in COMMAND_LINE | SERVICE:
        return
    found = formlang_imports(module) & SERVICE
    assert not found, f"{module} imports {sorted(found)}"


@pytest.mark.parametrize("module", MODULES)
def test_every_module_says_what_it_is_and_stays_small(module: str) -> None:
    text = _path(module).read_text(encoding="utf-8")
    assert ast.get_docstring(ast.parse(text)), f"{module} has no module docstring"
    lines = text.count("\n")
    if module not in LONG_MODULES:
        assert lines <= MAX_LINES, f"{module} has {lines} lines (at most {MAX_LINES})"


def test_the_command_line_starts_without_the_heavy_libraries() -> None:
    heavy = ("jinja2", "jsonschema", "weasyprint", "lxml")
    code = (
        "import sys, formlang.cli\n"
        f"loaded = [m for m in {heavy!r} if m in sys.modules]\n"
        "print(' '.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE.parent,
    )
    assert result.stdout.split() == [], f"import formlang.cli loads {result.stdout.split()}"


RENDERERS = {m for m in MODULES if m.startswith(("html_", "pdf_", "client_"))}


@pytest.mark.parametrize("module", sorted(RENDERERS))
def test_renderers_never_see_the_syntax_tree_or_the_parser(module: str) -> None:
    # `patterns` spells a checked pattern for every engine; the validator uses it as well
    found = formlang_imports(module) & (PARSING | RESOLVER - {"patterns"})
    assert not found, f"{module} imports {sorted(found)}; a renderer reads the IR only"


# The FIM importer is a front end that writes `.form` text: only `formlang import` uses it,
# and it uses the compiler only as any author would (check and format the text it wrote).
FIM_IMPORTER = {m for m in MODULES if m.startswith("fim_")}
FIM_MAY_IMPORT = FOUNDATION | RESOLVER | PARSING | FIM_IMPORTER | {"fmt", "fmt_comments", "_data"}


@pytest.mark.parametrize("module", MODULES)
def test_only_the_import_command_uses_the_fim_importer(module: str) -> None:
    if module in FIM_IMPORTER or module == "cli_import":
        return
    found = formlang_imports(module) & FIM_IMPORTER
    assert not found, f"{module} imports {sorted(found)}; the importer is a front end"


@pytest.mark.parametrize("module", sorted(FIM_IMPORTER))
def test_the_fim_importer_uses_no_target_and_no_entry_point(module: str) -> None:
    found = formlang_imports(module) - FIM_MAY_IMPORT
    assert not found, f"{module} imports {sorted(found)}"
