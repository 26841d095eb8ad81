"""The client program: one form in one language, as the JSON the browser runtime executes.

Validator stage, for the HTML renderer. `client_program(form, lang)` gives
everything `renderers/html/static/formlang.js` needs to reach the verdict of
`Validator.validate(data, lang, today)`: the tree of `effective.compile_nodes`
(page conditions folded into their children's), the rules, the message
templates in `lang`, and the patterns of IBANs and BICs by country, generated
from schwifty's own registry. Labels and messages are resolved to `lang` here.

The runtime is sent with every page and kept small (under 15,000 bytes
minified: tests/test_js_runtime.py holds that budget), so whatever
is the same for every submission is worked out here: the walk of each
reference, the checks of each field with their codes and the wording of their
limits, the order of the elements. Operators, functions and the tests of a
value are named by number: `OPS` and `TESTS` list them in the runtime's order.

The keys are short, as the program is embedded in every page:

- program: `lang` (and `de`: whether it is German), `nodes`, `rules`, `files` (the .form files that locations
  name by number), `order` ([dotted path, place in the form] of each data
  element, for the order of errors), `messages` (code -> template),
  `patterns` (field kind -> the JavaScript source of its canonical spelling;
  when a field needs them also `iban_countries`, the IBANs of every country
  but for their check digits, and `bic_countries`, the BICs of every country),
  `file` (key of a file value -> the pattern of its text, when a field takes
  files).
- node: `n` name, `f` dotted path, `k` kind (0 field, 1 computed, 2 group,
  3 repeat, 4 alternative), `w` condition, `l` label, `s` location in the
  .form file ("file number:line:column"), `c` children (an alternative's: its
  branches), `r` requiredness (an expression: a literal true or false, or a
  field's `required when`), `rq` the code of the error when it is missing,
  `tc` the code of a value of the wrong kind (type_object, type_list,
  type_<field kind>, not_a_code, required_consent).
- a field also: `t` field kind, `d` default, `min`/`max`/`step` (expressions)
  with `minc`/`maxc` (the codes of their errors), and `ck` its checks in the
  order `values.check_value` makes them: [test (a number in `TESTS`), code,
  flag (1: a failure ends the checking; 2: checked only when none failed
  before), argument, the limit as the message writes it, the message].
- a computed value also: `t` its type, `x` its formula.
- a repeat also: `min` (one at least), `max` (with the limit on rows the
  validator reads), `lim` the two as the messages write them.
- rule: `x` expression, `w` condition, `sc` the repeat it runs in (a list of
  names, empty if none), `p` the pointer of its target below that repeat ("" if
  none), `f`, `l`, `m`, `v`, `s`: field, label, message, severity and location
  of the error it reports.

Expressions (`expr`) are the IR's, in a spelling made for the runtime:

- a literal: a JSON string, integer, boolean or null; `{"decimal": "12.50"}`,
  `{"date": …}`, `{"time": …}`, `{"datetime": …}`; `{"duration": [months,
  days]}`; a list is a JSON array;
- an operator or a call: `{"op": 21, "args": [a, b]}` (`OPS[21]` is "+"),
  with `"int": true` or `false` on a call that gives a number (an int, or a
  Decimal); `today()` is `{"op": 2}`. The runtime's comparisons are `==`, `<`
  and `in`: `a != b` is `not(a == b)`, `a > b` is `b < a`, `a >= b` is
  `not(a < b)`, `a <= b` is `not(b < a)`, `x not in y` is `not(x in y)`, and
  `x == null` is `empty(x)`; `age()` is worked out with `year()`, `month()`
  and `day()`; a `matches()` pattern is in its JavaScript spelling;
- a reference: `{"ref": ["kinder", null, "name"], "bound": 1, "type": "text",
  "list": true}`: the names to follow from the data (or from the current row
  of the `bound`-th repeat around it), `null` where the rows of a repeat fan
  out; `type` says how to read the submitted JSON ("text", "integer",
  "decimal", "boolean", "date", "time", "datetime", "codes", or "branch": the
  chosen branch of an alternative), of each item when `list` is true.
"""

from __future__ import annotations

import re
from typing import Any

from formlang import ir
from formlang.client_exprs import bic_countries, expr, iban_countries, js_pattern, operation
from formlang.messages import CATALOG, format_limit, format_size
from formlang.pointers import escape
from formlang.schema_fields import (
    FILE_PROPERTIES,
    MAX_LENGTHS,
    MAX_ROWS,
    MAX_SAFE_INTEGER,
    PATTERNS,
)
from formlang.source import Span
from formlang.types import FieldKind
from formlang.validate import _relative_code, _required_code

Json = dict[str, Any]

