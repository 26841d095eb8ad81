"""FIM rules -> comments, `when` / `required when` conditions and rules on the plan (for `formlang import fim`).

Every rule's German text is written as a comment above each element it
names. Where `fim_rule_text` reads the text, the clauses are turned into
conditions on the named elements, resolved inside the element that owns the
rule: the field tested must be one field there (not inside a repeat), its
values codes of its list (or yes/no for a boolean), the "else" sentences the
complement of the "then" sentences. A rule is translated whole or not at
all; what is not translated is noted for the summary.
"""

from __future__ import annotations

from formlang.fim_plan import Condition, Container, FieldNode, Node, Note, Plan, RuleNode
from formlang.fim_read import Rule
from formlang.fim_rule_text import ID, Action, AtLeastOne, Clause, Test, read_rule

Trail = list[Node]  # from a child of the scope down to the node
_YES = {"ja", "true", "wahr"}
_NO = {"nein", "false", "falsch"}


class Untranslatable(Exception):
    pass


def apply_rules(plan: Plan) -> None:
    """Adds every rule of the plan's containers to the plan (comments, conditions, rules)."""
    roots = [plan.form] + ([plan.module] if plan.module is not None else [])
    for root in roots:
        for container in [root, *_containers(root)]:
            for rule in container.rules:
                _one(plan, container, rule)


def _containers(root: Container) -> list[Container]:
    found, stack = [], list(root.children)
    while stack:
        node = stack.pop()
        if isinstance(node, Container):
            found.append(node)
            stack.extend(node.children)
    return found


def _one(plan: Plan, owner: Container, rule: Rule) -> None:
    scope = owner.content()
    title = f"FIM-Regel {rule.ident.id}" + (f" ({rule.name})" if rule.name else "")
    named = _named_nodes(scope, rule.text)
    _comment(owner, named, f"{title}: {rule.text}", title)
    try:
        read = read_rule(rule.text)
        if read is None:
            raise Untranslatable("the text does not have a form the importer reads")
        if isinstance(read, AtLeastOne):
            scope.add(_at_least_one(scope, read, rule))
        else:
            _conditions(scope, read, rule)
    except Untranslatable as why:
        plan.notes.append(
            Note(
                line=rule.line, message=f"rule {rule.ident.id} '{rule.name}' not translated: {why}"
            )
        )


def _comment(owner: Container, named: list[Node], text: str, title: str) -> None:
    if not named:
        owner.comments.append(text)
        return
    named[0].comments.append(text)
    for node in named[1:]:
        node.comments.append(f"{title}: siehe bei '{named[0].label}'")


def _named_nodes(scope: Container, text: str) -> list[Node]:
    out: list[Node] = []
    for fim_id in dict.fromkeys(ID.findall(text)):
        trails = _find(scope, fim_id)
        if len(trails) == 1 and _target(trails[0])[-1] not in out:
            out.append(_target(trails[0])[-1])
    return out


def _find(scope: Container, fim_id: str, through_uses: bool = False) -> list[Trail]:
    """Trails to the nodes with this FIM id below `scope`."""
    found: list[Trail] = []

    def visit(container: Container, trail: Trail) -> None:
        children = container.content().children if through_uses else container.children
        for child in children:
            here = [*trail, child]
            if child.fim is not None and child.fim.id == fim_id:
                found.append(here)
            if isinstance(child, Container) and (through_uses or child.definition is None):
                visit(child, here)

    visit(scope, [])
    return found


def _target(trail: Trail) -> Trail:
    """A field repeated by its own multiplicity is shown and hidden as its repeat."""
    if len(trail) >= 2:
        wrapper = trail[-2]
        if isinstance(wrapper, Container) and wrapper.kind == "repeat" and wrapper.fim is None:
            return trail[:-1]
    return trail


