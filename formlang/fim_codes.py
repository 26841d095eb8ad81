"""Offline genericode lists for `formlang import fim --codelists DIR` (front end).

Every `*.xml` and `*.xml.gz` file below the given folders is indexed by the
CanonicalUri and Version of its genericode `Identification`, read with the
same locked-down parser as the FIM file (no DTD, no entities, no network).
A FIM `codelisteReferenz` finds its list by URI and version; if only another
version of the list is at hand, that one is used and the importer says so.
Nothing is ever fetched from the network.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from formlang.codelist_rows import Unusable
from formlang.genericode import GENERICODE_NS, read_genericode

MAX_LIST_BYTES = 64 * 1024 * 1024


@dataclass(slots=True)
class CodeFile:
    path: Path
    uri: str
    version: str | None
    short_name: str | None
    long_name: str | None
    _codes: dict[str, str] | None = field(default=None, repr=False)

    def codes(self) -> dict[str, str]:
        """code -> German label, read once."""
        if self._codes is None:
            data = _read_bytes(self.path)
            raw = read_genericode(data, str(self.path), "de", None)
            self._codes = {code: dict(labels).get("de", code) for code, labels, _ in raw.rows}
        return self._codes


class CodeLists:
    """The lists found below some folders, by (URI, version)."""

    def __init__(self, folders: Iterable[Path] = ()) -> None:
        self.files: list[CodeFile] = []
        self.unreadable: list[tuple[Path, str]] = []
        for folder in folders:
            for path in sorted(folder.rglob("*")):
                if path.is_file() and path.name.endswith((".xml", ".xml.gz")):
                    self._index(path)

    def _index(self, path: Path) -> None:
        try:
            found = _identification(_read_bytes(path))
        except (OSError, ValueError, Unusable) as exc:
            self.unreadable.append((path, str(exc)))
            return
        if found is not None:
            uri, version, short, long = found
            self.files.append(
                CodeFile(path=path, uri=uri, version=version, short_name=short, long_name=long)
            )

    def find(self, uri: str, version: str | None) -> tuple[CodeFile | None, bool]:
        """The list for `uri`, and whether it is the requested version."""
        same = [f for f in self.files if f.uri == uri]
        exact = [f for f in same if f.version == version]
        if exact:
            return exact[0], True
        if same:  # the newest other version: versions are dates or numbers
            return sorted(same, key=lambda f: _version_key(f.version))[-1], False
        return None, False


def _version_key(version: str | None) -> tuple[tuple[int, int | str], ...]:
    parts = (version or "").replace("-", ".").split(".")
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


def _read_bytes(path: Path) -> bytes:
    if path.stat().st_size > MAX_LIST_BYTES:
        raise ValueError("the file is too large for a code list")
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            data = stream.read(MAX_LIST_BYTES + 1)
        if len(data) > MAX_LIST_BYTES:
            raise ValueError("the code list is too large once uncompressed")
    return data


def _identification(data: bytes) -> tuple[str, str | None, str | None, str | None] | None:
    """(CanonicalUri, Version, ShortName, LongName) of a genericode file; None for other XML."""
    if b"<!DOCTYPE" in data:
        raise ValueError("a DOCTYPE is not allowed in a code list file")
    from lxml import etree

    wanted = {"CanonicalUri", "Version", "ShortName", "LongName"}
    found: dict[str, str] = {}
    events = etree.iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    try:
        for event, element in events:
            local = etree.QName(element).localname
            if event == "start" and element.getparent() is None:
                if element.tag != f"{{{GENERICODE_NS}}}CodeList":
                    return None
            elif event == "end" and local in wanted and local not in found:
                parent = element.getparent()
                if parent is not None and etree.QName(parent).localname == "Identification":
                    found[local] = (element.text or "").strip()
            elif event == "end" and local == "Identification":
                break
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"malformed XML: {exc.msg}") from None
    if not found.get("CanonicalUri"):
        return None
    return (
        found["CanonicalUri"],
        found.get("Version") or None,
        found.get("ShortName") or None,
        found.get("LongName") or None,
    )
