"""clonus-qa: answers questions about one clonus article by quoting it, with citations.

    from clonus_qa import Assistant
    assistant = Assistant.load()
    print(assistant.ask("Which drugs do doctors give for clonus?").to_dict())
"""

from .answer import Answer, Citation, Status
from .assistant import Assistant, build_index, default_corpus_dir, default_index_dir, export_query_encoder
from .errors import (
    ClonusQAError,
    CorpusError,
    IndexCorruptError,
    IndexMissingError,
    IndexStaleError,
    InvalidArgumentError,
)

__all__ = [
    "Answer",
    "Assistant",
    "build_index",
    "default_corpus_dir",
    "default_index_dir",
    "export_query_encoder",
    "Citation",
    "ClonusQAError",
    "CorpusError",
    "IndexCorruptError",
    "IndexMissingError",
    "IndexStaleError",
    "InvalidArgumentError",
    "Status",
]
__version__ = "0.1.0"
