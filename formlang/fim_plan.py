"""The importer's plan of the `.form` text to write (between `fim_map` and `fim_write`).

Unlike the compiler's frozen IR, a plan is built in steps: the mapping makes
the nodes, the rule translation adds conditions to them, and a condition the
checker refuses is taken back before the text is written. Each node keeps
the FIM element it came from, so that every choice can be explained.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from formlang.fim_codes import CodeFile
from formlang.fim_read import FieldDef, GroupDef, Ident, Rule


@dataclass(frozen=True, slots=True, kw_only=True)
class Note:
    """A message for the summary on stderr: what was decided or not translated."""

    line: int | None
    message: str
    untranslated: bool = True


@dataclass(slots=True, kw_only=True)
class Condition:
    """A `when` / `required when` made from a FIM rule; `taken_back` if the checker refused it."""

    expr: str
    rule: Ident
    rule_line: int
    required_only: bool = False  # `required when` instead of `when`
    requires: bool = False  # the rule also makes the element required when shown
    taken_back: str | None = None


@dataclass(slots=True, kw_only=True)
class Node:
    name: str
    label: str
    fim: Ident | None
    line: int
    hint: str | None = None
    comments: list[str] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    parent: Container | None = field(default=None, repr=False)

    def live_conditions(self) -> list[Condition]:
        return [c for c in self.conditions if c.taken_back is None]


@dataclass(slots=True, kw_only=True)
class FieldNode(Node):
    type: str  # a formlang field type
    source: FieldDef
    optional: bool = False
    readonly: bool = False
    options: list[str] = field(default_factory=list)  # rendered options: 'max_length 55'
    codes: list[tuple[str, str, str | None]] | None = None  # inline (code, label, help)
    codes_from: str | None = None  # the name of a `codes … from` list
    code_file: CodeFile | None = field(default=None, repr=False)  # that list's file


@dataclass(slots=True, kw_only=True)
class InfoNode(Node):
    kind: str = ""  # "" | "note"


@dataclass(slots=True, kw_only=True)
class RuleNode(Node):
    """A `rule` made from a FIM rule (e.g. "mindestens eines der Felder")."""

    expr: str = ""
    message: str = ""
    on: str | None = None


@dataclass(slots=True, kw_only=True)
class Container(Node):
    kind: str  # "group" | "repeat" | "alternative" | "form" | "module"
    source: GroupDef | None = None
    children: list[Node] = field(default_factory=list)
    min: int = 0
    max: int | None = None
    optional: bool = False  # an alternative the citizen may leave out
    definition: str | None = None  # a use of a module's group
    target: Container | None = field(default=None, repr=False)  # that group, for rules
    rules: list[Rule] = field(default_factory=list)  # the FIM rules of this element

    def add(self, node: Node) -> None:
        node.parent = self
        self.children.append(node)

    def content(self) -> Container:
        """Where the children live: the module's definition for a use."""
        return self.target if self.target is not None else self


@dataclass(slots=True, kw_only=True)
class CodesDecl:
    name: str
    label: str
    path: str  # relative to the .form file
    uri: str
    version: str | None
    file: CodeFile = field(repr=False)


@dataclass(slots=True, kw_only=True)
class Plan:
    form: Container
    module: Container | None  # the groups used more than once, if written to a module file
    module_file: str | None  # its file name, relative to the form
    codes: list[CodesDecl]
    form_name: str
    version: str
    title: str
    legal: str | None
    description: str | None
    header: list[str]  # comments above the form
    notes: list[Note]
