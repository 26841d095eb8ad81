"""The validator: a submission -> one verdict, localized, with the effective data.

Validator stage. `Validator(form)` compiles once: the effective-data tree,
the JSON Schema (checked with jsonschema-rs), each field's bounds and each
rule as closures. `validate(data, lang)` builds the effective data, checks
every visible value (`formlang.values`) and requiredness, runs the rules,
and lets jsonschema-rs confirm the verdict: a submission that the compiled
schema refuses is never accepted. Nothing raises for any input.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from formlang import ir
from formlang.effective import Builder, Node, Note, compile_nodes, row_limit
from formlang.evaluate import Context, compile_expr
from formlang.messages import format_limit, format_size, message
from formlang.pointers import escape, rank, rule_rows, to_pointer, without
from formlang.schema import compile_schema
from formlang.source import Span
from formlang.types import FieldKind
from formlang.values import check_value

BERLIN = ZoneInfo("Europe/Berlin")
CENT = Decimal("0.01")
MAX_DEPTH = 64
MAX_VALUES = 100_000  # values in one submission (entries and items): far above any form's need


def today_in_berlin() -> dt.date:
    return dt.datetime.now(BERLIN).date()


@dataclass(frozen=True, slots=True)
class ValidationError:
    """One problem, located in the data (`path`) and in the .form file (`span`)."""

    path: str  # JSON pointer into the submission: /gesellschafter/0/anteil
    field: str  # the field's dotted name: gesellschafter.anteil
    label: str
    code: str
    message: str
    severity: str = "error"  # error | warning
    span: Span | None = dataclasses.field(default=None, compare=False, repr=False)

    @property
    def location(self) -> str | None:
        return str(self.span) if self.span is not None else None

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "field": self.field,
            "label": self.label,
            "code": self.code,
            "message": self.message,
            "severity": self.severity,
            "location": self.location,
        }


@dataclass(frozen=True, slots=True)
class ValidationResult:
    ok: bool
    errors: tuple[ValidationError, ...]  # errors and warnings, in the order of the form
    data: dict[str, Any]  # the effective data: what is stored

    @property
    def warnings(self) -> tuple[ValidationError, ...]:
        return tuple(e for e in self.errors if e.severity == "warning")

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "errors": [e.to_json() for e in self.errors], "data": self.data}


_SET_OK, _SET_ERRORS, _SET_DATA = (
    vars(ValidationResult)[n].__set__ for n in ValidationResult.__slots__
)


def accepted(data: dict[str, Any]) -> ValidationResult:
    """`ValidationResult(ok=True, errors=(), data=data)` at a third of the cost (the fast
    path's result; a frozen dataclass's `__init__` sets each field through a call)."""
    result: ValidationResult = object.__new__(ValidationResult)
    _SET_OK(result, True)
    _SET_ERRORS(result, ())
    _SET_DATA(result, data)
    return result


class Validator:
    def __init__(self, form: ir.Form) -> None:
        self.form = form
        self.nodes = compile_nodes(form.children)
        self.schema = compile_schema(form)
        self._engine = _engine(self.schema)
        self._bounds = {
            f.path: _bound_functions(f) for f in ir.walk(form.children) if isinstance(f, ir.Field)
        }
        self.order = {
            ".".join(e.path): i
            for i, e in enumerate(ir.walk(form.children))
            if not isinstance(e, ir.Page | ir.Info)
        }
        self._rules = [
            (rule, compile_expr(rule.expr), compile_expr(rule.when) if rule.when else None)
            for rule in form.rules
        ]
        from formlang.fastpath import fast_path

        self._fast = fast_path(form, self.schema)

    def validate(
        self, data: Any, lang: str | None = None, today: dt.date | None = None
    ) -> ValidationResult:
        today = today or today_in_berlin()
        if self._fast is not None and type(data) is dict:
            # Bounded on any input: it follows the form, not the data, and gives up early.
            clean = self._fast.run(data, today)
            if clean is not None:
                return accepted(clean)
        run = _Run(self, lang or self.form.default_language, today)
        refused = "not_an_object" if not isinstance(data, dict) else _too_much(data)
        if refused is not None:  # before any walk over the data: bounded time
            run.problem("", None, refused)
            return run.result({})
        builder = Builder(self.nodes, run.today)
        effective = builder.run(data)
        run.notes(builder.notes)
        run.check_object(self.nodes, effective, Context(data=effective, today=run.today), "")
        run.rules(effective)
        if not run.has_errors and not self._accepts(effective):
            run.schema_errors(effective)
        return run.result(effective)

    def _accepts(self, effective: dict[str, Any]) -> bool:
        try:
            return bool(self._engine.is_valid(effective))
        except (ValueError, TypeError, OverflowError):  # e.g. lone surrogates in a string
            return True  # the Python checks above have decided


def _engine(schema: dict[str, Any]) -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for(schema, validate_formats=True)


def _too_much(data: Any) -> str | None:
    """The code for a submission no form can mean (too deep, too large); in bounded time."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    count = 0
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return "too_deep"
        if isinstance(value, dict | list):
            count += len(value)
            if count > MAX_VALUES:
                return "too_large"
            items = value.values() if isinstance(value, dict) else value
            stack.extend((v, depth + 1) for v in items)
    return None


