"""The client program: one form in one language, as the JSON the browser runtime executes.

Validator stage, for the HTML renderer. `client_program(form, lang)` gives
everything `renderers/html/static/formlang.js` needs to reach the verdict of
`Validator.validate(data, lang, today)`: the tree of `effective.compile_nodes`
(page conditions folded into their children's), the rules, the message
templates in `lang`, and the check tables of IBAN and BIC, generated from
schwifty's own registry. Labels and messages are resolved to `lang` here.
Expressions are `program.expr_json` with what the evaluator needs from the
static types: a reference carries `"type"`, the kind of its value (of each
item when `"list"` is true), which says how to read the submitted JSON, and a
call that gives a number carries its type (integer, decimal or money), which
says whether the result is an int or a Decimal. A `matches()` pattern is
already in its JavaScript spelling.

The keys are short, as the program is embedded in every page:

- program: `lang`, `nodes`, `rules`, `files` (the .form files that locations
  name by number), `messages` (code -> template),
  `patterns` (field kind -> the JavaScript source of its canonical spelling),
  `iban` (country -> [IBAN length, BBAN pattern]) and `bic` (the country codes,
  one string), the last two only when a field needs them.
- node: `n` name, `k` kind (f field, c computed, g group, r repeat, a alternative),
  `i` place in the form (for the order of errors), `w` condition, `l` label,
  `s` location in the .form file ("file number:line:column"), `c` children (an alternative's: its
  branches), `r` requiredness (an expression: a literal true or false, or a
  field's `required when`). A field: `t` field kind, `rq` the message code
  when it is missing (if not "required"), `d` default, `min`/`max`/`step`
  with `minc`/`maxc` (a bound relative to today), `ml`/`nl` longest and
  shortest length, `p` pattern, `pm` its message, `codes`, `ms`/`xs` fewest
  and most selected, `sz` largest file, `acc` accepted media types. A computed
  value: `t` its type, `x` its formula. A repeat: `min`, `max` (with the limit
  on rows the validator reads).
- rule: `x` expression, `w` condition, `sc` the repeat it runs in, `p` the
  pointer of its target below that repeat, `f`, `l`, `m`, `v`, `s`: field,
  label, message, severity and location of the error it reports.
"""

from __future__ import annotations

import itertools
import re
import string
from typing import Any

from formlang import ir
from formlang.messages import CATALOG
from formlang.patterns import portable
from formlang.pointers import escape
from formlang.program import expr_json
from formlang.schema_fields import MAX_LENGTHS, MAX_ROWS, PATTERNS
from formlang.source import Span
from formlang.types import FieldKind, Kind
from formlang.validate import _relative_code, _required_code

Json = dict[str, Any]

# The message codes a submission can give, besides those of the field kinds in the form.
_ALWAYS = (
    "not_an_object",
    "too_deep",
    "too_large",
    "unknown_field",
    "hidden_value",
    "computed_value",
    "type_object",
)
_TEXT = ("type_text", "min_length", "max_length", "pattern")
_NUMBER = ("min", "max", "step")
_KIND_CODES: dict[FieldKind, tuple[str, ...]] = {
    FieldKind.INTEGER: ("type_integer", *_NUMBER),
    FieldKind.DECIMAL: ("type_decimal", *_NUMBER),
    FieldKind.MONEY: ("type_money", *_NUMBER),
    FieldKind.BOOLEAN: ("type_boolean",),
    FieldKind.CONSENT: (),
    FieldKind.DATE: ("type_date", "date_min", "date_max"),
    FieldKind.TIME: ("type_time", "time_min", "time_max"),
    FieldKind.DATETIME: ("type_datetime", "date_min", "date_max"),
    FieldKind.CHOICE: ("not_a_code",),
    FieldKind.MULTICHOICE: (
        "type_multichoice",
        "not_a_code",
        "duplicate_choice",
        "min_selected",
        "max_selected",
    ),
    FieldKind.FILE: ("type_file", "file_size", "file_type"),
    FieldKind.IBAN: ("iban_checksum",),
    FieldKind.TAX_ID: ("tax_id_checksum",),
}
_ELEMENT_CODES = {
    ir.Repeat: ("type_list", "repeat_min", "repeat_max"),
    ir.Alternative: ("required_alternative", "alternative_choice", "alternative_ambiguous"),
}
_KINDS = {ir.Field: "f", ir.Computed: "c", ir.Group: "g", ir.Repeat: "r", ir.Alternative: "a"}
_NUMERIC = (Kind.INTEGER, Kind.DECIMAL, Kind.MONEY)
_TEMPORAL = (FieldKind.DATE, FieldKind.TIME, FieldKind.DATETIME)


def client_program(form: ir.Form, lang: str) -> Json:
    """The program of `form` in `lang` (JSON-serialisable; see the module docstring)."""
    return _Compiler(form, lang).program()


