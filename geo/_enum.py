"""An enum of named options whose ``parse`` refuses bad values and lists the good ones."""

from __future__ import annotations

import enum
from typing import Any, TypeVar

__all__ = ["ParamEnum"]

_E = TypeVar("_E", bound="ParamEnum")


class ParamEnum(enum.Enum):
    """Base of the option enums (edge rules, zone kinds, confidence grades).

    Subclasses override the class methods ``_what`` (the word used in
    messages) and, if they accept other spellings, ``_aliases``.

    >>> class Colour(ParamEnum):
    ...     RED = "red"
    ...
    ...     @classmethod
    ...     def _what(cls) -> str:
    ...         return "colour"
    >>> Colour.parse("red")
    <Colour.RED: 'red'>
    >>> Colour.parse("blue")
    Traceback (most recent call last):
    ...
    ValueError: unknown colour 'blue'; expected one of: red
    """

    @classmethod
    def _what(cls) -> str:
        """The word for this option in messages."""
        return "option"

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        """Other spellings, mapped to a member's value."""
        return {}

    @classmethod
    def _normalise(cls, text: str) -> str:
        """Spelling used for lookups (subclasses may relax it)."""
        return text

    @classmethod
    def parse(cls: type[_E], value: Any) -> _E:
        """Return the member named ``value``; the error lists the valid names."""
        if isinstance(value, cls):
            return value
        if not isinstance(value, str):
            raise ValueError(f"{cls._what()} must be a string, got {value!r}")
        key = cls._normalise(value)
        key = cls._aliases().get(key, key)
        for member in cls:
            if member.value == key:
                return member
        valid = ", ".join(str(m.value) for m in cls)
        raise ValueError(f"unknown {cls._what()} {value!r}; expected one of: {valid}")

    def __str__(self) -> str:
        return str(self.value)
