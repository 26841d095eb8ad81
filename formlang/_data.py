"""Finds the project's data folders (grammar, renderers, schemas, library)."""

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def data_path(name: str) -> Path:
    installed = _HERE / "_data" / name
    if installed.is_dir():
        return installed
    return _HERE.parent / name


def library_root() -> Path:
    return data_path("library")
