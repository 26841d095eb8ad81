"""The German free text of a FIM rule -> clauses "WENN field op values, DANN action targets".

Only the common shapes are read, and only when they are unambiguous:

- `WENN [das Feld|Datenfeld] F… "Label" = 001 [ODER = 002 …], DANN aktiviere G… …`
  (also `==`, `===`, `<>`, `!=`, `Auswahl = 02=Text`, `= JA`/`NEIN`, `"Ja"`)
- `Wenn F… nicht leer, dann darf F… nicht leer sein`, `… kein Eintrag …`
- `Wenn bei F… "02 Text" angegeben wird, dann …`, `… bejaht wurde`
- `"F… Label" ist nur dann zu befüllen, wenn "F… Label" bejaht wurde`
- `Es muss mindestens eines der Felder F…, F… oder F… befüllt sein`

Anything else gives `None`, and the importer reports the rule as not
translated; its text stays in the `.form` file as a comment either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ID = re.compile(r"\b([FG]\d{5,})\b")
_WENN = re.compile(r"(?i)\bwenn\b")
_DANN = re.compile(r"(?i)\bdann\b")
_OP = re.compile(r"===|==|!=|<>|=")
_ODER = re.compile(r"(?i)\b(?:oder|und)\b")
_VALUE = re.compile(r"""\s*(?:"([^"]*)"|'([^']*)'|([A-Za-zÄÖÜäöü0-9_]+))""")
_QUOTED_CODE = re.compile(r"""["']\s*(\d+)\b""")
_SHOW = re.compile(r"(?i)\b(aktiviere|zeige|anzuzeigen|angezeigt|befüllt|zu befüllen)")
_HIDE = re.compile(
    r"(?i)(\bdeaktiviere\b|\bnicht an\b|\bnicht befüllt\b|auszublenden|nicht angezeigt|\bnicht anzeigen)"
)
_REQUIRE = re.compile(r"(?i)(pflicht|\bmuss\b.*\bbefüllt\b|nicht leer sein)")
_ONLY_REQUIRED = re.compile(r"(?i)(pflichtfeld\b|pflichtangabe|nicht leer sein)")


@dataclass(frozen=True, slots=True, kw_only=True)
class Test:
    """`field` compared: `values` (codes or JA/NEIN words), `negated` for `<>`, or a test for emptiness."""

    field: str
    values: tuple[str, ...] = ()
    negated: bool = False
    empty: bool | None = None  # True: is empty, False: is not empty
    others: bool = False  # "alle anderen Ausprägungen": the complement of the rest


@dataclass(frozen=True, slots=True, kw_only=True)
class Action:
    targets: tuple[str, ...]
    show: bool  # False: hide
    requires: bool = False  # required when shown
    required_only: bool = False  # stays visible, becomes required
    optional_only: bool = False  # stays visible, becomes optional (the complement of the above)


