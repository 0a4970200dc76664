"""linter/frozen.py: a hand-written value class behaves as the frozen dataclass it replaces, checked against a
dataclass twin with the same fields."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from typing import Any, Optional

import pytest

from linter.frozen import Frozen, replace


class Point(Frozen, uncompared=("note",), unprinted=("secret",)):
    __slots__ = ("x", "y", "note", "secret")
    x: int
    y: int
    note: str
    secret: Optional[str]

    def __init__(self, x: int, y: int = 0, note: str = "", secret: Optional[str] = None) -> None:
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "note", note)
        object.__setattr__(self, "secret", secret)


@dataclasses.dataclass(frozen=True)
class PointTwin:
    x: int
    y: int = 0
    note: str = dataclasses.field(default="", compare=False)
    secret: Optional[str] = dataclasses.field(default=None, repr=False)


class Single(Frozen):
    __slots__ = ("value",)
    value: Any

    def __init__(self, value: Any) -> None:
        object.__setattr__(self, "value", value)


@dataclasses.dataclass(frozen=True)
class SingleTwin:
    value: Any


def test_equality_and_hash_are_a_frozen_dataclass_s() -> None:
    assert Point(1, 2, note="a") == Point(1, 2, note="b")  # an uncompared field
    assert Point(1, 2) != Point(1, 3)
    assert Point(1, 2, secret="s") != Point(1, 2)  # unprinted is still compared
    assert Point(1, 2) != PointTwin(1, 2)  # another class: never equal, as for dataclasses
    assert Point(1, 2).__eq__((1, 2, None)) is NotImplemented
    assert hash(Point(1, 2, note="a")) == hash(PointTwin(1, 2, note="b"))
    assert hash(Single(5)) == hash(SingleTwin(5))
    assert len({Point(1, 2, note="a"), Point(1, 2, note="b"), Point(2, 1)}) == 2


def test_repr_is_a_frozen_dataclass_s() -> None:
    assert repr(Point(1, 2, note="n", secret="s")) == repr(PointTwin(1, 2, note="n", secret="s")).replace(
        "PointTwin", "Point")
    assert repr(Single("x")) == "Single(value='x')"


def test_fields_cannot_be_assigned_or_deleted() -> None:
    point = Point(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del point.y
    with pytest.raises(AttributeError):
        point.z = 3  # type: ignore[attr-defined]
    assert point.x == 1 and point.y == 0


def test_replace_pickle_and_copy_keep_every_field() -> None:
    point = Point(1, 2, note="n", secret="s")
    moved = replace(point, y=5)
    assert (moved.x, moved.y, moved.note, moved.secret) == (1, 5, "n", "s")
    assert (point.x, point.y) == (1, 2)
    with pytest.raises(TypeError):
        replace(point, z=1)
    for twin in (pickle.loads(pickle.dumps(point)), copy.copy(point), copy.deepcopy(point)):
        assert type(twin) is Point
        assert (twin.x, twin.y, twin.note, twin.secret) == (1, 2, "n", "s")


def test_fields_must_match_the_constructor() -> None:
    with pytest.raises(TypeError, match="same fields in the same order"):
        class Swapped(Frozen):
            __slots__ = ("a", "b")
            a: int
            b: int

            def __init__(self, b: int, a: int) -> None:
                object.__setattr__(self, "a", a)
                object.__setattr__(self, "b", b)

    with pytest.raises(TypeError, match="no field 'c'"):
        class Unknown(Frozen, uncompared=("c",)):
            __slots__ = ("a",)
            a: int

            def __init__(self, a: int) -> None:
                object.__setattr__(self, "a", a)
