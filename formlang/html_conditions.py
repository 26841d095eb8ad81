"""Conditions in plain language, for pages read without JavaScript (HTML renderer stage).

Without the browser runtime every conditional block is shown, with a note
that says when to answer it: `when anmeldegrund == "uebernahme"` reads
"Nur ausfüllen, wenn „Grund der Anmeldung“: Übernahme eines bestehenden
Betriebs". The note names fields by their labels and codes by their labels,
never by their names. What cannot be said briefly (a formula, a function
other than the common ones) falls back to a neutral sentence rather than
showing the expression.
"""

from __future__ import annotations

from typing import Any

from formlang import ir
from formlang.messages import format_limit
from formlang.types import Kind

_WORDS = {
    "de": {
        "intro": "Nur ausfüllen, wenn {}.",
        "fallback": "Nur ausfüllen, wenn es auf Sie zutrifft",
        "yes": "Ja",
        "no": "Nein",
        "and": " und ",
        "or": " oder ",
        "is": "„{}“: {}",
        "is_not": "„{}“ nicht: {}",
        "empty": "„{}“ leer ist",
        "filled": "„{}“ ausgefüllt ist",
        "count": "bei „{}“ {} Einträge",
        ">": "„{}“ größer als {}",
        ">=": "„{}“ mindestens {}",
        "<": "„{}“ kleiner als {}",
        "<=": "„{}“ höchstens {}",
        "age>=": "„{}“ mindestens {} Jahre zurückliegt",
        "age<": "„{}“ weniger als {} Jahre zurückliegt",
    },
    "en": {
        "intro": "Only answer if {}.",
        "fallback": "Only answer if it applies to you",
        "yes": "Yes",
        "no": "No",
        "and": " and ",
        "or": " or ",
        "is": "“{}” is {}",
        "is_not": "“{}” is not {}",
        "empty": "“{}” is empty",
        "filled": "“{}” is filled in",
        "count": "“{}” has {} entries",
        ">": "“{}” is more than {}",
        ">=": "“{}” is at least {}",
        "<": "“{}” is less than {}",
        "<=": "“{}” is at most {}",
        "age>=": "“{}” is at least {} years ago",
        "age<": "“{}” is less than {} years ago",
    },
}
_COUNT_WORDS = {
    ">": "mehr als {}",
    ">=": "mindestens {}",
    "<": "weniger als {}",
    "<=": "höchstens {}",
}
_COUNT_WORDS_EN = {
    ">": "more than {}",
    ">=": "at least {}",
    "<": "fewer than {}",
    "<=": "at most {}",
}
_FLIP = {">": "<", "<": ">", ">=": "<=", "<=": ">=", "==": "==", "!=": "!="}


