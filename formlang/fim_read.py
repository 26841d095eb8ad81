"""XDatenfelder 2.0 and 3.0 XML -> a small FIM model (front end of `formlang import fim`).

The version is decided by the namespace URI of the root element, never by
its prefix (real files use `xdf:`, `xdf3:` and `ns0:`). Both versions nest
every element inline at each use, so the reader walks one tree; the few
differences (JSON `praezisierung` in 2.0, attributes in 3.0; `definition`
or `freitextRegel` for the text of a rule; `bezeichnungEingabe` or
`bezeichnung` for the schema's title) are settled here and nowhere else.

The parser resolves no entities, loads no DTD and touches no network; a
document with a DOCTYPE is refused before and after parsing, and the input
size is capped. lxml is imported only when a file is read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

NS_2 = "urn:xoev-de:fim:standard:xdatenfelder_2"
NS_3 = "urn:xoev-de:fim:standard:xdatenfelder_3.0.0"
NS_1 = "urn:xoev-de:fim:standard:xdatenfelder_1"
ROOT = "xdatenfelder.stammdatenschema.0102"
MAX_BYTES = 32 * 1024 * 1024
_DOCTYPE = tuple("<!DOCTYPE".encode(enc) for enc in ("utf-8", "utf-16-le", "utf-16-be"))

Element = Any  # an lxml element; lxml ships no type information


class FimError(Exception):
    """The file cannot be imported at all; `line` is where, if known."""

    def __init__(self, message: str, line: int | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.hint = hint


@dataclass(frozen=True, slots=True, kw_only=True)
class Ident:
    id: str
    version: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    ident: Ident
    name: str
    text: str
    line: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Value:
    code: str
    label: str
    hint: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class CodeRef:
    uri: str
    version: str | None
    line: int


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldDef:
    ident: Ident
    name: str
    label: str
    hint: str | None
    feldart: str
    datentyp: str
    precision: dict[str, str]  # minLength, maxLength, minValue, maxValue, pattern
    precision_raw: str | None  # a 2.0 `praezisierung` that is not a JSON object
    content: str | None  # `inhalt`
    values: tuple[Value, ...] = ()
    codelist: CodeRef | None = None
    max_size: int | None = None
    media_types: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    line: int


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupDef:
    ident: Ident
    name: str
    label: str
    hint: str | None
    choice: bool  # an Auswahlgruppe (`art` X): exactly one of the children
    rules: tuple[Rule, ...]
    children: tuple[Use, ...]
    line: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Use:
    min: int
    max: int | None  # None: no upper bound (`*`)
    raw: str
    element: FieldDef | GroupDef
    line: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Schema:
    ident: Ident
    xdf_version: str  # "2.0" | "3.0.0"
    name: str
    title: str
    description: str | None
    legal: tuple[str, ...]
    rules: tuple[Rule, ...]
    children: tuple[Use, ...]
    line: int
    bad_counts: tuple[tuple[int, str], ...] = ()  # (line, anzahl) that could not be read


def read_fim(data: bytes, name: str = "<fim>") -> Schema:
    """The Stammdatenschema in `data`; raises `FimError` for anything unusable."""
    root = _parse(data, name)
    ns = _namespace(root)
    reader = _Reader(ns)
    body = reader.child(root, "stammdatenschema")
    if body is None:
        raise FimError("the message has no <stammdatenschema>", root.sourceline)
    return reader.schema(body)


# ---- XML ----------------------------------------------------------------------


def _parse(data: bytes, name: str) -> Element:
    if len(data) > MAX_BYTES:
        raise FimError(
            f"the file is {len(data) // (1024 * 1024)} MB; at most {MAX_BYTES // (1024 * 1024)} MB "
            "can be imported"
        )
    if any(marker in data for marker in _DOCTYPE):
        raise _doctype()
    from lxml import etree  # lazily: the CLI's cold start must not pay for lxml

    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        message = str(exc.msg).split(", line ")[0]
        raise FimError(f"malformed XML: {message}", exc.lineno) from None
    if root.getroottree().docinfo.doctype:
        raise _doctype()
    return root


def _doctype() -> FimError:
    return FimError(
        "a DOCTYPE (DTD) is not allowed in a FIM file",
        hint="XDatenfelder needs no DTD; DTDs can define entities that expand without bound "
        "or read local files",
    )


def _namespace(root: Element) -> str:
    from lxml import etree

    qname = etree.QName(root)
    ns = qname.namespace or ""
    if ns == NS_1 or ns.startswith(NS_1 + "."):
        raise FimError(
            "XDatenfelder 1.x is not supported: only XDatenfelder 2.0 and 3.0 can be imported",
            root.sourceline,
            hint="export the schema from the FIM portal as XDatenfelder 2.0 or 3.0",
        )
    if ns not in (NS_2, NS_3):
        where = f"namespace '{ns}'" if ns else "no namespace"
        raise FimError(
            f"unsupported document: the root element <{qname.localname}> is in {where}",
            root.sourceline,
            hint=f"expected <{ROOT}> in {NS_2} (2.0) or {NS_3} (3.0)",
        )
    if qname.localname != ROOT:
        raise FimError(
            f"wrong root element <{qname.localname}>: only a Stammdatenschema "
            f"(<{ROOT}>) can be imported",
            root.sourceline,
        )
    return str(ns)


# ---- the model ------------------------------------------------------------------


class _Reader:
    def __init__(self, ns: str) -> None:
        self.ns = ns
        self.v3 = ns == NS_3
        self.bad_counts: list[tuple[int, str]] = []

    def q(self, local: str) -> str:
        return f"{{{self.ns}}}{local}"

    def child(self, element: Element, local: str) -> Element | None:
        return element.find(self.q(local))

    def children(self, element: Element, local: str) -> list[Element]:
        return list(element.findall(self.q(local)))

    def text(self, element: Element, local: str) -> str | None:
        found = element.find(self.q(local))
        if found is None:
            return None
        text = "".join(found.itertext()).strip()
        return text or None

    def required(self, element: Element, local: str) -> str:
        value = self.text(element, local)
        if value is None:
            owner = element.tag.rpartition("}")[2]
            raise FimError(f"<{owner}> has no <{local}>", element.sourceline)
        return value

    def code(self, element: Element, local: str) -> str | None:
        found = element.find(self.q(local))
        if found is None:
            return None
        code = found.find("code")
        if code is None:  # some exporters qualify it
            code = found.find(self.q("code"))
        return (code.text or "").strip() if code is not None else None

    def ident(self, element: Element) -> Ident:
        ident = self.child(element, "identifikation")
        if ident is None:
            owner = element.tag.rpartition("}")[2]
            raise FimError(f"<{owner}> has no <identifikation>", element.sourceline)
        return Ident(id=self.required(ident, "id"), version=self.text(ident, "version"))

    def schema(self, body: Element) -> Schema:
        ident = self.ident(body)
        name = self.required(body, "name")
        title = self.text(body, "bezeichnung") or self.text(body, "bezeichnungEingabe") or name
        legal = tuple(" ".join("".join(b.itertext()).split()) for b in self.children(body, "bezug"))
        rules = self.rules(body)
        children = self.uses(body)
        return Schema(
            ident=ident,
            xdf_version="3.0.0" if self.v3 else "2.0",
            name=name,
            title=title,
            description=self.text(body, "hilfetext"),
            legal=tuple(x for x in legal if x),
            rules=rules,
            children=children,
            line=body.sourceline,
            bad_counts=tuple(self.bad_counts),
        )

    def rules(self, element: Element) -> tuple[Rule, ...]:
        out = []
        for rule in self.children(element, "regel"):
            text = self.text(rule, "freitextRegel") if self.v3 else None
            text = text or self.text(rule, "definition") or self.text(rule, "beschreibung")
            out.append(
                Rule(
                    ident=self.ident(rule),
                    name=self.text(rule, "name") or "",
                    text=text or "",
                    line=rule.sourceline,
                )
            )
        return tuple(out)

    def uses(self, element: Element) -> tuple[Use, ...]:
        out = []
        for struktur in self.children(element, "struktur"):
            raw = self.text(struktur, "anzahl") or "1:1"
            low, high = self.count(raw, struktur.sourceline)
            enthaelt = self.child(struktur, "enthaelt")
            inner = [] if enthaelt is None else [c for c in enthaelt if isinstance(c.tag, str)]
            if not inner:
                raise FimError("<struktur> contains no element", struktur.sourceline)
            item = inner[0]
            local = item.tag.rpartition("}")[2]
            if local == "datenfeld":
                built: FieldDef | GroupDef = self.field(item)
            elif local == "datenfeldgruppe":
                built = self.group(item)
            else:
                raise FimError(f"<enthaelt> holds an unknown <{local}>", item.sourceline)
            out.append(Use(min=low, max=high, raw=raw, element=built, line=struktur.sourceline))
        return tuple(out)

    def count(self, raw: str, line: int) -> tuple[int, int | None]:
        low, sep, high = raw.partition(":")
        try:
            lo = int(low)
            hi = None if high.strip() == "*" else int(high)
        except ValueError:
            self.bad_counts.append((line, raw))
            return 1, 1
        if not sep or lo < 0 or (hi is not None and hi < max(lo, 1)):
            self.bad_counts.append((line, raw))
            return 1, 1
        return lo, hi

    def group(self, element: Element) -> GroupDef:
        name = self.required(element, "name")
        return GroupDef(
            ident=self.ident(element),
            name=name,
            label=self.text(element, "bezeichnungEingabe") or name,
            hint=self.text(element, "hilfetextEingabe"),
            choice=self.code(element, "art") == "X",
            rules=self.rules(element),
            children=self.uses(element),
            line=element.sourceline,
        )

    def field(self, element: Element) -> FieldDef:
        name = self.required(element, "name")
        precision, raw = self.precision(element)
        media = tuple("".join(m.itertext()).strip() for m in self.children(element, "mediaType"))
        size = self.text(element, "maxSize")
        return FieldDef(
            ident=self.ident(element),
            name=name,
            label=self.text(element, "bezeichnungEingabe") or name,
            hint=self.text(element, "hilfetextEingabe"),
            feldart=self.code(element, "feldart") or "input",
            datentyp=self.code(element, "datentyp") or "text",
            precision=precision,
            precision_raw=raw,
            content=self.text(element, "inhalt"),
            values=self.values(element),
            codelist=self.codelist(element),
            max_size=int(size) if size and size.isdigit() else None,
            media_types=tuple(m for m in media if m),
            rules=self.rules(element),
            line=element.sourceline,
        )

    def precision(self, element: Element) -> tuple[dict[str, str], str | None]:
        found = self.child(element, "praezisierung")
        if found is None:
            return {}, None
        if self.v3:
            return {k: str(v) for k, v in found.attrib.items()}, None
        text = "".join(found.itertext()).strip()
        if not text:
            return {}, None
        try:
            parsed = json.loads(text)
        except ValueError:
            return {}, text
        if not isinstance(parsed, dict):
            return {}, text
        return {str(k): str(v) for k, v in parsed.items() if v is not None}, None

    def values(self, element: Element) -> tuple[Value, ...]:
        werte = self.child(element, "werte")
        if werte is None:
            return ()
        return tuple(
            Value(
                code=self.required(wert, "code"),
                label=self.text(wert, "name") or self.required(wert, "code"),
                hint=self.text(wert, "hilfe"),
            )
            for wert in self.children(werte, "wert")
        )

    def codelist(self, element: Element) -> CodeRef | None:
        ref = self.child(element, "codelisteReferenz")
        if ref is None:
            return None
        ident = self.child(ref, "genericodeIdentification")
        holder = ident if ident is not None else ref
        uri = self.text(holder, "canonicalIdentification")
        if uri is None:
            return None
        return CodeRef(uri=uri, version=self.text(holder, "version"), line=ref.sourceline)
