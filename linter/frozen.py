"""Immutable value classes that cost nothing to define.

``@dataclass(frozen=True)`` writes six methods as source text and compiles them when the class is defined,
about 0.6 ms a class: a run of a few files paid that some twenty-five times before linting anything. A class
derived from :class:`Frozen` instead names its fields in ``__slots__``, declares their types, and writes its
constructor; equality, hashing, ``repr``, immutability, pickling and :func:`replace` come from here and
behave as a frozen dataclass's do. The fields are checked against the constructor when the class is defined,
so the three lists cannot drift apart. What differs: the functions of ``dataclasses`` do not apply, an
instance has no ``__dict__``, and ``match`` takes the fields by keyword only.

So the types rule modules make or are given (``Issue``, ``Related``, image references, packs, clusters, parse
problems, schema errors) stay dataclasses: a user's rule module may rely on ``dataclasses.replace``,
``asdict`` or ``vars``.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

_Value = TypeVar("_Value", bound="Frozen")


class Frozen:
    """Base of an immutable value class. A subclass lists its fields in ``__slots__``, annotates each (the
    same names, in the same order) and writes ``__init__`` with exactly those parameters, setting each with
    ``object.__setattr__``. Class keywords leave fields out of equality and hashing (``uncompared``) and out
    of ``repr`` (``unprinted``), as ``field(compare=False)`` and ``field(repr=False)`` do."""

    __slots__ = ()

    #: Every field, in the order of the constructor's parameters.
    _fields: ClassVar[tuple[str, ...]] = ()
    #: The fields equality and the hash are made of.
    _compared: ClassVar[tuple[str, ...]] = ()
    #: The fields ``repr`` shows.
    _printed: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, uncompared: tuple[str, ...] = (), unprinted: tuple[str, ...] = (),
                          **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = tuple(cls.__dict__.get("__slots__", ()))
        annotated = tuple(cls.__dict__.get("__annotations__", {}))
        code = getattr(cls.__dict__.get("__init__"), "__code__", None)
        parameters = code.co_varnames[1:code.co_argcount + code.co_kwonlyargcount] if code else None
        if not fields == annotated == parameters:
            raise TypeError(f"{cls.__qualname__}: __slots__ {fields}, the annotations {annotated} and the "
                            f"parameters of its own __init__ {parameters} must name the same fields in the same "
                            "order")
        unknown = (set(uncompared) | set(unprinted)) - set(fields)
        if unknown:
            raise TypeError(f"{cls.__qualname__}: no field {sorted(unknown)[0]!r}")
        cls._fields = fields
        cls._compared = tuple(name for name in fields if name not in uncompared)
        cls._printed = tuple(name for name in fields if name not in unprinted)

    def _key(self) -> tuple[Any, ...]:
        """The values of the compared fields: what equality and the hash are made of, as a dataclass's are."""
        return tuple([getattr(self, name) for name in self._compared])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__ or not isinstance(other, Frozen):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._printed)
        return f"{self.__class__.__qualname__}({shown})"

    def __setattr__(self, name: str, value: Any) -> None:
        from dataclasses import FrozenInstanceError  # what a frozen dataclass raises; imported only when misused

        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its class and fields (worker processes send findings back): the default protocol would
        restore the slots with ``setattr``, which a frozen class refuses."""
        return self.__class__, tuple(getattr(self, name) for name in self._fields)

    def __replace__(self: _Value, **changes: Any) -> _Value:
        """A copy with ``changes``: the protocol of ``copy.replace`` (Python 3.13)."""
        values = {name: getattr(self, name) for name in self._fields}
        values.update(changes)
        return self.__class__(**values)


def replace(value: _Value, /, **changes: Any) -> _Value:
    """``value`` with the fields ``changes`` names replaced, as ``dataclasses.replace`` does for a dataclass."""
    return value.__replace__(**changes)
