"""Running a form's scenario tests (`test "…" { given … expect … }`) against the validator.

Each scenario validates its `given` data (on its `today`, if it names one) and
checks every expectation: `valid`/`invalid` against the verdict, and any
yes/no expression on the effective data, where visible(), hidden(),
required(), optional(), error() and warning() ask what the validator
decided. Inside a repeat they hold if they hold in any row. A failure names
the expectation's place in the .form file and what happened instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from formlang import ir
from formlang.effective import Node
from formlang.evaluate import Context, compile_expr
from formlang.form import Form
from formlang.source import Span
from formlang.validate import ValidationResult, today_in_berlin


@dataclass(frozen=True)
class Failure:
    expectation: str
    message: str
    span: Span | None


@dataclass
class ScenarioResult:
    name: str
    span: Span | None
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass
class _State:
    visible: bool = False
    required: bool = False


def run_scenarios(form: Form) -> list[ScenarioResult]:
    return [run_scenario(form, scenario) for scenario in form.ir.tests]


def run_scenario(form: Form, scenario: ir.Scenario) -> ScenarioResult:
    today = scenario.today or today_in_berlin()
    result: ValidationResult = form.validate(scenario.given, today=today)
    states = _states(form.validator.nodes, result.data, today)
    outcome = ScenarioResult(name=scenario.name, span=scenario.span)
    for expectation in scenario.expectations:
        problem = _check(expectation, result, states, today)
        if problem is not None:
            text = expectation.span.text if expectation.span is not None else expectation.kind
            outcome.failures.append(Failure(" ".join(text.split()), problem, expectation.span))
    return outcome


def _check(
    expectation: ir.Expectation,
    result: ValidationResult,
    states: dict[ir.Path, _State],
    today: dt.date,
) -> str | None:
    if expectation.kind == "valid":
        return None if result.ok else "the data is not valid: " + _summary(result)
    if expectation.kind == "invalid":
        return None if not result.ok else "the data is valid"
    assert expectation.expr is not None

    def probe(func: str, path: ir.Path, extra: Any) -> bool:
        return _answer(func, path, extra, result, states)

    ctx = Context(data=result.data, today=today, probe=probe)
    value = compile_expr(expectation.expr)(ctx)
    if value is True:
        return None
    if value is None:
        return "the expectation could not be decided (a value it uses is empty)"
    said = f"; the validator said: {_summary(result)}" if result.errors else ""
    expr = expectation.expr
    if isinstance(expr, ir.Call) and expr.args and isinstance(expr.args[0], ir.Ref):
        path = expr.args[0].path
        return _actual(expr.func, path, states.get(path, _State())) + said
    return "the expression is false" + said


def _actual(func: str, path: ir.Path, state: _State) -> str:
    name = ".".join(path)
    if func in ("visible", "hidden"):
        return f"'{name}' is {'shown' if state.visible else 'hidden'}"
    if func in ("required", "optional"):
        if not state.visible:
            return f"'{name}' is hidden"
        return f"'{name}' is {'required' if state.required else 'optional'}"
    return f"there is {'no' if func in ('error', 'warning') else 'a'} matching {func} at '{name}'"


def _answer(
    func: str, path: ir.Path, extra: Any, result: ValidationResult, states: dict[ir.Path, _State]
) -> bool:
    state = states.get(path, _State())
    if func == "visible":
        return state.visible
    if func == "hidden":
        return not state.visible
    if func == "required":
        return state.visible and state.required
    if func == "optional":
        return state.visible and not state.required
    severity = "error" if func == "error" else "warning"
    dotted = ".".join(path)
    return any(
        e.severity == severity
        and (e.field == dotted or e.field.startswith(dotted + "."))
        and (extra is None or str(extra).lower() in e.message.lower())
        for e in result.errors
    )


def _summary(result: ValidationResult) -> str:
    shown = [f"{e.path or '/'}: {e.message}" for e in result.errors[:3]]
    more = f" (and {len(result.errors) - 3} more)" if len(result.errors) > 3 else ""
    return "; ".join(shown) + more


def _states(nodes: list[Node], data: dict[str, Any], today: dt.date) -> dict[ir.Path, _State]:
    states: dict[ir.Path, _State] = {}
    _walk(nodes, data, Context(data=data, today=today), states)
    return states


def _walk(nodes: list[Node], data: Any, ctx: Context, states: dict[ir.Path, _State]) -> None:
    data = data if isinstance(data, dict) else {}
    for node in nodes:
        element = node.element
        state = states.setdefault(element.path, _State())
        if node.when is not None and node.when(ctx) is not True:
            continue
        state.visible = True
        state.required = state.required or node.required(ctx)
        value = data.get(node.name)
        if node.kind == "group":
            _walk(node.children, value, ctx, states)
        elif node.kind == "repeat":
            for row in value if isinstance(value, list) else [None]:
                row_ctx = Context(
                    data=ctx.data,
                    today=ctx.today,
                    rows=(*ctx.rows, row if isinstance(row, dict) else {}),
                )
                _walk(node.children, row, row_ctx, states)
        elif node.kind == "alternative":
            chosen = value if isinstance(value, dict) else {}
            _walk([b for b in node.children if b.name in chosen], chosen, ctx, states)
