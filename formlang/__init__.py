"""formlang: a declarative language for administrative forms.

`formlang.load(path)` returns the checked form (the IR in `formlang.ir`) or
raises `formlang.FormError` with every diagnostic; `formlang.parse(text)`
does the same for a string.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["FormError", "__version__", "check_paths", "load", "parse"]

if TYPE_CHECKING:
    from formlang.api import FormError, check_paths, load, parse
    from formlang.form import Form as Form


def __getattr__(name: str) -> Any:
    # Imported lazily: `import formlang` stays cheap for the CLI.
    if name in ("FormError", "load", "parse", "check_paths"):
        from formlang import api

        return getattr(api, name)
    if name == "Form":
        from formlang.form import Form as Form

        return Form
    raise AttributeError(f"module 'formlang' has no attribute {name!r}")
