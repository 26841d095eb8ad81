"""IR -> JSON Schema draft 2020-12 with the `x-formlang` vocabulary (schema stage).

The schema describes a *clean* submission (docs/submission-format.md): no
empty values, no values for hidden fields, canonical spellings. Everything
JSON Schema can say is said in standard keywords, so any validator gets most
of the checking: types, anchored patterns, bounds, codes as `oneOf` of
`const` + `title`, repeats as arrays, alternatives as objects with exactly
one branch, and `required` — conditional through `if`/`then`/`else` where
the condition is expressible. The rest (rules, computed values, check
digits, dates relative to today, conditions JSON Schema cannot state) is in
`x-formlang`, which `formlang.validate` executes; `complete` says whether
the standard keywords alone decide the verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from formlang import ir
from formlang.program import expr_json, fingerprint
from formlang.schema_conditions import anchor, condition
from formlang.schema_fields import (
    DECIMAL_PATTERN,
    MAX_ROWS,
    field_schema,
    kind_schema,
    static_default,
    value_checks,
)
from formlang.types import FieldKind

Schema = dict[str, Any]
DRAFT = "https://json-schema.org/draft/2020-12/schema"
VOCABULARY = "https://formlang.invalid/vocab/x-formlang/1"
MAX_ONEOF_CODES = 200


@dataclass
class _State:
    form: ir.Form
    lang: str
    repeats: set[ir.Path] = field(default_factory=set)
    groups: set[ir.Path] = field(default_factory=set)  # groups, not alternatives' branches
    conditional: set[ir.Path] = field(default_factory=set)  # with a `when`, own or a page's
    defaults: dict[ir.Path, Any] = field(default_factory=dict)  # static defaults of fields
    anchored: dict[ir.Path, list[Schema]] = field(default_factory=dict)
    program: dict[str, list[Any]] = field(
        default_factory=lambda: {
            "visibility": [],
            "required_when": [],
            "computed": [],
            "checks": [],
        }
    )
    complete: bool = True
    defs: dict[str, Schema] = field(default_factory=dict)
    meta: list[Schema] = field(default_factory=list)  # `meta KEY "value"` of elements, by path


def compile_schema(form: ir.Form, lang: str | None = None) -> Schema:
    state = _State(form=form, lang=lang or form.default_language)
    _survey(form, state)
    _collect(form.children, (), state)
    root = _object(form.children, (), state)
    digest = fingerprint(form)
    out: Schema = {
        "$schema": DRAFT,
        "$id": f"urn:formlang:{form.id}:{form.version or '0.0.0'}:sha256-{digest[:32]}",
        "title": _text(form.title, state) or form.id,
    }
    if form.description:
        out["description"] = _text(form.description, state)
    out.update(root)
    if state.defs:
        out["$defs"] = state.defs
    out["x-formlang"] = _vocabulary(form, state, digest)
    return out


def _survey(form: ir.Form, state: _State) -> None:
    branches: set[ir.Path] = set()
    for element in ir.walk(form.children):
        if isinstance(element, ir.Repeat):
            state.repeats.add(element.path)
        elif isinstance(element, ir.Alternative):
            branches.update(b.path for b in element.branches)
        elif isinstance(element, ir.Group):
            state.groups.add(element.path)
        elif isinstance(element, ir.Field) and element.default is not None:
            state.defaults[element.path] = static_default(element)
        if not isinstance(element, ir.Info | ir.Page) and element.meta:
            # e.g. the FIM id and version an imported element came from
            state.meta.append({"path": list(element.path), "meta": dict(element.meta)})
    state.groups -= branches


def _text(text: ir.Text | None, state: _State) -> str | None:
    return text.get(state.lang) if text is not None else None


# ---- conditions, collected before the objects they are anchored in are built -------


def _collect(
    elements: tuple[ir.Element, ...], page_guards: tuple[ir.Expr, ...], state: _State
) -> None:
    for element in elements:
        if isinstance(element, ir.Page):
            guards = page_guards + ((element.when,) if element.when else ())
            _collect(element.children, guards, state)
            continue
        if isinstance(element, ir.Info):
            continue
        _conditions(element, page_guards, state)
        if isinstance(element, ir.Group | ir.Repeat):
            _collect(element.children, (), state)
        elif isinstance(element, ir.Alternative):
            _collect(element.branches, (), state)


def _conditions(element: ir.Element, page_guards: tuple[ir.Expr, ...], state: _State) -> None:
    assert not isinstance(element, ir.Page | ir.Info)
    path = element.path
    whens = [*page_guards, *([element.when] if element.when else [])]
    when = _conjoin(whens)
    if when is not None:
        state.conditional.add(path)
    required = _is_required(element)
    required_when = element.required_when if isinstance(element, ir.Field) else None
    if when is not None:
        state.program["visibility"].append({"path": list(path), "when": expr_json(when)})
        then: Schema = {"required": [path[-1]]} if required and required_when is None else {}
        if required_when is not None and required:
            then = _conditional(required_when, path, {"required": [path[-1]]}, state) or {}
        else_: Schema = {"not": {"required": [path[-1]]}}
        _anchor(when, path, {"then": then, "else": else_}, state, through=required_when is None)
    elif required_when is not None and required:
        _anchor(required_when, path, {"then": {"required": [path[-1]]}}, state, through=True)
    if required_when is not None:
        state.program["required_when"].append(
            {"path": list(path), "when": expr_json(required_when)}
        )


def _conditional(expr: ir.Expr, target: ir.Path, then: Schema, state: _State) -> Schema | None:
    base = anchor(target, expr)
    if base is None or base != target[:-1]:
        state.complete = False
        return None
    subschema = condition(expr, base, _defaults(base, state))
    if subschema is None:
        state.complete = False
        return None
    return {"if": subschema, "then": then}


def _anchor(
    expr: ir.Expr, target: ir.Path, branches: Schema, state: _State, through: bool = False
) -> None:
    """`if` the condition (seen from its anchor) `then`/`else` the branches for `target`.

    With `through`, `then` also requires the groups between the anchor and the target:
    the validator reads an absent group as an empty one, whose required fields are missing.
    """
    base = anchor(target, expr)
    subschema = condition(expr, base, _defaults(base, state)) if base is not None else None
    if base is None or subschema is None:
        state.complete = False
        return
    inner = {k: v for k, v in branches.items() if v}
    if not inner:
        return
    rel = target[len(base) : -1]
    wrapped = {
        k: _through(base, rel, v, state, require=through and k == "then") for k, v in inner.items()
    }
    state.anchored.setdefault(base, []).append({"if": subschema, **wrapped})


def _through(
    base: ir.Path, rel: ir.Path, inner: Schema, state: _State, require: bool = False
) -> Schema:
    schema = inner
    for depth in range(len(rel), 0, -1):
        absolute = base + rel[:depth]
        step = {"items": schema} if absolute in state.repeats else schema
        schema = {"properties": {rel[depth - 1]: step}}
        if require and absolute in state.groups and absolute in state.conditional:
            # shown only under its own condition, which this `if` does not ask: JSON
            # Schema cannot say "required when both hold" here
            state.complete = False
            require = False
        if require and absolute in state.groups:
            schema["required"] = [rel[depth - 1]]
        elif absolute not in state.groups:
            require = False  # an absent repeat or alternative holds nothing to require
    return schema


def _defaults(base: ir.Path, state: _State) -> dict[ir.Path, tuple[Any, bool]]:
    """Each field's default (None: it depends on the day) and whether a condition anchored
    at `base` may count on it when the field is absent.

    It may for fields right in the anchor object, when that object is always there when
    the condition is asked (the submission itself, or a row: an absent group's conditions
    are not evaluated by JSON Schema at all), and when the field cannot be hidden.
    """
    always_there = not base or base in state.repeats
    return {
        path: (value, always_there and path[:-1] == base and path not in state.conditional)
        for path, value in state.defaults.items()
    }


def _conjoin(exprs: list[ir.Expr]) -> ir.Expr | None:
    if not exprs:
        return None
    result = exprs[0]
    for expr in exprs[1:]:
        result = ir.Binary(op="and", left=result, right=expr, type=expr.type, span=expr.span)
    return result


def _is_required(element: ir.Element) -> bool:
    """Required whenever shown (conditions aside): what the validator reports as missing."""
    if isinstance(element, ir.Field):
        # a field with a default is never missing: the validator fills it in
        return not element.optional and element.default is None
    if isinstance(element, ir.Repeat):
        return element.min > 0
    if isinstance(element, ir.Alternative):
        return not element.optional
    if isinstance(element, ir.Group):
        # the validator reads an absent group as an empty one: required if anything in
        # it is required without a condition
        return any(
            _is_required(child) and not _conditional_required(child, element.children)
            for child in _data_elements(element.children)
        )
    return False  # computed values are never sent


# ---- objects -------------------------------------------------------------------------


def _object(elements: tuple[ir.Element, ...], path: ir.Path, state: _State) -> Schema:
    properties: dict[str, Schema] = {}
    required: list[str] = []
    for element in _data_elements(elements):
        properties[element.name] = _element(element, state)
        if _is_required(element) and not _conditional_required(element, elements):
            required.append(element.name)
    schema: Schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    schema["additionalProperties"] = False
    extra = state.anchored.get(path, [])
    if extra:
        schema["allOf"] = extra
    return schema


def _data_elements(elements: tuple[ir.Element, ...]) -> list[Any]:
    out: list[Any] = []
    for element in elements:
        if isinstance(element, ir.Page):
            out.extend(_data_elements(element.children))
        elif not isinstance(element, ir.Info):
            out.append(element)
    return out


def _conditional_required(element: ir.Element, siblings: tuple[ir.Element, ...]) -> bool:
    """Required only under a condition: its own, its page's, or `required when`."""
    if getattr(element, "when", None) is not None:
        return True
    if isinstance(element, ir.Field) and element.required_when is not None:
        return True
    return any(
        isinstance(s, ir.Page) and s.when is not None and element in ir.walk(s.children)
        for s in siblings
    )