def _one_trail(scope: Container, fim_id: str, through_uses: bool) -> Trail:
    trails = _find(scope, fim_id, through_uses)
    if not trails:
        raise Untranslatable(f"{fim_id} is not an element of this group")
    if len(trails) > 1:
        raise Untranslatable(f"{fim_id} occurs {len(trails)} times here")
    return trails[0]


def _conditions(scope: Container, clauses: list[Clause], rule: Rule) -> None:
    shows: dict[int, tuple[Trail, list[tuple[Clause, Action]]]] = {}
    hides: dict[int, list[Clause]] = {}
    for clause in clauses:
        for action in clause.actions:
            for fim_id in action.targets:
                trail = _target(_one_trail(scope, fim_id, through_uses=False))
                key = id(trail[-1])
                if action.optional_only:
                    hides.setdefault(key, []).append(clause)
                elif action.show:
                    shows.setdefault(key, (trail, []))[1].append((clause, action))
                else:
                    hides.setdefault(key, []).append(clause)
    if set(hides) - set(shows):
        raise Untranslatable("it only says when an element is hidden, not when it is shown")
    made: list[tuple[Node, Condition]] = []
    for key, (trail, pairs) in shows.items():
        exprs = [_test_expr(scope, trail, clause.test) for clause, _ in pairs]
        for clause in hides.get(key, []):
            _check_complement(clause.test, [c.test for c, _ in pairs])
        required_only = {a.required_only for _, a in pairs}
        if len(required_only) > 1:
            raise Untranslatable("it mixes showing and requiring one element")
        node = trail[-1]
        expr = " or ".join(f"({e})" if " or " in e else e for e in exprs)
        condition = Condition(
            expr=expr,
            rule=rule.ident,
            rule_line=rule.line,
            required_only=required_only == {True},
            requires=any(a.requires for _, a in pairs),
        )
        if required_only == {True} and not isinstance(node, FieldNode):
            node = _group_required(scope, trail, condition)
        made.append((node, condition))
    for node, condition in made:
        if isinstance(node, RuleNode):
            node.parent = None
            scope.add(node)
        node.conditions.append(condition)


def _group_required(scope: Container, trail: Trail, condition: Condition) -> RuleNode:
    """An optional group (a repeat of at most one) required under a condition: a rule
    `count(group) >= 1` that holds only then; formlang has `required when` for fields only."""
    group = trail[-1]
    if not (isinstance(group, Container) and group.kind == "repeat" and group.max == 1):
        raise Untranslatable("only a field or an optional group can be required under a condition")
    if any(isinstance(n, Container) and n.kind == "repeat" for n in trail[:-1]):
        raise Untranslatable("the group is inside a repeat")
    path = ".".join(n.name for n in trail)
    condition.required_only = False
    return RuleNode(
        name="",
        label="",
        fim=None,
        line=condition.rule_line,
        expr=f"count({path}) >= 1",
        message=f"Bitte machen Sie die Angaben „{group.label}“.",
        on=path,
    )


def _check_complement(hide: Test, shows: list[Test]) -> None:
    if hide.others:
        return
    for show in shows:
        if show.field != hide.field:
            raise Untranslatable("the 'else' sentence tests another field")
        if show.empty is not None or hide.empty is not None:
            if show.empty == hide.empty:
                raise Untranslatable("the 'else' sentence contradicts the 'then' sentence")
            continue
        same = set(show.values) == set(hide.values)
        if hide.negated != show.negated and same:
            continue
        if not hide.negated and not show.negated and not set(show.values) & set(hide.values):
            continue
        raise Untranslatable("the 'else' sentence is not the opposite of the 'then' sentence")