def _bound_functions(f: ir.Field) -> dict[str, Any]:
    c = f.constraints
    out: dict[str, Any] = {}
    for name in ("min", "max", "step"):
        expr = getattr(c, name)
        if expr is not None:
            out[name] = (compile_expr(expr), _relative_code(f.kind, name, expr))
    return out


def _relative_code(kind: FieldKind, bound: str, expr: ir.Expr) -> str | None:
    """The message for a date bound relative to today: `max today()` -> "not in the future".

    `max today() - 1 day` reads "in the past", `min today() + 1 day` "in the future".
    """
    if kind is not FieldKind.DATE:
        return None
    if isinstance(expr, ir.Call) and expr.func == "today":
        return "date_not_future" if bound == "max" else "date_not_past"
    one_day = ir.Duration(days=1)
    if (
        isinstance(expr, ir.Binary)
        and isinstance(expr.left, ir.Call)
        and expr.left.func == "today"
        and isinstance(expr.right, ir.Literal)
        and expr.right.value == one_day
    ):
        if (bound, expr.op) == ("max", "-"):
            return "date_past"
        if (bound, expr.op) == ("min", "+"):
            return "date_future"
    return None


# ---- one run ---------------------------------------------------------------------------


class _Run:
    def __init__(self, validator: Validator, lang: str, today: dt.date) -> None:
        self.v = validator
        self.lang = lang
        self.today = today
        self.found: list[ValidationError] = []
        self.invalid: list[str] = []  # pointers of values with a problem: rules do not read them

    @property
    def has_errors(self) -> bool:
        return any(e.severity == "error" for e in self.found)

    def result(self, data: dict[str, Any]) -> ValidationResult:
        order = self.v.order
        ranked = sorted(self.found, key=lambda e: rank(e.path, order))
        return ValidationResult(ok=not self.has_errors, errors=tuple(ranked), data=data)

    def problem(
        self,
        path: str,
        element: Any,
        code: str,
        limit: Any = None,
        severity: str = "error",
        text: str | None = None,
        span: Span | None = None,
        name: str = "",
    ) -> None:
        label = element.label.get(self.lang) if getattr(element, "label", None) else name
        if getattr(element, "kind", None) is FieldKind.MONEY and isinstance(limit, Decimal | int):
            limit = Decimal(limit).quantize(CENT)  # 1.250,50 €, not 1.250,5
        shown = format_limit(limit, self.lang) if limit is not None else ""
        if code == "file_size":
            shown = format_size(limit, self.lang)
        if isinstance(limit, tuple):
            shown = ", ".join(limit)
        self.found.append(
            ValidationError(
                path=path,
                field=".".join(element.path) if element is not None else name,
                label=label or "",
                code=code,
                message=text or message(code, self.lang, label=label, limit=shown, name=name),
                severity=severity,
                span=span or getattr(element, "span", None),
            )
        )

    def notes(self, notes: list[Note]) -> None:
        for note in notes:
            pointer = to_pointer(note.path)
            element = note.node.element if note.node is not None else None
            if note.code in ("hidden_value", "computed_value"):
                self.problem(pointer, element, note.code, severity="warning")
            else:
                self.problem(pointer, element, note.code, name=str(note.detail or ""))

    # ---- values and requiredness ----------------------------------------------------------

    def check_object(
        self, nodes: list[Node], data: dict[str, Any], ctx: Context, pointer: str
    ) -> None:
        for node in nodes:
            if node.kind == "computed":
                continue
            if node.when is not None and node.when(ctx) is not True:
                continue
            here = f"{pointer}/{escape(node.name)}"
            value = data.get(node.name)
            if value is None:
                self._missing(node, ctx, here)
            else:
                canonical = self._present(node, value, ctx, here)
                if canonical is not value:
                    data[node.name] = canonical

    def _missing(self, node: Node, ctx: Context, here: str) -> None:
        element = node.element
        if isinstance(element, ir.Group):
            self.check_object(node.children, {}, ctx, here)
        elif not node.required(ctx):
            return
        elif isinstance(element, ir.Field):
            self.problem(here, element, _required_code(element.kind))
        elif isinstance(element, ir.Repeat):
            self.problem(here, element, "repeat_min", element.min)
        elif isinstance(element, ir.Alternative):
            self.problem(here, element, "required_alternative")

    def _present(self, node: Node, value: Any, ctx: Context, here: str) -> Any:
        """Checks a value; returns it in its canonical spelling."""
        element = node.element
        if isinstance(element, ir.Field):
            return self._field(element, value, here)
        if isinstance(element, ir.Group):
            if not isinstance(value, dict):
                self.problem(here, element, "type_object")
            else:
                self.check_object(node.children, value, ctx, here)
        elif isinstance(element, ir.Repeat):
            self._rows(node, value, ctx, here)
        else:
            self._alternative(node, value, ctx, here)
        return value

    def _field(self, element: ir.Field, value: Any, here: str) -> Any:
        bounds = self._bounds(element)
        canonical, problems = check_value(element, value, bounds)
        if problems:
            self.invalid.append(here)
        for code, limit in problems:
            text = None
            if code == "pattern" and element.constraints.pattern_message is not None:
                text = element.constraints.pattern_message.get(self.lang)
            self.problem(here, element, code, limit, text=text)
        return value if problems else canonical

    def _bounds(self, element: ir.Field) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, (function, code) in self.v._bounds.get(element.path, {}).items():
            value = function(Context(data={}, today=self.today))
            out[name] = value
            if code is not None:
                out[f"{name}_code"] = code
        return out

    def _rows(self, node: Node, value: Any, ctx: Context, here: str) -> None:
        element = node.element
        if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
            self.problem(here, element, "type_list")
            return
        if len(value) < max(element.min, 1):
            self.problem(here, element, "repeat_min", max(element.min, 1))
        limit = row_limit(node) - 1
        if len(value) > limit:
            self.problem(here, element, "repeat_max", limit)
            return
        for index, row in enumerate(value):
            row_ctx = Context(data=ctx.data, today=ctx.today, rows=(*ctx.rows, row))
            self.check_object(node.children, row, row_ctx, f"{here}/{index}")

    def _alternative(self, node: Node, value: Any, ctx: Context, here: str) -> None:
        if not isinstance(value, dict):
            self.problem(here, node.element, "type_object")
            return
        for branch in node.children:
            if branch.name in value:
                pointer = f"{here}/{escape(branch.name)}"
                value[branch.name] = self._present(branch, value[branch.name], ctx, pointer)

    # ---- rules ------------------------------------------------------------------------------

    def rules(self, effective: dict[str, Any]) -> None:
        """Each rule in each of its rows; an invalid value reads as empty (so: not reported)."""
        if self.invalid:
            effective = without(effective, self.invalid)
        for rule, check, when in self.v._rules:
            for rows, pointer in rule_rows(effective, rule.scope):
                ctx = Context(data=effective, today=self.today, rows=rows)
                if when is not None and when(ctx) is not True:
                    continue
                if check(ctx) is False:
                    self._rule_failed(rule, pointer)

    def _rule_failed(self, rule: ir.Rule, scope_pointer: str) -> None:
        target = rule.target or ()
        element = _element_at(self.v.form, target) if target else None
        pointer = scope_pointer + "".join(f"/{escape(p)}" for p in target[len(rule.scope) :])
        text = rule.message.get(self.lang) if rule.message else None
        self.problem(
            pointer if target else scope_pointer,
            element,
            "rule",
            severity=rule.severity.value,
            text=text,
            span=rule.span,
        )

    def schema_errors(self, effective: dict[str, Any]) -> None:
        """The compiled schema refuses what the checks above let pass: never accept it."""
        for error in self.v._engine.iter_errors(effective):
            pointer = "/" + "/".join(escape(str(p)) for p in error.instance_path)
            self.problem(pointer.rstrip("/") or "", None, "type_object", name=pointer)


def _element_at(form: ir.Form, path: ir.Path) -> Any:
    for element in ir.walk(form.children):
        if getattr(element, "path", None) == path and not isinstance(element, ir.Page):
            return element
    return None


def _required_code(kind: FieldKind) -> str:
    if kind in (FieldKind.CHOICE, FieldKind.MULTICHOICE, FieldKind.BOOLEAN):
        return "required_choice"
    if kind is FieldKind.CONSENT:
        return "required_consent"
    if kind is FieldKind.FILE:
        return "required_file"
    return "required"