# The message codes a submission can give, besides those of the field kinds in the form; not
# those of a submission no page sends (not_an_object, too_deep, too_large): the server's alone.
_ALWAYS = (
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
# node kinds, by number: formlang.js names them FIELD, COMPUTED, GROUP, REPEAT, ALTERNATIVE
_KINDS = {ir.Field: 0, ir.Computed: 1, ir.Group: 2, ir.Repeat: 3, ir.Alternative: 4}
# The tests of a field's value, by number: formlang.js lists them in this order. A check that
# STOPs ends the checking when it fails; one that is CLEAN runs only when none failed before.
# fmt: off
TESTS = (
    "integer", "bounds", "at_most", "at_least", "decimal", "temporal", "text", "spelled",
    "pattern", "string", "strings", "boolean", "true", "file", "codes", "unique", "fewest",
    "most", "size", "media", "iban", "tax_id",
)
# fmt: on
STOP, CLEAN = 1, 2
_CHECKSUMS = {
    FieldKind.IBAN: "iban_checksum",
    FieldKind.BIC: "type_bic",
    FieldKind.TAX_ID: "tax_id_checksum",
}
_COUNTRIES = {FieldKind.IBAN: "iban_countries", FieldKind.BIC: "bic_countries"}
_TEMPORAL = (FieldKind.DATE, FieldKind.TIME, FieldKind.DATETIME)


def client_program(form: ir.Form, lang: str) -> Json:
    """The program of `form` in `lang` (JSON-serialisable; see the module docstring)."""
    return _Compiler(form, lang).program()


class _Compiler:
    def __init__(self, form: ir.Form, lang: str) -> None:
        self.form = form
        self.lang = lang
        self.codes: set[str] = set(_ALWAYS)
        self.kinds: set[FieldKind] = set()
        self.files: dict[str, int] = {}

    def program(self) -> Json:
        nodes = self.nodes(self.form.children, (), ())
        out: Json = {
            "lang": self.lang,
            "de": self.lang.startswith("de"),  # limits are written the German way
            "nodes": nodes,
            "rules": [self.rule(rule) for rule in self.form.rules],
            "files": list(self.files),
            "order": [
                [".".join(e.path), i]
                for i, e in enumerate(ir.walk(self.form.children))
                if not isinstance(e, ir.Page | ir.Info)
            ],
            "messages": {code: _template(code, self.lang) for code in sorted(self.codes)},
            "patterns": {
                kind.value: js_pattern(PATTERNS[kind])
                for kind in sorted(self.kinds, key=lambda k: k.value)
                if kind in PATTERNS and kind not in _TEMPORAL  # the runtime parses those itself
            },
        }
        if FieldKind.FILE in self.kinds:
            out["file"] = file_patterns()
        if FieldKind.IBAN in self.kinds:
            out["patterns"]["iban_countries"] = iban_countries()
        if FieldKind.BIC in self.kinds:
            out["patterns"]["bic_countries"] = bic_countries()
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
        node: Json = {"n": element.name, "f": ".".join(here), "k": _KINDS[type(element)]}
        conditions = guards + ((element.when,) if element.when else ())
        if conditions:
            node["w"] = _all(conditions)
        if element.label is not None:
            node["l"] = element.label.get(self.lang)
        node["s"] = self.location(element.span)
        self.codes.update(_ELEMENT_CODES.get(type(element), ()))
        if isinstance(element, ir.Group | ir.Repeat):
            node.update(tc="type_object", c=self.nodes(element.children, (), here))
        if isinstance(element, ir.Repeat):
            # fewer rows than `min` (one at least) is repeat_min; no rows at all is too
            low, high = max(element.min, 1), element.max or MAX_ROWS
            node.update(r=element.min > 0, rq="repeat_min", tc="type_list", min=low, max=high)
            node["lim"] = [format_limit(low, self.lang), format_limit(high, self.lang)]
        elif isinstance(element, ir.Alternative):
            node.update(r=not element.optional, rq="required_alternative", tc="type_object")
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
            "rq": required,
            "tc": _type_code(f.kind),
        }
        if f.default is not None:
            out["d"] = expr(f.default)
        checks = self.checks(f)
        if checks:
            out["ck"] = checks
        for bound in ("min", "max", "step"):
            value = getattr(c, bound)
            if value is not None:
                out[bound] = expr(value)
                if bound != "step":
                    code = _relative_code(f.kind, bound, value) or _bound_code(f.kind, bound)
                    out[f"{bound}c"] = code
                    self.codes.add(code)
        return out

    def checks(self, f: ir.Field) -> list[list[Any]]:
        """values.check_value as data: [test, code, flag, argument, limit as the message writes
        it, message], in the order Python checks. The tests are formlang.js's, by number
        (`TESTS`); lengths count code points, as `[^]` does in JavaScript with the u flag."""
        kind, c, lang = f.kind, f.constraints, self.lang

        def check(test: str, code: str, flag: int = STOP, *more: Any) -> list[Any]:
            return [TESTS.index(test), code, flag, *more]

        codes = [check("codes", "not_a_code", STOP, list(f.codelist.values))] if f.codelist else []
        if kind is FieldKind.INTEGER:  # then, within its bounds, within JavaScript's exact integers
            most = MAX_SAFE_INTEGER
            return [
                check("integer", "type_integer"),
                check("bounds", "", 0),
                check("at_most", "max", CLEAN, most, format_limit(most, lang)),
                check("at_least", "min", CLEAN, -most, format_limit(-most, lang)),
            ]
        if kind in (FieldKind.DECIMAL, FieldKind.MONEY, *_TEMPORAL):  # its spelling, its bounds
            test = "temporal" if kind in _TEMPORAL else "decimal"
            return [check(test, f"type_{kind.value}", STOP, kind.value)]
        if kind is FieldKind.BOOLEAN:
            return [check("boolean", "type_boolean")]
        if kind is FieldKind.CONSENT:
            return [check("true", "required_consent")]
        if kind is FieldKind.CHOICE:
            return [check("string", "not_a_code"), *codes]
        if kind is FieldKind.MULTICHOICE:
            out = [
                check("strings", "type_multichoice"),
                *codes,
                check("unique", "duplicate_choice"),
            ]
            if c.min_selected is not None:
                limit = format_limit(c.min_selected, lang)
                out.append(check("fewest", "min_selected", STOP, c.min_selected, limit))
            if c.max_selected is not None:
                limit = format_limit(c.max_selected, lang)
                out.append(check("most", "max_selected", STOP, c.max_selected, limit))
            return out
        if kind is FieldKind.FILE:
            out = [check("file", "type_file")]
            if c.max_size is not None:
                limit = format_size(c.max_size, lang)
                out.append(check("size", "file_size", STOP, c.max_size, limit))
            if c.accept:
                pattern, listed = _media_pattern(c.accept), ", ".join(c.accept)
                out.append(check("media", "file_type", STOP, pattern, listed))
            return out
        out = [check("text", "type_text")]
        if kind in PATTERNS:  # its spelling, a pattern of the program's `patterns`
            out.append(check("spelled", f"type_{kind.value}", STOP, kind.value))
        longest, kind_limit = c.max_length, MAX_LENGTHS.get(kind)
        if longest is not None:
            limit = format_limit(longest, lang)
            out.append(check("pattern", "max_length", 0, f"[^]{{0,{longest}}}", limit))
        if kind_limit is not None and (longest is None or kind_limit < longest):
            # checked only where the author's longest is not already exceeded
            beyond = f"|[^]{{{longest + 1},}}" if longest is not None else ""
            limit = format_limit(kind_limit, lang)
            out.append(check("pattern", "max_length", 0, f"[^]{{0,{kind_limit}}}{beyond}", limit))
        if c.min_length is not None:
            limit = format_limit(c.min_length, lang)
            out.append(check("pattern", "min_length", 0, f"[^]{{{c.min_length},}}", limit))
        if c.pattern is not None:
            message = c.pattern_message.get(lang) if c.pattern_message else ""
            out.append(check("pattern", "pattern", 0, js_pattern(c.pattern), "", message))
        if kind in _COUNTRIES:  # the country and its length, a pattern of the program's
            out.append(check("spelled", _CHECKSUMS[kind], CLEAN, _COUNTRIES[kind]))
        if kind in (FieldKind.IBAN, FieldKind.TAX_ID):  # check digits
            out.append(check(kind.value, _CHECKSUMS[kind], CLEAN))
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
        out["sc"] = list(rule.scope)
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
        out = operation("and", out, expr(condition))
    return out


