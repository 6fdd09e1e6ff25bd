"""Reading the word lists and patterns shipped in `clonus_qa/data/`."""

from __future__ import annotations

from importlib import resources


def data_lines(name: str) -> list[str]:
    """Non-empty lines of a data file, `#` comment lines left out."""
    text = resources.files("clonus_qa").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def data_words(name: str) -> frozenset[str]:
    """Every word of a word-list data file (words separated by spaces, several to a line)."""
    return frozenset(word for line in data_lines(name) for word in line.split())
