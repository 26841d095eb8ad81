"""The fast path of validation: clean submissions decided by generated code and jsonschema-rs.

Validator stage. A *clean* submission has no empty values, no values for
hidden fields, no values for computed fields and nothing unknown: then its
effective data is the submission plus defaults and computed values, and
visibility can be read off the submission itself in one walk. Standard
checks (types, patterns, bounds, codes, unconditional `required`) are left
to jsonschema-rs; the walk does only what JSON Schema cannot: conditional
visibility and requiredness, defaults, computed values, the `x-formlang`
value checks and the rules. Whenever anything is off, it gives up (returns
None) and the full path (`formlang.validate`) decides and explains.

The walk is Python source generated once per form (`FastPath.source`):
one function, straight-line code over the form's elements with the field
names as constants, conditions and rules inlined by `formlang.fastexpr`.
Safety: the source is made only from the form definition, never from a
submission. Field names, branch names and other strings appear through
`repr()`; every other value (bounds, defaults, helpers, closures) is a name
bound in the namespace the code runs in.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

from formlang import ir
from formlang.evaluate import compile_expr
from formlang.fastchecks import RESPELLED, failure
from formlang.fastexpr import ExprSource, Names, Scope
from formlang.fastschema import lean
from formlang.pointers import rule_rows

Item = tuple[Any, tuple[ir.Expr, ...]]  # a data element and the conditions that show it
Lines = list[str]


def read_by_conditions(form: ir.Form) -> set[ir.Path]:
    """The paths that conditions (`when`, `required when`) read."""
    from formlang.ir_refs import refs

    read: set[ir.Path] = set()
    for element in ir.walk(form.children):
        for expr in (getattr(element, "when", None), getattr(element, "required_when", None)):
            if expr is not None:
                read.update(ref.path for ref in refs(expr))
    return read


def possible(form: ir.Form) -> bool:
    """Whether one walk over a clean submission sees what the full path sees.

    Not where a condition or a formula reads a computed value (those are
    computed in rounds), nor where a formula reads a field with a default (the
    walk computes from the submission as sent).
    """
    from formlang.ir_refs import refs

    elements = ir.walk(form.children)
    computed = {e.path for e in elements if isinstance(e, ir.Computed)}
    defaulted = {e.path for e in elements if isinstance(e, ir.Field) and e.default is not None}
    formulas_read = {r.path for e in elements if isinstance(e, ir.Computed) for r in refs(e.expr)}
    return not (computed & read_by_conditions(form)) and not (
        formulas_read & (computed | defaulted)
    )


def fast_path(form: ir.Form, schema: dict[str, Any]) -> FastPath | None:
    """The form's fast path; None where it is not possible or its code cannot be compiled
    (Python refuses blocks nested more than 100 deep: groups in groups in groups …)."""
    if not possible(form):
        return None
    try:
        return FastPath(form, schema)
    except (SyntaxError, RecursionError, MemoryError):
        return None


class FastPath:
    """`run(data, today)`: the effective data of a clean, valid submission, else None."""

    def __init__(self, form: ir.Form, schema: dict[str, Any]) -> None:
        import jsonschema_rs

        checks = schema["x-formlang"]["checks"]
        writer = _Writer({tuple(c["path"]) for c in checks}, read_by_conditions(form))
        self.source = writer.function(form)
        engine = jsonschema_rs.validator_for(lean(schema), validate_formats=True)
        namespace = writer.names.namespace
        namespace["_is_valid"] = engine.is_valid
        exec(compile(self.source, f"<fast path of {form.id}>", "exec"), namespace)
        self.run: Callable[[dict[str, Any], dt.date], dict[str, Any] | None] = namespace["run"]


def _plan(elements: tuple[ir.Element, ...], guards: tuple[ir.Expr, ...] = ()) -> list[Item]:
    """The data elements with their conditions, pages folded in (as `compile_nodes`)."""
    out: list[Item] = []
    for element in elements:
        if isinstance(element, ir.Page):
            out.extend(_plan(element.children, guards + ((element.when,) if element.when else ())))
        elif not isinstance(element, ir.Info):
            out.append((element, guards + ((element.when,) if element.when else ())))
    return out


def _indent(lines: Lines) -> Lines:
    return [f"    {line}" for line in lines] or ["    pass"]


class _Writer:
    def __init__(self, checked: set[ir.Path], read: set[ir.Path]) -> None:
        self.checked = checked
        self.read = read  # what conditions read: a default there changes what they see
        self.names = Names()
        self.names.namespace["_json"] = _json
        self.names.namespace["_rule_rows"] = rule_rows
        self.expr = ExprSource(self.names)
        self.row_rules: dict[ir.Path, list[ir.Rule]] = {}  # run in the walk, row by row
        self.fused: list[ir.Rule] = []  # the row rules the walk has run

    def function(self, form: ir.Form) -> str:
        for rule in form.rules:
            if _row_local(rule):
                self.row_rules.setdefault(rule.scope, []).append(rule)
        items = self._busy(_plan(form.children))
        mutable = self._mutable(items)
        body = ["_o = data"] if mutable else []
        body += self._object(items, "data", "_o" if mutable else None, Scope("data"))
        body.append(f"effective = {'_o' if mutable else 'data'}")
        for rule in form.rules:
            if not any(rule is done for done in self.fused):
                body += self._rule(rule)
        body += ["if not _is_valid(effective):", "    return None", "return effective"]
        lines = ["def run(data, today):", "    try:", *_indent(_indent(body))]
        lines += ["    except Exception:", "        return None", ""]
        return "\n".join(lines)

    # ---- the walk ----------------------------------------------------------------------------

    def _busy(self, items: list[Item]) -> list[Item]:
        """Leaves out fields with nothing for Python to do: jsonschema-rs checks all there is."""
        return [
            (e, conditions)
            for e, conditions in items
            if not (
                isinstance(e, ir.Field)
                and not conditions
                and e.path not in self.checked
                and e.kind not in RESPELLED
                and e.default is None
                and e.required_when is None
            )
        ]

    def _mutable(self, items: list[Item]) -> bool:
        """Whether the walk may add to these objects (defaults, computed values)."""
        for element, _ in items:
            if isinstance(element, ir.Computed):
                return True
            if isinstance(element, ir.Field) and element.default is not None:
                return True
            if isinstance(element, ir.Group | ir.Repeat) and self._mutable(
                self._busy(_plan(element.children))
            ):
                return True
            if isinstance(element, ir.Alternative) and any(
                self._mutable(self._busy(_plan(b.children))) for b in element.branches
            ):
                return True
        return False

    def _object(self, items: list[Item], data: str, out: str | None, scope: Scope) -> Lines:
        """Code for one object `data` (a dict); additions go to a copy in `out`."""
        lines: Lines = []
        uses = Counter(conditions for _, conditions in items if conditions)
        known: dict[tuple[ir.Expr, ...], str] = {}  # conditions met: the same for every element
        for element, conditions in items:
            code = self._element(element, bool(conditions), data, out, scope)
            if not conditions:
                lines += code
                continue
            shown = known.get(conditions)
            if shown is None:
                shown = " and ".join(f"({self.expr.true(c, scope)})" for c in conditions)
                if uses[conditions] > 1:  # evaluated here on every run: known further down
                    known[conditions] = self.names.local("shown")
                    lines.append(f"{known[conditions]} = {shown}")
                    shown = known[conditions]
            hidden = f"{element.name!r} in {data}"  # a value for a hidden element: the full
            if code:  # path warns
                lines += [f"if {shown}:", *_indent(code), f"elif {hidden}:", "    return None"]
            else:
                lines += [f"if not ({shown}) and {hidden}:", "    return None"]
        return lines

    def _element(
        self, element: Any, conditional: bool, data: str, out: str | None, scope: Scope
    ) -> Lines:
        name = repr(element.name)
        if isinstance(element, ir.Computed):
            assert out is not None
            value = self.names.local("c")
            return [
                f"if {name} in {data}:",
                "    return None",
                f"{value} = {self.expr.computed(element, scope)}",
                f"if {value} is not None:",
                *_indent(_set(out, data, name, f"_json({value})")),
            ]
        value, get = self.names.local("v"), f"{data}.get({name})"
        absent = self._absent(element, conditional, data, out, scope)
        bail = absent == ["return None"]  # shown and required, but missing
        if isinstance(element, ir.Field):
            fail = failure(self.names, element, value, element.path in self.checked)
            if bail:
                test = f"({value} := {get}) is None or {fail}" if fail else f"{get} is None"
                return [f"if {test}:", "    return None"]
            if not absent:
                if fail is None:
                    return []
                return [f"if ({value} := {get}) is not None and {fail}:", "    return None"]
            lines = [f"{value} = {get}", f"if {value} is None:", *_indent(absent)]
            return lines + ([f"elif {fail}:", "    return None"] if fail else [])
        present = self._present(element, value, data, out, scope)
        if bail:  # the first test of a group, rows or an alternative refuses None too
            return [f"{value} = {get}", *present]
        if not absent:
            return [f"{value} = {get}", f"if {value} is not None:", *_indent(present)]
        lines = [f"{value} = {get}", f"if {value} is None:", *_indent(absent)]
        return [*lines, "else:", *_indent(present)]

    def _absent(
        self, element: Any, conditional: bool, data: str, out: str | None, scope: Scope
    ) -> Lines:
        if isinstance(element, ir.Field) and element.default is not None:
            if element.path in self.read:
                return ["return None"]
            from formlang.effective import _default

            assert out is not None
            default = self.names.constant(_default(element), "default")
            return _set(out, data, repr(element.name), f"{default}(today)")
        if isinstance(element, ir.Field) and element.required_when is not None:
            # `required when`, as conditions: on the submission as sent
            test = self.expr.true(element.required_when, scope)
            return [f"if {test}:", "    return None"]
        if _required(element) and (conditional or isinstance(element, ir.Group)):
            return ["return None"]  # shown and required, but missing
        return []

    def _present(self, element: Any, value: str, data: str, out: str | None, scope: Scope) -> Lines:
        if isinstance(element, ir.Group):
            return self._group(element, value, data, out, scope)
        if isinstance(element, ir.Repeat):
            return self._rows(element, value, data, out, scope)
        return self._alternative(element, value, data, out, scope)

    def _group(
        self, group: ir.Group, value: str, data: str, out: str | None, scope: Scope
    ) -> Lines:
        lines = [f"if type({value}) is not dict or not {value}:", "    return None"]
        return lines + self._inner(group, value, data, out, scope, repr(group.name), str)

    def _inner(
        self,
        group: ir.Group | ir.Repeat,
        value: str,
        data: str,
        out: str | None,
        scope: Scope,
        name: str,
        wrap: Callable[[str], str],
    ) -> Lines:
        """The walk of a group's object `value`; a changed copy (`wrap`ped) replaces it."""
        items = self._busy(_plan(group.children))
        if not self._mutable(items):
            return self._object(items, value, None, scope)
        assert out is not None
        inner = self.names.local("o")
        lines = [f"{inner} = {value}", *self._object(items, value, inner, scope)]
        changed = _set(out, data, name, wrap(inner))
        return [*lines, f"if {inner} is not {value}:", *_indent(changed)]

    def _rows(
        self, repeat: ir.Repeat, value: str, data: str, out: str | None, scope: Scope
    ) -> Lines:
        row = self.names.local("r")
        inner_scope = Scope(scope.data, (*scope.rows, row))
        lines = [
            f"if type({value}) is not list or len({value}) > {repeat.max or 1000}:",
            "    return None",
        ]
        items = self._busy(_plan(repeat.children))
        check = [f"if type({row}) is not dict:", "    return None"]
        rules = self.row_rules.get(repeat.path, []) if not scope.rows else []
        self.fused += rules
        if not self._mutable(items):
            body = check + self._object(items, row, None, inner_scope)
            body += [line for rule in rules for line in self._row_rule(rule, row)]
            return [*lines, f"for {row} in {value}:", *_indent(body)]
        assert out is not None
        inner, new, changed = self.names.local("o"), self.names.local("n"), self.names.local("x")
        body = [*check, f"{inner} = {row}", *self._object(items, row, inner, inner_scope)]
        body += [line for rule in rules for line in self._row_rule(rule, inner)]
        body += [f"if {inner} is not {row}:", f"    {changed} = True", f"{new}.append({inner})"]
        lines += [f"{new} = []", f"{changed} = False", f"for {row} in {value}:", *_indent(body)]
        return [*lines, f"if {changed}:", *_indent(_set(out, data, repr(repeat.name), new))]

    def _alternative(
        self, element: ir.Alternative, value: str, data: str, out: str | None, scope: Scope
    ) -> Lines:
        key, inner = self.names.local("b"), self.names.local("i")
        lines = [
            f"if type({value}) is not dict or len({value}) != 1:",
            "    return None",
            f"(({key}, {inner}),) = {value}.items()",
        ]
        for index, branch in enumerate(element.branches):
            code = [f"if type({inner}) is not dict:", "    return None"]
            code += self._inner(
                branch, inner, data, out, scope, repr(element.name), lambda o: f"{{{key}: {o}}}"
            )
            lines += [f"{'elif' if index else 'if'} {key} == {branch.name!r}:", *_indent(code)]
        return [*lines, "else:", "    return None"] if element.branches else ["return None"]

    # ---- rules -----------------------------------------------------------------------------

    def _row_rule(self, rule: ir.Rule, row: str) -> Lines:
        """A rule that reads only its row, on the row as it is in the effective data."""
        where = Scope("effective", (row,), walked=True)  # the row's own repeats are walked
        test = self.expr.false(rule.expr, where)
        if rule.when is not None:
            test = f"({self.expr.true(rule.when, where)}) and ({test})"
        return [f"if {test}:", "    return None"]

    def _rule(self, rule: ir.Rule) -> Lines:
        if len(rule.scope) > 1:  # rows of nested repeats: the closures, on each row
            test = self.names.constant(compile_expr(rule.expr), "rule")
            when = self.names.constant(compile_expr(rule.when) if rule.when else None, "when")
            rows, ctx = self.names.local("rows"), self.names.local("ctx")
            scope = self.names.constant(rule.scope, "scope")
            return [
                f"for {rows}, _ in _rule_rows(effective, {scope}):",
                f"    {ctx} = _Context(effective, today, {rows})",
                f"    if ({when} is None or {when}({ctx}) is True) and {test}({ctx}) is False:",
                "        return None",
            ]
        row = self.names.local("r") if rule.scope else None
        where = Scope("effective", (row,) if row else (), walked=True)
        test = self.expr.false(rule.expr, where)
        if rule.when is not None:
            test = f"({self.expr.true(rule.when, where)}) and ({test})"
        failed = [f"if {test}:", "    return None"]
        if row is None:
            return failed
        rows = self.names.local("rows")
        return [
            f"{rows} = effective.get({rule.scope[0]!r})",
            f"if type({rows}) is list:",
            f"    for {row} in {rows}:",
            f"        if type({row}) is not dict:",
            "            return None",
            *_indent(_indent(failed)),
        ]


def _row_local(rule: ir.Rule) -> bool:
    """A rule in the rows of a repeat of the form itself that reads nothing but its row."""
    from formlang.ir_refs import refs

    read = [*refs(rule.expr), *refs(rule.when)]
    return len(rule.scope) == 1 and all(ref.bound == 1 for ref in read)


def _set(out: str | None, data: str, name: str, value: str) -> Lines:
    """`out[name] = value`, copying `data` first if `out` is still `data`."""
    assert out is not None
    return [f"if {out} is {data}:", f"    {out} = dict({data})", f"{out}[{name}] = {value}"]


def _required(element: Any) -> bool:
    if isinstance(element, ir.Group):  # missing as a whole: its required fields are missing
        return any(
            _required(child) and getattr(child, "when", None) is None
            for child in ir.children(element)
        )
    if isinstance(element, ir.Page):
        return element.when is None and any(_required(c) for c in element.children)
    if isinstance(element, ir.Field):
        return not element.optional and element.required_when is None
    if isinstance(element, ir.Repeat):
        return element.min > 0
    if isinstance(element, ir.Alternative):
        return not element.optional
    return False


def _json(value: Any) -> Any:
    from formlang.program import literal_json
    from formlang.schema_fields import _plain

    return _plain(literal_json(value))
