"""The command line: exit codes, output formats, colour, `fmt` and `--help`.

Most tests run the CLI in-process with click's CliRunner; a few run the
installed console script and `python -m formlang` as subprocesses, which is
what a CI job or an editor does.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from formlang import diagnostics as d
from formlang.cli import main
from formlang.fmt import format_text
from formlang.source import Source

REPO_ROOT = Path(__file__).resolve().parent.parent
CASES = REPO_ROOT / "tests" / "cases"
CLEAN = CASES / "valid" / "minimal.form"
ERRORS = CASES / "diagnostics" / "many_errors_semantic.form"
WARNING_ONLY = CASES / "diagnostics" / "condition_always_true.form"
SYNTAX_ERROR = CASES / "diagnostics" / "syntax_misspelt_keyword.form"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
UNFORMATTED = 'form   f version "1.0.0" {title "T"\n  field a:text "A"   optional}\n'


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def copy(tmp_path: Path) -> object:
    def _copy(source: Path) -> Path:
        target = tmp_path / source.name
        shutil.copyfile(source, target)
        return target

    return _copy


# ---- check: exit codes -------------------------------------------------------------


def test_clean_file_exits_0() -> None:
    result = run("check", CLEAN)
    assert result.exit_code == 0
    assert result.stdout == "checked 1 file: no problems\n"


def test_file_with_errors_exits_1() -> None:
    result = run("check", "--no-color", ERRORS)
    assert result.exit_code == 1
    assert "error[FL303]" in result.stdout
    assert result.stdout.rstrip().endswith("checked 1 file: 12 errors, 1 warning")


def test_no_arguments_is_a_usage_error() -> None:
    assert run().exit_code == 2
    result = run("check")
    assert result.exit_code == 2
    assert "Missing argument" in result.output


def test_folder_without_form_files_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("no forms here\n", encoding="utf-8")
    result = run("check", tmp_path)
    assert result.exit_code == 2
    assert result.stderr == f"formlang: error: no .form files found in {tmp_path}\n"
    assert run("fmt", tmp_path).exit_code == 2


def test_unknown_option_is_a_usage_error() -> None:
    assert run("check", "--frobnicate", CLEAN).exit_code == 2
    assert run("check", "--format", "xml", CLEAN).exit_code == 2


def test_missing_file_exits_1_with_a_diagnostic(tmp_path: Path) -> None:
    missing = tmp_path / "nope.form"
    result = run("check", "--no-color", missing)
    assert result.exit_code == 1
    assert f"{missing}:1:1: error[FL100]: no such file" in result.stdout


def test_warnings_alone_exit_0_and_1_with_W() -> None:
    result = run("check", "--no-color", WARNING_ONLY)
    assert result.exit_code == 0
    assert "warning[FL503]" in result.stdout
    assert result.stdout.rstrip().endswith("1 warning")
    assert run("check", "-W", WARNING_ONLY).exit_code == 1
    assert run("check", "--warnings-as-errors", WARNING_ONLY).exit_code == 1
    assert run("check", "-W", CLEAN).exit_code == 0


def test_a_folder_is_checked_recursively() -> None:
    result = run("check", CASES / "valid")
    assert result.exit_code == 0
    count = len(list((CASES / "valid").glob("**/*.form")))
    assert result.stdout == f"checked {count} files: no problems\n"


def test_library_option_finds_modules(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    (library / "teile").mkdir(parents=True)
    shutil.copyfile(
        CASES / "diagnostics" / "modules" / "kontakt.form", library / "teile" / "k.form"
    )
    form = tmp_path / "forms" / "f.form"
    form.parent.mkdir()
    form.write_text(
        'form f version "1.0.0" {\n  title "T"\n  use kontakt from "teile/k.form"\n'
        "  group k: kontakt\n}\n",
        encoding="utf-8",
    )
    assert run("check", form).exit_code == 1  # not found next to the form nor in library/
    result = run("check", "-L", library, form)
    assert result.exit_code == 0, result.output


# ---- check: output formats and colour ---------------------------------------------------


def test_json_output_has_the_fields_of_to_json() -> None:
    result = run("check", "--format", "json", ERRORS)
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert set(data) == {"files", "errors", "warnings", "diagnostics"}
    assert (data["files"], data["errors"], data["warnings"]) == (1, 12, 1)
    sample = d.to_json(d.make("FL200", "m", Source("x").span(0, 1)))
    assert all(set(item) == set(sample) for item in data["diagnostics"])
    first = data["diagnostics"][0]
    assert first["code"] == "FL403"
    assert first["severity"] == "error"
    assert first["file"] == str(ERRORS)
    assert (first["line"], first["column"]) == (6, 48)
    assert first["hint"] == 'did you mean "given-name"?'
    related = next(x for x in data["diagnostics"] if x["related"])
    assert set(related["related"][0]) == {"message", "file", "line", "column"}


def test_json_output_of_a_clean_file() -> None:
    result = run("check", "--format", "json", CLEAN)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "files": 1,
        "errors": 0,
        "warnings": 0,
        "diagnostics": [],
    }


def test_json_output_keeps_non_ascii_text() -> None:
    result = run("check", "--format", "json", CASES / "diagnostics" / "test_unknown_field.form")
    assert '"Vorname genügt"' not in result.stdout  # the message names the field, not the test
    data = json.loads(result.stdout)
    assert data["diagnostics"][0]["hint"] == "did you mean 'vorname'?"
    result = run("check", "--format", "json", CASES / "diagnostics" / "duplicate_code.form")
    assert "\\u" not in result.stdout


def test_colour_only_when_asked() -> None:
    plain = run("check", "--no-color", ERRORS).stdout
    coloured = run("check", "--color", ERRORS).stdout
    assert not ANSI.search(plain)
    assert ANSI.search(coloured)
    assert ANSI.sub("", coloured) == plain


def test_no_colour_in_a_pipe_by_default() -> None:
    assert not ANSI.search(run("check", ERRORS).stdout)


def test_many_files_report_every_problem_sorted(tmp_path: Path) -> None:
    result = run("check", "--format", "json", CASES / "diagnostics")
    data = json.loads(result.stdout)
    keys = [(x["file"], x["line"], x["column"]) for x in data["diagnostics"]]
    assert result.exit_code == 1
    assert data["files"] == len(list((CASES / "diagnostics").glob("**/*.form")))
    assert len(keys) > 100
    assert [k[0] for k in keys] == sorted(k[0] for k in keys)


# ---- fmt ------------------------------------------------------------------------------------


def test_fmt_check_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "f.form"
    path.write_text(UNFORMATTED, encoding="utf-8")
    result = run("fmt", "--check", path)
    assert result.exit_code == 1
    assert path.read_text(encoding="utf-8") == UNFORMATTED
    assert f"would reformat {path}" in result.stderr


def test_fmt_rewrites_the_file(tmp_path: Path) -> None:
    path = tmp_path / "f.form"
    path.write_text(UNFORMATTED, encoding="utf-8")
    result = run("fmt", path)
    assert result.exit_code == 0
    formatted = path.read_text(encoding="utf-8")
    assert formatted == format_text(UNFORMATTED)[0]
    assert formatted == 'form f version "1.0.0" {\n  title "T"\n  field a: text "A" optional\n}\n'
    assert f"reformatted {path}" in result.stderr
    again = run("fmt", "--check", path)
    assert again.exit_code == 0
    assert "0 file(s) would reformat, 1 left unchanged" in again.stderr


def test_fmt_turns_crlf_into_lf(tmp_path: Path) -> None:
    path = tmp_path / "f.form"
    path.write_bytes(b'form f version "1.0.0" {\r\n  title "T"\r\n}\r\n')
    assert run("fmt", "--check", path).exit_code == 1
    assert run("fmt", path).exit_code == 0
    assert path.read_bytes() == b'form f version "1.0.0" {\n  title "T"\n}\n'


def test_fmt_diff_prints_a_unified_diff(tmp_path: Path) -> None:
    path = tmp_path / "f.form"
    path.write_text(UNFORMATTED, encoding="utf-8")
    result = run("fmt", "--diff", path)
    assert result.exit_code == 1
    assert path.read_text(encoding="utf-8") == UNFORMATTED
    lines = result.stdout.splitlines()
    assert lines[0] == f"--- {path} (before)"
    assert lines[1] == f"+++ {path} (formatted)"
    assert lines[2].startswith("@@ ")
    assert '-form   f version "1.0.0" {title "T"' in lines
    assert '+  field a: text "A" optional' in lines


def test_fmt_on_a_syntax_error_exits_1_and_prints_the_diagnostic(copy: object) -> None:
    path = copy(SYNTAX_ERROR)  # type: ignore[operator]
    before = path.read_bytes()
    result = run("fmt", "--no-color", path)
    assert result.exit_code == 1
    assert f"{path}:4:3: error[FL110]: unexpected 'feld'" in result.stdout
    assert "help: did you mean 'field'?" in result.stdout
    assert path.read_bytes() == before
    assert "read 1 file: 1 error" in result.stderr


def test_fmt_leaves_a_formatted_library_alone() -> None:
    result = run("fmt", "--check", REPO_ROOT / "library")
    assert result.exit_code == 0, result.output


# ---- help and version ----------------------------------------------------------------------


@pytest.mark.parametrize("command", [[], ["check"], ["fmt"]], ids=["main", "check", "fmt"])
def test_help_shows_examples(command: list[str]) -> None:
    for flag in ("--help", "-h"):
        result = run(*command, flag)
        assert result.exit_code == 0
        assert "Examples:" in result.stdout
        assert "formlang " in result.stdout.split("Examples:")[1]


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("formlang, version ")


# ---- as a subprocess -----------------------------------------------------------------------


def _console_script() -> str:
    script = Path(sys.executable).parent / "formlang"
    if not script.exists():
        pytest.skip("the console script is not installed next to this Python")
    return str(script)


def _env() -> dict[str, str]:
    return {**os.environ, "NO_COLOR": "", "PYTHONDONTWRITEBYTECODE": "1"}


def test_console_script_exit_codes_and_plain_output() -> None:
    script = _console_script()
    ok = subprocess.run(
        [script, "check", str(CLEAN)], capture_output=True, text=True, env=_env(), timeout=60
    )
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "checked 1 file: no problems\n", "")
    bad = subprocess.run(
        [script, "check", str(ERRORS)], capture_output=True, text=True, env=_env(), timeout=60
    )
    assert bad.returncode == 1
    assert "error[FL303]" in bad.stdout and not ANSI.search(bad.stdout)
    assert "Traceback" not in bad.stderr
    usage = subprocess.run([script], capture_output=True, text=True, env=_env(), timeout=60)
    assert usage.returncode == 2


def test_python_m_formlang_gives_json() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "formlang", "check", "--format", "json", str(WARNING_ONLY)],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
        cwd=REPO_ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [x["code"] for x in data["diagnostics"]] == ["FL503"]
    assert data["diagnostics"][0]["severity"] == "warning"
