"""Frozen, typed value classes that cost little to define.

`class Patient(Value): age: int; sex: str = "unknown"` declares an immutable value with typed fields. Type
checkers see `typing.NamedTuple`; at run time the class is made by `collections.namedtuple` directly, because
`typing.NamedTuple` evaluates every annotation and imports `typing`: with the engine's ~50 value classes that
was a fifth of the cold start of `lasercare plan` (docs/architecture.md, "Decisions").
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NamedTuple as Value

else:
    from collections import namedtuple

    _NOT_COPIED = frozenset({"__annotations__", "__module__", "__qualname__", "__doc__", "__slots__"})

    class _ValueMeta(type):
        def __new__(mcs, name, bases, namespace):
            if not bases:
                return super().__new__(mcs, name, bases, namespace)
            annotations = namespace.get("__annotations__", {})
            fields = tuple(annotations)
            defaults = [namespace[f] for f in fields if f in namespace]
            cls = namedtuple(name, fields, defaults=defaults, module=namespace.get("__module__"))
            for key, item in namespace.items():
                if key not in _NOT_COPIED and key not in annotations:
                    setattr(cls, key, item)
            cls.__qualname__ = namespace.get("__qualname__", name)
            cls.__annotations__ = annotations
            if namespace.get("__doc__"):
                cls.__doc__ = namespace["__doc__"]
            return cls

    class Value(metaclass=_ValueMeta):
        """Base of the engine's value classes (see the module's docstring)."""

        __slots__ = ()


__all__ = ["Value"]
