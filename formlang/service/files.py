"""Uploaded files: limits by size and by the media type found in the content (service stage).

The media type a browser or a client names is not believed: the first bytes
are matched against known signatures (`puremagic`), and a file is taken only
when what it is matches one of the field's `accept` types (or the service's
default list). A renamed executable, an unknown format or an empty file is
refused with a message for the person who sent it. The file's name is kept
only as a label, cut to a safe set of characters.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import puremagic

from formlang import ir
from formlang.service.storage import Upload
from formlang.types import FieldKind

_UNSAFE = re.compile(r"[^\w.\- ()]+")
MESSAGES = {
    "de": {
        "empty": "Die Datei „{name}“ ist leer.",
        "size": "Die Datei „{name}“ ist zu groß: höchstens {limit} sind erlaubt.",
        "type": "Die Datei „{name}“ hat kein erlaubtes Format. Erlaubt sind: {accept}.",
        "missing": "Laden Sie die Datei für „{label}“ hoch.",
    },
    "en": {
        "empty": "The file “{name}” is empty.",
        "size": "The file “{name}” is too large: at most {limit} is allowed.",
        "type": "The file “{name}” is not in an allowed format. Allowed: {accept}.",
        "missing": "Upload the file for “{label}”.",
    },
}


@dataclass(frozen=True)
class Refused(Exception):
    code: str
    message: str


def sniff(content: bytes) -> list[str]:
    """The media types the content looks like, the most likely first."""
    try:
        found = puremagic.magic_string(content[:65536])
    except (puremagic.PureError, ValueError):
        return []
    best = max((m.confidence for m in found), default=0)
    return [m.mime_type for m in found if m.mime_type and m.confidence >= best]


def accepts(accept: tuple[str, ...], media_type: str) -> bool:
    for pattern in accept:
        if pattern == media_type or (
            pattern.endswith("/*") and media_type.startswith(pattern[:-1])
        ):
            return True
    return False


def check_upload(
    element: ir.Field | None,
    filename: str,
    content: bytes,
    lang: str,
    max_upload: int,
    default_accept: tuple[str, ...],
) -> Upload:
    """The upload to store, or `Refused` with the reason in the person's language."""
    words = MESSAGES.get(lang, MESSAGES["de"])
    name = safe_name(filename)
    limit = max_upload
    accept = default_accept
    if element is not None:
        limit = min(limit, element.constraints.max_size or limit)
        accept = element.constraints.accept or accept
    if not content:
        raise Refused("file_empty", words["empty"].format(name=name))
    if len(content) > limit:
        shown = f"{limit / 1024 / 1024:.0f} MB" if limit >= 1024 * 1024 else f"{limit} B"
        raise Refused("file_too_large", words["size"].format(name=name, limit=shown))
    kinds = [k for k in sniff(content) if accepts(accept, k) and k != "image/svg+xml"]
    if not kinds:
        raise Refused("file_type", words["type"].format(name=name, accept=", ".join(accept)))
    return Upload(
        ref=secrets.token_urlsafe(18),
        name=name,
        media_type=kinds[0],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )


def safe_name(filename: str) -> str:
    base = unicodedata.normalize("NFC", filename.replace("\\", "/").rsplit("/", 1)[-1])
    cleaned = _UNSAFE.sub("_", base).strip(" .") or "datei"
    return cleaned[:120]


def file_fields(elements: tuple[ir.Element, ...], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every file field, with the dotted input name pattern of its place (`*` for a row)."""
    for element in elements:
        if isinstance(element, ir.Page):
            yield from file_fields(element.children, prefix)
        elif isinstance(element, ir.Field) and element.kind is FieldKind.FILE:
            yield f"{prefix}{element.name}", element
        elif isinstance(element, ir.Group):
            yield from file_fields(element.children, f"{prefix}{element.name}.")
        elif isinstance(element, ir.Repeat):
            yield from file_fields(element.children, f"{prefix}{element.name}.*.")
        elif isinstance(element, ir.Alternative):
            for branch in element.branches:
                yield from file_fields(branch.children, f"{prefix}{element.name}.{branch.name}.")


def field_for(form: ir.Form, input_name: str) -> ir.Field | None:
    """The file field an input name (`hunde.0.bescheid`) belongs to."""
    pattern = re.sub(r"\.\d{1,4}\.", ".*.", f".{input_name}.").strip(".")
    for name, element in file_fields(form.children):
        if name == pattern:
            return element  # type: ignore[no-any-return]
    return None


def file_values(value: Any) -> list[tuple[str, dict[str, Any]]]:
    """Every file description in a submission (an object with `sha256` and `size`), by pointer.

    Runs for every submission, so it is one loop over the containers and no generators;
    the order is the submission's (depth first, as written)."""
    found: list[tuple[str, dict[str, Any]]] = []
    todo: list[tuple[str, Any]] = [("", value)]
    while todo:
        pointer, item = todo.pop()
        if isinstance(item, dict):
            if "sha256" in item and "size" in item and "media_type" in item:
                found.append((pointer, item))
                continue
            pairs: Any = item.items()
        elif isinstance(item, list):
            pairs = enumerate(item)
        else:
            continue
        todo += reversed([(f"{pointer}/{k}", v) for k, v in pairs if isinstance(v, dict | list)])
    return found