class Describer:
    """Describes the conditions of one form in one language."""

    def __init__(self, form: ir.Form, lang: str) -> None:
        self.lang = lang
        self.words = _WORDS.get(lang.split("-")[0], _WORDS["de"])
        self.elements: dict[ir.Path, Any] = {}
        for element in ir.walk(form.children):
            if not isinstance(element, ir.Page | ir.Info):
                self.elements.setdefault(element.path, element)

    def note(self, condition: ir.Expr | None) -> str | None:
        """The note for a block shown only when `condition` holds."""
        if condition is None:
            return None
        text = self.describe(condition)
        return self.words["intro"].format(text or self.words["fallback"])

    def describe(self, expr: ir.Expr) -> str | None:
        w = self.words
        if isinstance(expr, ir.Ref) and expr.type.kind is Kind.BOOLEAN:
            return w["is"].format(self.label(expr), w["yes"])
        if isinstance(expr, ir.Unary) and expr.op == "not":
            inner = expr.operand
            if isinstance(inner, ir.Ref) and inner.type.kind is Kind.BOOLEAN:
                return w["is"].format(self.label(inner), w["no"])
            if isinstance(inner, ir.Call) and inner.func == "is_empty" and inner.args:
                return self._filled(inner.args[0], empty=False)
            return None
        if isinstance(expr, ir.Call):
            if expr.func == "is_empty" and expr.args:
                return self._filled(expr.args[0], empty=True)
            return None
        if isinstance(expr, ir.Binary):
            return self._binary(expr)
        return None

    def _binary(self, expr: ir.Binary) -> str | None:
        w = self.words
        if expr.op in ("and", "or"):
            first, second = self.describe(expr.left), self.describe(expr.right)
            if first is None or second is None:
                return None
            return first + w[expr.op] + second
        left, right, op = expr.left, expr.right, expr.op
        if isinstance(right, ir.Ref | ir.Call) and isinstance(left, ir.Literal):
            left, right, op = right, left, _FLIP.get(op, op)
        if isinstance(left, ir.Call) and left.func == "count" and left.args:
            return self._count(left.args[0], op, right)
        if isinstance(left, ir.Call) and left.func == "age" and len(left.args) == 1:
            return self._age(left.args[0], op, right)
        if not isinstance(left, ir.Ref):
            return None
        label = self.label(left)
        if op in ("==", "!=", "in", "not in"):
            values = self._values(left, right)
            if values is None:
                return None
            joined = w["or"].join(values)
            return w["is" if op in ("==", "in") else "is_not"].format(label, joined)
        if op in (">", ">=", "<", "<=") and isinstance(right, ir.Literal):
            return w[op].format(label, format_limit(right.value, self.lang))
        return None

    def _values(self, ref: ir.Ref, right: ir.Expr) -> list[str] | None:
        """The labels of the values compared with: codes, branches, yes/no, literals."""
        items: tuple[ir.Expr, ...] = right.items if isinstance(right, ir.ListValue) else (right,)
        if isinstance(right, ir.Literal) and isinstance(right.value, tuple):
            raw: list[Any] = list(right.value)
        elif all(isinstance(i, ir.Literal) for i in items):
            raw = [i.value for i in items if isinstance(i, ir.Literal)]
        else:
            return None
        return [self._value_label(ref, v) for v in raw]

    def _value_label(self, ref: ir.Ref, value: Any) -> str:
        element = self.elements.get(ref.path)
        if isinstance(value, bool):
            return self.words["yes" if value else "no"]
        if isinstance(element, ir.Field) and element.codelist is not None:
            code = element.codelist.code(str(value))
            if code is not None:
                return code.label.get(self.lang)
        if isinstance(element, ir.Alternative):
            for branch in element.branches:
                if branch.name == value and branch.label is not None:
                    return branch.label.get(self.lang)
        if isinstance(value, str):
            return f"„{value}“" if self.lang.startswith("de") else f"“{value}”"
        return format_limit(value, self.lang)

    def _filled(self, arg: ir.Expr, empty: bool) -> str | None:
        if not isinstance(arg, ir.Ref):
            return None
        return self.words["empty" if empty else "filled"].format(self.label(arg))

    def _count(self, arg: ir.Expr, op: str, right: ir.Expr) -> str | None:
        if not isinstance(arg, ir.Ref) or not isinstance(right, ir.Literal) or op not in _FLIP:
            return None
        words = _COUNT_WORDS if self.lang.startswith("de") else _COUNT_WORDS_EN
        amount = words.get(op, "{}").format(right.value)
        if op == "!=" and right.value == 0:
            amount = words[">"].format(0)
        elif op in ("==", "!="):
            return None
        return self.words["count"].format(self.label(arg), amount)

    def _age(self, arg: ir.Expr, op: str, right: ir.Expr) -> str | None:
        if not isinstance(arg, ir.Ref) or not isinstance(right, ir.Literal):
            return None
        if op in (">=", "<"):
            return self.words[f"age{op}"].format(self.label(arg), right.value)
        return None

    def label(self, ref: ir.Ref) -> str:
        element = self.elements.get(ref.path)
        text = getattr(element, "label", None)
        return text.get(self.lang) if text is not None else ref.path[-1]
