"""Split documents into section-aware chunks, and chunks into quotable sentences.

A chunk never spans two sections, so every citation has exactly one section
title. Chunks are cut on paragraph, then sentence, then word boundaries by
langchain-text-splitters; each records its offsets into `Document.text`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from .corpus import Document

# Chosen by `python benchmarks/chunk_sizes.py` on the dev split: passages short enough
# to cite one idea, long enough to keep a sentence with the one that explains it.
DEFAULT_CHUNK_SIZE_CHARS = 500
DEFAULT_CHUNK_OVERLAP_CHARS = 0

# Sentence ends: . ! ? followed by space and an upper-case letter, digit, quote or bracket.
_SENTENCE_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])")
_SPLIT_SEPARATORS = ["\n\n", "\n", r"(?<=[.!?])\s+", r"\s+", ""]


@dataclass(frozen=True)
class ChunkerSettings:
    """How chunks are cut; recorded in the index manifest."""

    size_chars: int = DEFAULT_CHUNK_SIZE_CHARS
    overlap_chars: int = DEFAULT_CHUNK_OVERLAP_CHARS

    def __post_init__(self) -> None:
        if self.size_chars < 50:
            raise ValueError(f"chunk size {self.size_chars} is too small; use at least 50 characters")
        if not 0 <= self.overlap_chars < self.size_chars:
            raise ValueError(
                f"chunk overlap {self.overlap_chars} must be >= 0 and smaller than the size {self.size_chars}"
            )

    def to_dict(self) -> dict:
        return {"splitter": "RecursiveCharacterTextSplitter", **asdict(self)}


@dataclass(frozen=True)
class Span:
    """Character offsets [start, end) into `Document.text`."""

    start: int
    end: int


@dataclass(frozen=True)
class Chunk:
    """A verbatim passage of one section, with the sentences it can be quoted by."""

    chunk_id: int
    doc_id: str
    section: str
    parent_section: str
    text: str
    start: int
    end: int
    sentences: tuple[Span, ...]

    @property
    def embedding_text(self) -> str:
        """The headings go into the vector (they say what a passage is about), not into the citation."""
        headings = " ".join(h for h in (self.parent_section, self.section) if h)
        return f"{headings}\n{self.text}"

    def sentence_text(self, span: Span) -> str:
        return self.text[span.start - self.start : span.end - self.start]

    def to_record(self) -> dict:
        record = asdict(self)
        record["sentences"] = [[s.start, s.end] for s in self.sentences]
        return record

    @classmethod
    def from_record(cls, record: dict) -> Chunk:
        fields = dict(record)
        fields["sentences"] = tuple(Span(start, end) for start, end in record["sentences"])
        return cls(**fields)


def sentence_texts(chunks: list[Chunk]) -> list[str]:
    """Every sentence of every chunk, in the order of the stored sentence vectors."""
    return [chunk.sentence_text(span) for chunk in chunks for span in chunk.sentences]


def sentence_spans(text: str, offset: int = 0) -> tuple[Span, ...]:
    """Sentence spans of `text`, shifted by `offset`; whitespace between sentences is left out."""
    spans = []
    position = 0
    for match in [*_SENTENCE_BOUNDARY.finditer(text), None]:
        end = match.start() if match else len(text)
        piece = text[position:end]
        stripped = piece.strip()
        if stripped:
            start = position + piece.index(stripped)
            spans.append(Span(offset + start, offset + start + len(stripped)))
        if match:
            position = match.end()
    return tuple(spans)


class SectionChunker:
    """Cuts each section of each document separately, so no chunk crosses a heading."""

    def __init__(self, settings: ChunkerSettings | None = None) -> None:
        # Imported here: answering questions never chunks, and langchain is slow to import.
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        self.settings = settings or ChunkerSettings()
        self._splitter = RecursiveCharacterTextSplitter(
            chunk_size=self.settings.size_chars,
            chunk_overlap=self.settings.overlap_chars,
            separators=_SPLIT_SEPARATORS,
            is_separator_regex=True,
            keep_separator="end",  # separators stay in the text, so passages remain verbatim
            add_start_index=True,
            strip_whitespace=True,
        )

    def run(self, documents: list[Document]) -> list[Chunk]:
        chunks: list[Chunk] = []
        for document in documents:
            for section in document.sections:
                body = document.text[section.start : section.end]
                for piece in self._splitter.create_documents([body]):
                    start = section.start + piece.metadata["start_index"]
                    text = piece.page_content
                    if document.text[start : start + len(text)] != text:
                        raise AssertionError(f"splitter lost the offset of a passage in {document.doc_id}")
                    chunks.append(
                        Chunk(
                            chunk_id=len(chunks),
                            doc_id=document.doc_id,
                            section=section.title,
                            parent_section=section.parent,
                            text=text,
                            start=start,
                            end=start + len(text),
                            sentences=sentence_spans(text, start),
                        )
                    )
        return chunks
