"""FL500: a computed value must not depend on itself, directly or through others."""

from __future__ import annotations

from collections.abc import Iterator

from formlang import diagnostics as d
from formlang import ir
from formlang.ir_refs import refs


def computed_cycles(form: ir.Form, codelists: dict[str, ir.CodeList]) -> Iterator[d.Diagnostic]:
    computed = {e.path: e for e in ir.walk(form.children) if isinstance(e, ir.Computed)}
    deps = {
        path: [r.path for r in refs(c.expr) if r.path in computed] for path, c in computed.items()
    }
    reported: set[ir.Path] = set()
    for start in computed:
        cycle = _cycle_from(start, deps)
        if cycle is None or reported & set(cycle):
            continue
        reported.update(cycle)
        first = computed[cycle[0]]
        chain = " → ".join(".".join(p) for p in (*cycle, cycle[0]))
        yield d.make(
            "FL500",
            f"the computed value '{first.name}' depends on itself: {chain}",
            first.expr.span,
            related=[
                d.Related(f"'{computed[p].name}' is computed", computed[p].span) for p in cycle[1:]
            ],
            hint="a computed value may use fields and other computed values, but not in a circle",
        )


def _cycle_from(start: ir.Path, deps: dict[ir.Path, list[ir.Path]]) -> list[ir.Path] | None:
    """The cycle through `start`, if any (iterative depth-first search)."""
    stack: list[tuple[ir.Path, list[ir.Path]]] = [(start, [start])]
    seen: set[ir.Path] = set()
    while stack:
        node, trail = stack.pop()
        for nxt in deps.get(node, []):
            if nxt == start:
                return trail
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*trail, nxt]))
    return None