def _template(code: str, lang: str) -> str:
    texts = CATALOG[code]
    return texts.get(lang) or texts.get(lang.split("-")[0]) or texts["de"]


def _type_code(kind: FieldKind) -> str:
    """The code of a value that is not of the field's kind (values.check_value)."""
    if kind is FieldKind.CONSENT:
        return "required_consent"
    return "not_a_code" if kind is FieldKind.CHOICE else f"type_{kind.value}"


def _bound_code(kind: FieldKind, bound: str) -> str:
    """The code of a value beyond `min` or `max` (values.check_value)."""
    if kind is FieldKind.TIME:
        return f"time_{bound}"
    return f"date_{bound}" if kind in _TEMPORAL else bound


def _media_pattern(accept: tuple[str, ...]) -> str:
    """The media types a file field accepts, as one pattern ("image/*": any image)."""
    return "|".join(
        _js_escape(a[:-1]) + "[^]*" if a.endswith("/*") else _js_escape(a) for a in accept
    )


def _js_escape(text: str) -> str:
    return re.sub(r"[\\^$.|?*+()\[\]{}]", lambda m: "\\" + m.group(), text)


def file_patterns() -> dict[str, str]:
    """The keys a file value may have (but `size`), each with the pattern of its text.

    Made from `schema_fields.FILE_PROPERTIES`; lengths count code points, as
    JavaScript's `[^]` does with the u flag.
    """
    out: dict[str, str] = {}
    for key, schema in FILE_PROPERTIES.items():
        if schema["type"] != "string":
            continue
        if "pattern" in schema:
            out[key] = js_pattern(schema["pattern"].removeprefix("^").removesuffix("$"))
        else:
            out[key] = f"[^]{{{schema['minLength']},{schema['maxLength']}}}"
    return out


# ---- expressions --------------------------------------------------------------------------