class _Compiler:
    def __init__(self, form: ir.Form, lang: str) -> None:
        self.form = form
        self.lang = lang
        self.places = {id(e): i for i, e in enumerate(ir.walk(form.children))}
        self.codes: set[str] = set(_ALWAYS)
        self.kinds: set[FieldKind] = set()
        self.files: dict[str, int] = {}

    def program(self) -> Json:
        nodes = self.nodes(self.form.children, (), ())
        out: Json = {
            "lang": self.lang,
            "nodes": nodes,
            "rules": [self.rule(rule) for rule in self.form.rules],
            "files": list(self.files),
            "messages": {code: _template(code, self.lang) for code in sorted(self.codes)},
            "patterns": {
                kind.value: js_pattern(PATTERNS[kind])
                for kind in sorted(self.kinds, key=lambda k: k.value)
                if kind in PATTERNS and kind not in _TEMPORAL  # the runtime parses those itself
            },
        }
        if FieldKind.IBAN in self.kinds:
            out["iban"] = iban_table()
        if FieldKind.BIC in self.kinds:
            out["bic"] = bic_countries()
        return out

    # ---- the tree of nodes ------------------------------------------------------------------

    def nodes(
        self, elements: tuple[ir.Element, ...], guards: tuple[ir.Expr, ...], path: ir.Path
    ) -> list[Json]:
        out: list[Json] = []
        for element in elements:
            if isinstance(element, ir.Page):
                inner = guards + ((element.when,) if element.when else ())
                out.extend(self.nodes(element.children, inner, path))
            elif not isinstance(element, ir.Info):
                out.append(self.node(element, guards, path))
        return out

    def node(self, element: Any, guards: tuple[ir.Expr, ...], path: ir.Path) -> Json:
        here = (*path, element.name)
        if element.path != here:  # the runtime names errors by the chain of names
            raise ValueError(f"{element.name}: path {element.path} is not {here}")
        node: Json = {"n": element.name, "k": _KINDS[type(element)], "i": self.places[id(element)]}
        conditions = guards + ((element.when,) if element.when else ())
        if conditions:
            node["w"] = _all(conditions)
        if element.label is not None:
            node["l"] = element.label.get(self.lang)
        node["s"] = self.location(element.span)
        self.codes.update(_ELEMENT_CODES.get(type(element), ()))
        if isinstance(element, ir.Group | ir.Repeat):
            node["c"] = self.nodes(element.children, (), here)
        if isinstance(element, ir.Repeat):
            node.update(r=element.min > 0, min=element.min, max=element.max or MAX_ROWS)
        elif isinstance(element, ir.Alternative):
            node["r"] = not element.optional
            node["c"] = [self.node(branch, (), here) for branch in element.branches]
        elif isinstance(element, ir.Computed):
            node.update(t=element.type.kind.value, x=expr(element.expr))
        elif isinstance(element, ir.Field):
            node.update(self.field(element))
        return node

    def field(self, f: ir.Field) -> Json:
        self.kinds.add(f.kind)
        required = _required_code(f.kind)
        self.codes.update((required, *_KIND_CODES.get(f.kind, _TEXT)))
        if f.kind in PATTERNS and f.kind.is_text_like:
            self.codes.update((f"type_{f.kind.value}", *_TEXT))
        c = f.constraints
        required_when = f.required_when
        out: Json = {
            "t": f.kind.value,
            "r": expr(required_when) if required_when else not f.optional,
        }
        if f.default is not None:
            out["d"] = expr(f.default)
        kind_limit = MAX_LENGTHS.get(f.kind)
        optional: Json = {
            "rq": required if required != "required" else None,
            "ml": c.max_length,
            "mk": kind_limit if c.max_length is None or (kind_limit or 0) < c.max_length else None,
            "nl": c.min_length,
            "p": js_pattern(c.pattern) if c.pattern is not None else None,
            "pm": c.pattern_message.get(self.lang) if c.pattern_message else None,
            "codes": list(f.codelist.values) if f.codelist is not None else None,
            "ms": c.min_selected,
            "xs": c.max_selected,
            "sz": c.max_size,
            "acc": list(c.accept) or None,
        }
        for bound in ("min", "max", "step"):
            value = getattr(c, bound)
            if value is not None:
                out[bound] = expr(value)
                code = _relative_code(f.kind, bound, value)
                if code is not None:
                    out[f"{bound}c"] = code
                    self.codes.add(code)
        out.update((k, v) for k, v in optional.items() if v is not None)
        return out

    def location(self, span: Span) -> str:
        """`str(span)` with the file as its number in `files`: "0:12:5"."""
        text = str(span)
        file, line, column = text.rsplit(":", 2)
        number = self.files.setdefault(file, len(self.files))
        return f"{number}:{line}:{column}"

    def rule(self, rule: ir.Rule) -> Json:
        target = rule.target or ()
        element: Any = _element_at(self.form, target) if target else None
        label = element.label.get(self.lang) if getattr(element, "label", None) else ""
        message = rule.message.get(self.lang) if rule.message else None
        out: Json = {
            "x": expr(rule.expr),
            "f": ".".join(element.path) if element is not None else "",
            "l": label,
            "m": message or _template("rule", self.lang).format(label=label, limit="", name=""),
            "v": rule.severity.value,
            "s": self.location(rule.span),
        }
        if rule.when is not None:
            out["w"] = expr(rule.when)
        if rule.scope:
            out["sc"] = list(rule.scope)
        if target[len(rule.scope) :]:
            out["p"] = "".join(f"/{escape(p)}" for p in target[len(rule.scope) :])
        return out


