"""What the browser tests share, by a name of its own: test modules import it from here, not
from `conftest` (two test folders have a conftest.py, and `import conftest` gets whichever came
first).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
        pytest.fail(f"{reason} (CI is set: these tests must run; .ci/run installs it)")
    pytest.skip(reason)


def launch_chromium() -> Iterator[Any]:
    """Chromium through Playwright, for a module-scoped fixture to yield from: one Playwright
    per test module, not per session, because the sync API runs an event loop in this thread
    while it is open, and later modules (tests/service) run their own asyncio loops."""
    need(Path(CHROMIUM).exists(), f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def vnu_available() -> None:
    need(VNU.is_file(), f"the Nu HTML Checker is not installed ({VNU}); run npm install")
    need(shutil.which("java") is not None, "java is not installed (the Nu HTML Checker needs it)")
