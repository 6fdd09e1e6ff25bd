"""Named choices that parse from user text and list the valid values when they cannot."""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

ChoiceT = TypeVar("ChoiceT", bound="Choice")


class Choice(Enum):
    """Base of the settings enums (retriever, fusion mode, query encoder)."""

    @classmethod
    def from_str(cls: type[ChoiceT], value: str) -> ChoiceT:
        try:
            return cls(value.strip().lower())
        except ValueError:
            valid = ", ".join(member.value for member in cls)
            raise ValueError(f"unknown {cls.__name__} {value!r}; choose one of: {valid}") from None