def _element(element: Any, state: _State) -> Schema:
    if isinstance(element, ir.Field):
        schema = field_schema(element, state.lang, MAX_ONEOF_CODES)
        for check in value_checks(element):
            state.program["checks"].append(check)
            state.complete = False
        return schema
    if isinstance(element, ir.Computed):
        state.program["computed"].append(
            {
                "path": list(element.path),
                "type": element.kind.value,
                "expr": expr_json(element.expr),
            }
        )
        return {**_computed_schema(element), "readOnly": True, **_titles(element, state)}
    if isinstance(element, ir.Group):
        body = _shared(element.module, _object(element.children, element.path, state), state)
        return {**_titles(element, state), **body}
    if isinstance(element, ir.Repeat):
        return _repeat(element, state)
    return _alternative(element, state)


def _computed_schema(element: ir.Computed) -> Schema:
    """What the validator computes: no length limit, and money unrounded (`netto / 3`)."""
    schema = kind_schema(element.kind)
    schema.pop("maxLength", None)
    if element.kind is FieldKind.MONEY:
        schema["pattern"] = DECIMAL_PATTERN
    return schema


def _titles(element: Any, state: _State) -> Schema:
    out: Schema = {}
    label = getattr(element, "label", None)
    if label is not None:
        out["title"] = label.get(state.lang)
    hint = getattr(element, "hint", None)
    if hint is not None:
        out["description"] = hint.get(state.lang)
    return out