def _element_at(form: ir.Form, path: ir.Path) -> Any:
    for element in ir.walk(form.children):
        if getattr(element, "path", None) == path and not isinstance(element, ir.Page):
            return element
    return None


def _all(conditions: tuple[ir.Expr, ...]) -> Any:
    """Page conditions and the element's own, joined like `effective._all` (an `and` chain)."""
    out = expr(conditions[0])
    for condition in conditions[1:]:
        out = {"op": "and", "args": [out, expr(condition)]}
    return out


def _template(code: str, lang: str) -> str:
    texts = CATALOG[code]
    return texts.get(lang) or texts.get(lang.split("-")[0]) or texts["de"]


# ---- expressions --------------------------------------------------------------------------


def expr(e: ir.Expr) -> Any:
    """`program.expr_json(e)` with the types the evaluator needs (see the module docstring)."""
    return _typed(e, expr_json(e))


def _typed(e: ir.Expr, out: Any) -> Any:
    if isinstance(e, ir.Ref):
        listed = e.type.kind is Kind.LIST and e.type.item is not None
        out["type"] = (e.type.item if listed and e.type.item else e.type).kind.value
        if listed:
            out["list"] = True
    elif isinstance(e, ir.Unary):
        _typed(e.operand, out["args"][0])
    elif isinstance(e, ir.Binary):
        _typed(e.left, out["args"][0])
        _typed(e.right, out["args"][1])
    elif isinstance(e, ir.Call):
        for arg, arg_out in zip(e.args, out["args"], strict=True):
            _typed(arg, arg_out)
        if e.type.kind in _NUMERIC:
            out["type"] = e.type.kind.value
        if e.func == "matches" and isinstance(out["args"][1], str):
            out["args"][1] = js_pattern(out["args"][1])
    elif isinstance(e, ir.ListValue):
        for item, item_out in zip(e.items, out["list"], strict=True):
            _typed(item, item_out)
    return out


def js_pattern(pattern: str) -> str:
    """`patterns.portable(pattern)` with `.` written `[^\\n]`.

    Python's `.` stops only at a line feed; JavaScript's (with the `u` flag)
    also at `\\r`, U+2028 and U+2029.
    """
    source = portable(pattern)
    out: list[str] = []
    i, in_class = 0, False
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            out.append(source[i : i + 2])
            i += 2
            continue
        if ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        elif ch == "." and not in_class:
            ch = "[^\\n]"
        out.append(ch)
        i += 1
    return "".join(out)


# ---- check tables from schwifty --------------------------------------------------------------


def _country_codes() -> list[str]:
    letters = string.ascii_uppercase
    return [a + b for a, b in itertools.product(letters, letters)]


_BBAN = {"n": "\\d", "a": "[A-Z]", "c": "[A-Z0-9]", "e": " "}
_BBAN_SPEC = re.compile(r"(\d+)(!?)([nace])")


def iban_table() -> dict[str, list[Any]]:
    """Each country's IBAN length and BBAN pattern, as `schwifty.IBAN` checks them.

    The pattern is schwifty's, made from the country's BBAN format ("8!n10!n"
    -> `\\d{8}\\d{10}`), with `[A-Z0-9]` for schwifty's `[A-Za-z0-9]`: the same on
    an IBAN in its canonical spelling, which is checked first.
    """
    from schwifty import registry
    from schwifty.exceptions import SchwiftyException

    table: dict[str, list[Any]] = {}
    for country in _country_codes():
        try:
            spec = registry.get_iban_spec(country)
        except SchwiftyException:
            continue
        if spec.regex.pattern != registry.convert_bban_spec_to_regex(spec.bban_spec):
            raise ValueError(f"schwifty checks {country} IBANs with a pattern of its own")
        table[country] = [spec.iban_length, _BBAN_SPEC.sub(_bban_part, spec.bban_spec)]
    return table


def _bban_part(match: re.Match[str]) -> str:
    size, exact, kind = match.groups()
    return _BBAN[kind] + (f"{{{size}}}" if exact else f"{{1,{size}}}")


def bic_countries() -> str:
    """The country codes `schwifty.BIC` accepts, one after the other: "ADAEAF…"."""
    from schwifty import BIC
    from schwifty.exceptions import SchwiftyException

    found = []
    for country in _country_codes():
        try:
            BIC(f"AAAA{country}AA")
        except SchwiftyException:
            continue
        found.append(country)
    return "".join(found)
