"""The form service (the outermost stage): serves the library, takes and stores submissions.

`create_app(Config(library=Path("library")))` is an ASGI application; `formlang
serve` runs it with uvicorn. See docs/service.md.
"""

from __future__ import annotations

from formlang.service.app import create_app
from formlang.service.config import Config

__all__ = ["Config", "create_app"]