def _repeat(element: ir.Repeat, state: _State) -> Schema:
    rows = _shared(element.module, _object(element.children, element.path, state), state)
    return {
        **_titles(element, state),
        "type": "array",
        "items": rows,
        "minItems": max(element.min, 1),
        "maxItems": element.max if element.max is not None else MAX_ROWS,
    }


def _shared(module: str | None, body: Schema, state: _State) -> Schema:
    """A module's group goes to `$defs` once; each use refers to it."""
    if module is None:
        return body
    file, _, group = module.rpartition("#")
    stem = file.replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".form")
    name = f"{stem}.{group}"
    known = state.defs.setdefault(name, body)
    return {"$ref": f"#/$defs/{name}"} if known == body else body


def _alternative(element: ir.Alternative, state: _State) -> Schema:
    branches = {
        b.name: {**_titles(b, state), **_object(b.children, b.path, state)}
        for b in element.branches
    }
    return {
        **_titles(element, state),
        "type": "object",
        "properties": branches,
        "additionalProperties": False,
        "minProperties": 1,
        "maxProperties": 1,
    }


# ---- the vocabulary ---------------------------------------------------------------------


def _vocabulary(form: ir.Form, state: _State, digest: str) -> Schema:
    rules = [_rule(rule) for rule in form.rules]
    if rules or state.program["computed"]:
        state.complete = False
    return {
        "vocabulary": VOCABULARY,
        "form": {"id": form.id, "version": form.version, "fingerprint": f"sha256:{digest}"},
        "languages": list(form.languages),
        "complete": state.complete,
        **state.program,
        "rules": rules,
        **({"meta": state.meta} if state.meta else {}),
    }


def _rule(rule: ir.Rule) -> Schema:
    out: Schema = {
        "expr": expr_json(rule.expr),
        "on": list(rule.target) if rule.target else None,
        "severity": rule.severity.value,
        "scope": list(rule.scope),
        "message": dict(rule.message.translations) if rule.message else None,
    }
    if rule.when is not None:
        out["when"] = expr_json(rule.when)
    return out
