"""Logic checks over the resolved IR: one rule per module, listed here.

Each check is a function `(form, codelists) -> iterable of diagnostics`,
run by the resolver after the IR is built. They read the IR only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from formlang import ir
from formlang.checks.computed_cycles import computed_cycles
from formlang.checks.reachability import reachability
from formlang.checks.self_reference import self_reference
from formlang.diagnostics import Diagnostic

Check = Callable[[ir.Form, dict[str, ir.CodeList]], Iterable[Diagnostic]]

CHECKS: tuple[Check, ...] = (computed_cycles, self_reference, reachability)


def run_checks(form: ir.Form, codelists: dict[str, ir.CodeList]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for check in CHECKS:
        out.extend(check(form, codelists))
    return out
