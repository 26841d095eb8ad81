"""Frozen, keyword-only records for the syntax tree and the IR, cheap to define.

`dataclasses` compiles four to six methods per class with `exec`, which
costs about a millisecond a class; with some eighty node classes that alone
was half the cold-start budget of `formlang check`. A `Record` subclass is
declared like a frozen keyword-only dataclass (type checkers see it as one
through `dataclass_transform`), but its methods are shared and nothing is
compiled when the class is created. `dataclasses.field(compare=False,
repr=False, default=…)` works as usual.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar, dataclass_transform

_MISSING = dataclasses.MISSING


@dataclass_transform(
    frozen_default=True, kw_only_default=True, field_specifiers=(dataclasses.field,)
)
class Record:
    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()
    _defaults: ClassVar[dict[str, Any]] = {}
    _factories: ClassVar[dict[str, Any]] = {}
    _field_set: ClassVar[frozenset[str]] = frozenset()
    _compare: ClassVar[tuple[str, ...]] = ()
    _shown: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = list(cls._fields)
        defaults, factories = dict(cls._defaults), dict(cls._factories)
        compare, shown = list(cls._compare), list(cls._shown)
        for name in cls.__dict__.get("__annotations__", {}):  # noqa: RUF063 - own only
            if name.startswith("_") or name in fields:
                continue
            spec = cls.__dict__.get(name, _MISSING)
            fields.append(name)
            if isinstance(spec, dataclasses.Field):
                if spec.default is not _MISSING:
                    defaults[name] = spec.default
                if spec.default_factory is not _MISSING:
                    factories[name] = spec.default_factory
                if spec.compare:
                    compare.append(name)
                if spec.repr:
                    shown.append(name)
            else:
                if spec is not _MISSING:
                    defaults[name] = spec
                compare.append(name)
                shown.append(name)
            if spec is not _MISSING:
                delattr(cls, name)  # the default lives in _defaults, not on the class
        cls._fields, cls._defaults, cls._factories = tuple(fields), defaults, factories
        cls._field_set = frozenset(fields)
        cls._compare, cls._shown = tuple(compare), tuple(shown)

    def __init__(self, **values: Any) -> None:
        if values.keys() != self._field_set:
            values = self._complete(values)
        self.__dict__.update(values)  # frozen: written once here, never through setattr

    def _complete(self, values: dict[str, Any]) -> dict[str, Any]:
        unknown = values.keys() - self._field_set
        if unknown:
            raise TypeError(f"{type(self).__name__}() got unexpected {', '.join(sorted(unknown))}")
        for name in self._fields:
            if name in values:
                continue
            if name in self._defaults:
                values[name] = self._defaults[name]
            elif name in self._factories:
                values[name] = self._factories[name]()
            else:
                raise TypeError(f"{type(self).__name__}() missing argument '{name}'")
        return values

    def __setattr__(self, name: str, value: Any) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field '{name}'")

    def __delattr__(self, name: str) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot delete field '{name}'")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self._compare)

    def __hash__(self) -> int:
        return hash((self.__class__.__name__, *(getattr(self, n) for n in self._compare)))

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in self._shown)
        return f"{self.__class__.__name__}({inner})"

    def replace(self, **changes: Any) -> Any:
        values = {n: getattr(self, n) for n in self._fields}
        values.update(changes)
        return self.__class__(**values)

    def fields(self) -> tuple[str, ...]:
        return self._fields