def _test_expr(scope: Container, target: Trail, test: Test) -> str:
    trail = _one_trail(scope, test.field, through_uses=True)
    node = trail[-1]
    if not isinstance(node, FieldNode):
        raise Untranslatable(f"{test.field} is not a field")
    path = _path(scope, target, trail)
    if test.others:
        raise Untranslatable("'all other values' has no 'then' sentence to complement")
    if test.empty is not None:
        return f"is_empty({path})" if test.empty else f"not is_empty({path})"
    if node.type == "boolean":
        return _boolean(path, test)
    if node.type in ("choice", "multichoice"):
        codes = _codes(node, test)
        if node.type == "multichoice":
            joined = " or ".join(f'"{c}" in {path}' for c in codes)
            return f"not ({joined})" if test.negated else joined
        if len(codes) == 1:
            return f'{path} {"!=" if test.negated else "=="} "{codes[0]}"'
        listed = ", ".join(f'"{c}"' for c in codes)
        return f"{path} {'not in' if test.negated else 'in'} [{listed}]"
    raise Untranslatable(
        f"{test.field} is a {node.type} field; only yes/no and code lists are compared"
    )


def _boolean(path: str, test: Test) -> str:
    words = {v.lower() for v in test.values}
    if len(words) != 1 or not words <= _YES | _NO:
        raise Untranslatable(f"'{', '.join(test.values)}' is not yes or no")
    positive = (words <= _YES) != test.negated
    return path if positive else f"not {path}"


def _codes(node: FieldNode, test: Test) -> list[str]:
    known = _known_codes(node)
    if known is None:
        raise Untranslatable(f"the codes of {test.field} are not known")
    out = []
    for value in test.values:
        if value in known:
            out.append(value)
            continue
        by_label = [c for c, label in known.items() if label.strip().lower() == value.lower()]
        by_number = [c for c in known if c.isdigit() and value.isdigit() and int(c) == int(value)]
        match = by_label if len(by_label) == 1 else by_number if len(by_number) == 1 else []
        if not match:
            raise Untranslatable(f"'{value}' is not a code of {test.field}")
        out.append(match[0])
    return out


def _known_codes(node: FieldNode) -> dict[str, str] | None:
    if node.codes is not None:
        return {code: label for code, label, _ in node.codes}
    return node.code_file.codes() if node.code_file is not None else None


def _path(scope: Container, target: Trail, trail: Trail) -> str:
    """The name of the field at the end of `trail` as seen from where `target`'s condition stands."""
    common = 0
    while common < min(len(target), len(trail)) - 1 and target[common] is trail[common]:
        common += 1
    relative = trail[common:]
    if any(isinstance(n, Container) and n.kind == "repeat" for n in relative[:-1]):
        raise Untranslatable("the field tested is inside a repeat")
    if relative[-1].parent is not None and _repeated(relative[-1]):
        raise Untranslatable("the field tested is repeated")
    inner = [scope, *target[:-1]][common + 1 :]  # scopes between the target and the common one
    for container in inner:
        if isinstance(container, Container) and any(
            c.name == relative[0].name for c in container.content().children
        ):
            raise Untranslatable(f"the name '{relative[0].name}' is hidden by another element")
    return ".".join(n.name for n in relative)


def _repeated(node: Node) -> bool:
    parent = node.parent
    return isinstance(parent, Container) and parent.kind == "repeat" and parent.fim is None


def _at_least_one(scope: Container, read: AtLeastOne, rule: Rule) -> RuleNode:
    paths, labels = [], []
    for fim_id in read.fields:
        trail = _one_trail(scope, fim_id, through_uses=False)
        node = trail[-1]
        if not isinstance(node, FieldNode):
            raise Untranslatable(f"{fim_id} is not a field")
        if any(isinstance(n, Container) and n.kind == "repeat" for n in trail[:-1]) or _repeated(
            node
        ):
            raise Untranslatable(f"{fim_id} is inside a repeat")
        paths.append(".".join(n.name for n in trail))
        labels.append(node.label)
    expr = " or ".join(f"not is_empty({p})" for p in paths)
    return RuleNode(
        name="",
        label="",
        fim=None,
        line=rule.line,
        expr=expr,
        message="Bitte füllen Sie mindestens eines dieser Felder aus: " + ", ".join(labels) + ".",
        on=paths[0],
    )
