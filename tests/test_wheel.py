"""The built wheel carries the data folders and works from outside the checkout.

Builds the wheel, installs it into a fresh virtual environment (dependencies from the package
index, through pip's cache), and runs the installed CLI and `formlang._data` from a temporary
directory that is not inside the repository.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parent.parent
BIN_DIR = "Scripts" if os.name == "nt" else "bin"
EXE = ".exe" if os.name == "nt" else ""

HELLO_FORM = """\
form hello version "1.0.0" {
  title "Hallo"
  field name: text "Ihr Name"
}
"""


def _clean_env() -> dict[str, str]:
    """The environment without anything that would point Python back into the checkout."""
    env = dict(os.environ)
    for key in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSAFEPATH"):
        env.pop(key, None)
    env["PIP_NO_INPUT"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def _run(args: list[str | Path], cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=_clean_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _ok(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 0, (
        f"{' '.join(proc.args)} exited {proc.returncode}\n"
        f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
    )
    return proc.stdout


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    workdir: Path

    @property
    def python(self) -> Path:
        return self.venv / BIN_DIR / f"python{EXE}"

    @property
    def formlang(self) -> Path:
        return self.venv / BIN_DIR / f"formlang{EXE}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("dist")
    # --no-isolation: build with the hatchling of the running (dev) environment; no download.
    _ok(
        _run(
            [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", outdir],
            cwd=REPO_ROOT,
            timeout=300,
        )
    )
    wheels = sorted(outdir.glob("formlang-*.whl"))
    assert len(wheels) == 1, f"expected one wheel in {outdir}, found {wheels}"
    return wheels[0]


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    venv = tmp_path_factory.mktemp("venv") / "env"
    _ok(_run([sys.executable, "-m", "venv", venv], cwd=venv.parent, timeout=300))
    workdir = tmp_path_factory.mktemp("outside")
    assert not workdir.resolve().is_relative_to(REPO_ROOT), "work dir must be outside the repo"
    result = Installed(wheel=wheel, venv=venv, workdir=workdir)
    _ok(_run([result.python, "-m", "pip", "install", wheel], cwd=workdir, timeout=900))
    return result


def test_wheel_contains_data_folders(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    assert "formlang/_data.py" in names
    assert "formlang/_data/grammar/formlang.lark" in names
    assert any(n.startswith("formlang/_data/library/") for n in names), (
        "no library files in the wheel"
    )
    # The checkout's top-level folders must not leak into the wheel as top-level packages.
    assert not any(n.startswith(("grammar/", "library/", "renderers/", "schemas/")) for n in names)


def test_installed_package_finds_its_own_data(installed: Installed) -> None:
    out = _ok(
        _run(
            [
                installed.python,
                "-c",
                "import formlang, formlang._data as d; print(d.data_path('grammar'))",
            ],
            cwd=installed.workdir,
            timeout=120,
        )
    )
    grammar = Path(out.strip().splitlines()[-1]).resolve()
    purelib = _ok(
        _run(
            [installed.python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            cwd=installed.workdir,
            timeout=120,
        )
    )
    site_packages = Path(purelib.strip()).resolve()
    assert grammar.is_relative_to(site_packages), f"{grammar} is not in {site_packages}"
    assert not grammar.is_relative_to(REPO_ROOT), f"{grammar} points into the checkout"
    assert (grammar / "formlang.lark").is_file()


def test_installed_cli_checks_a_form_outside_the_repo(installed: Installed) -> None:
    (installed.workdir / "hello.form").write_text(HELLO_FORM, encoding="utf-8")
    proc = _run([installed.formlang, "check", "hello.form"], cwd=installed.workdir, timeout=120)
    _ok(proc)


LIBRARY_USER = """\
form umzug version "1.0.0" {
  title "Umzug" @en "Moving house"
  languages de, en
  use person, anschrift from "modules/person.form"
  group antragsteller: person
  group neue_anschrift: anschrift "Neue Anschrift" @en "New address"
}
"""


def test_installed_cli_uses_library_modules_from_outside_the_repo(installed: Installed) -> None:
    """`use … from "modules/…"` finds the module in the installed library."""
    (installed.workdir / "umzug.form").write_text(LIBRARY_USER, encoding="utf-8")
    proc = _run([installed.formlang, "check", "umzug.form"], cwd=installed.workdir, timeout=120)
    _ok(proc)
    broken = LIBRARY_USER.replace("modules/person.form", "modules/persn.form")
    (installed.workdir / "broken.form").write_text(broken, encoding="utf-8")
    proc = _run([installed.formlang, "check", "broken.form"], cwd=installed.workdir, timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "FL700" in proc.stdout and "site-packages" in proc.stdout