@dataclass(frozen=True, slots=True, kw_only=True)
class Clause:
    test: Test
    actions: tuple[Action, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class AtLeastOne:
    fields: tuple[str, ...]


def read_rule(text: str) -> list[Clause] | AtLeastOne | None:
    flat = " ".join(text.split())
    if not flat:
        return None
    at_least = re.search(r"(?i)mindestens (?:eines|eins|ein) der Felder(.*?)befüllt", flat)
    if at_least:
        ids = ID.findall(at_least.group(1))
        ok = len(ids) >= 2 and all(i.startswith("F") for i in ids)
        return AtLeastOne(fields=tuple(ids)) if ok else None
    only_then = re.match(r"(?i)^(.*)\bnur dann zu befüllen,?\s*wenn\b(.*)$", flat)
    if only_then:
        targets = tuple(ID.findall(only_then.group(1)))
        test = _test(only_then.group(2))
        if not targets or test is None:
            return None
        return [Clause(test=test, actions=(Action(targets=targets, show=True),))]
    return _clauses(flat)


def _clauses(flat: str) -> list[Clause] | None:
    starts = [m.start() for m in _WENN.finditer(flat)]
    if not starts or ID.search(flat[: starts[0]]):
        return None
    clauses = []
    for begin, end in zip(starts, [*starts[1:], len(flat)], strict=True):
        segment = flat[begin:end].strip().rstrip(".,; ")
        split = _DANN.search(segment)
        if split is None:
            return None
        test = _test(segment[4 : split.start()])
        actions = _actions(segment[split.end() :])
        if test is None or actions is None:
            return None
        clauses.append(Clause(test=test, actions=actions))
    return clauses


def _test(text: str) -> Test | None:
    ids = ID.findall(text)
    if len(set(ids)) != 1 or not ids[0].startswith("F"):
        return None
    field = ids[0]
    rest = text[text.index(field) + len(field) :]
    lowered = rest.lower()
    if "alle anderen" in lowered:
        return Test(field=field, others=True)
    if "nicht leer" in lowered or re.search(r"\bein eintrag\b", lowered) or "befüllt" in lowered:
        return Test(field=field, empty=False)
    if re.search(r"\bleer\b|kein eintrag", lowered):
        return Test(field=field, empty=True)
    if "bejaht" in lowered:
        return Test(field=field, values=("JA",))
    if "verneint" in lowered:
        return Test(field=field, values=("NEIN",))
    op = _OP.search(rest)
    if op is None:
        quoted = _QUOTED_CODE.search(rest)
        if quoted and re.search(r"(?i)angegeben|ausgewählt|gewählt", rest):
            return Test(field=field, values=(quoted.group(1),))
        return None
    negated = op.group(0) in ("<>", "!=")
    values = _values(rest[op.end() :], negated)
    if not values:
        return None
    return Test(field=field, values=values, negated=negated)


def _values(text: str, negated: bool) -> tuple[str, ...]:
    """`001 "Text" ODER = 002 "Text"` -> ("001", "002"); `UND <> 005` joins a negated list."""
    parts = _ODER.split(text)
    values = []
    for number, part in enumerate(parts):
        part = part.strip()
        if number and not part:
            continue
        if number:
            op = _OP.match(part)
            if op is None:
                bare = _VALUE.match(part)
                if bare and bare.group(3) and bare.group(3).isdigit():
                    values.append(bare.group(3))  # "= 001 oder 002 oder 003"
                    continue
                break  # the rest is prose ("und mache …")
            if (op.group(0) in ("<>", "!=")) != negated:
                return ()
            part = part[op.end() :]
        found = _VALUE.match(part)
        if found is None:
            return ()
        quoted = found.group(1) if found.group(1) is not None else found.group(2)
        token = found.group(3) if quoted is None else quoted.strip()
        code = re.match(r"^(\d+)\s*=", part.strip())  # "02=ist beantragt"
        values.append(code.group(1) if code else token)
    return tuple(v for v in values if v)


def _actions(text: str) -> tuple[Action, ...] | None:
    pieces = [p for p in re.split(r"(?i)\bund\b|\.\s+", text) if p.strip()]
    actions: list[Action] = []
    pending: tuple[str, ...] = ()  # "G1 und G2 dürfen nicht …": targets before their verb
    for piece in pieces:
        targets = pending + tuple(ID.findall(piece))
        hide = bool(_HIDE.search(piece))
        show = bool(_SHOW.search(piece)) and not hide
        require = bool(_REQUIRE.search(piece)) and not hide
        if not hide and not show and not require and re.search(r"(?i)\boptional", piece):
            actions.append(Action(targets=targets, show=True, optional_only=True))
            pending = ()
            continue
        if not hide and not show and not require:
            if targets and not re.search(r"(?i)\b(mache|ist|sind|wird)\b", piece):
                pending = targets
                continue
            if targets:
                return None
            if re.search(r"(?i)\b(mache|ist|sind|wird)\b", piece) and not re.search(r"\d", piece):
                continue  # connecting prose without a target
            return None
        pending = ()
        if not targets:
            if require and actions and actions[-1].show:
                last = actions[-1]
                actions[-1] = Action(targets=last.targets, show=True, requires=True)
                continue
            return None
        if hide:
            actions.append(Action(targets=targets, show=False))
        elif show:
            actions.append(Action(targets=targets, show=True, requires=require))
        elif _ONLY_REQUIRED.search(piece):
            actions.append(Action(targets=targets, show=True, required_only=True))
        else:
            return None
    if pending:
        return None
    return tuple(actions) or None
