"""What the browser tests share, by a name of its own: test modules import it from here, not
from `conftest` (two test folders have a conftest.py, and `import conftest` gets whichever came
first).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import formlang

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("FORMLANG_CHROMIUM", "/usr/bin/chromium")
NODE_MODULES = ROOT / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
ARTIFACTS = ROOT / "test-artifacts"
FORMS = {p.stem: formlang.load(p) for p in sorted((ROOT / "library" / "forms").glob("*.form"))}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def need(condition: bool, reason: str) -> None:
    """Skip locally when a tool is missing; in CI, fail instead."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: browser tests must run; .ci/run installs it)")
    pytest.skip(reason)


def vnu_available() -> None:
    need(VNU.is_file(), f"the Nu HTML Checker is not installed ({VNU}); run npm install")
    need(shutil.which("java") is not None, "java is not installed (the Nu HTML Checker needs it)")
