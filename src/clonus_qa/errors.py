"""Errors a user of clonus-qa can act on.

Every error carries a message that says what to do next, so the CLI can print it
as one line and the UI can show it as text.
"""

from __future__ import annotations


class ClonusQAError(Exception):
    """Base class of every error clonus-qa raises on purpose."""


class IndexMissingError(ClonusQAError):
    """The index folder, or a file in it, does not exist."""


class IndexCorruptError(ClonusQAError):
    """An index file exists but cannot be read or disagrees with the others."""


class IndexStaleError(ClonusQAError):
    """The index was built from another corpus, model or format than the current one."""


class CorpusError(ClonusQAError):
    """The corpus folder is missing, empty or holds an unreadable article."""


class InvalidArgumentError(ClonusQAError, ValueError):
    """A programmer passed the API a value of the wrong kind (never raised for user text)."""
