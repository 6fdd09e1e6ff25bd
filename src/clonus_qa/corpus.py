"""Read articles from the corpus folder, drop what is not content, recover sections.

Web articles arrive with page furniture mixed into the text: the title repeated as
image captions, an "Also Read" list of links, the comment widget. Quoting any of
that as an answer would be wrong, so it is removed here, once, before chunking.

The cleaned text keeps every content paragraph byte for byte, so a passage cut
from it can always be found again in the original file.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CorpusError

ARTICLE_SUFFIXES = (".txt", ".md")
INTRODUCTION_SECTION = "Introduction"
MAX_HEADING_CHARS = 90

# Lines that belong to the web page, not to the article.
_BOILERPLATE_LINE = re.compile(
    r"^(pilih sistem komentar|no comments?|\d+ comments?|leave a (comment|reply)|share this( article)?:?)$",
    re.IGNORECASE,
)
# A block that introduces a list of links to other articles; it and the bullet lines after it go.
_RELATED_LINKS_HEADER = re.compile(r"^(also read|read also|related( articles)?|see also)\s*:?$", re.IGNORECASE)
_BULLET_LINE = re.compile(r"^\s*([•*\-–]|\d+\))\s+")
_NUMBERED_HEADING = re.compile(r"^\d{1,2}\.\s+\S")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")


@dataclass(frozen=True)
class Section:
    """A heading and the span of its body in `Document.text` (character offsets)."""

    title: str
    start: int
    end: int
    parent: str = ""


@dataclass(frozen=True)
class Document:
    """One cleaned article. `text` is what every offset in the index refers to."""

    doc_id: str
    title: str
    text: str
    sections: tuple[Section, ...]
    source_sha256: str
    metadata: dict = field(default_factory=dict, compare=False, hash=False)


def _paragraphs(raw: str) -> list[str]:
    """Split on blank lines; a block of bullet lines stays one block."""
    blocks = re.split(r"\n\s*\n", raw.replace("\r\n", "\n").replace("\r", "\n"))
    return [block.strip("\n") for block in blocks if block.strip()]


def _is_heading(block: str) -> bool:
    """Headings here are short single lines without a closing full stop.

    The article's headings are questions ("What is the cause of clonus?"), numbered
    treatment titles ("1. Drug consumption") or short statements without a period.
    """
    line = block.strip()
    if "\n" in line or len(line) > MAX_HEADING_CHARS:
        return False
    if _MARKDOWN_HEADING.match(line) or _NUMBERED_HEADING.match(line):
        return True
    return not line.endswith((".", ":", "!", ",", ";", '"'))


def _content_blocks(raw: str) -> tuple[str, list[str]]:
    """Return the title and the content blocks, page furniture removed."""
    blocks = _paragraphs(raw)
    if not blocks:
        return "", []
    title = _MARKDOWN_HEADING.sub("", blocks[0].strip())
    content: list[str] = []
    skipping_links = False
    for block in blocks[1:]:
        line = block.strip()
        if _RELATED_LINKS_HEADER.match(line):
            skipping_links = True
            continue
        if skipping_links and all(_BULLET_LINE.match(part) for part in line.splitlines()):
            continue
        skipping_links = False
        if _MARKDOWN_HEADING.sub("", line) == title or _BOILERPLATE_LINE.match(line):
            continue
        kept_lines = [part for part in line.splitlines() if not _BOILERPLATE_LINE.match(part.strip())]
        if kept_lines:
            content.append("\n".join(kept_lines).strip())
    return title, content


def parse_article(raw: str, doc_id: str, metadata: dict | None = None) -> Document:
    """Clean one article and recover its sections.

    Numbered headings ("1. Drug consumption") are sub-sections of the question
    heading before them; the parent is kept so a chunk can be embedded with both.
    """
    title, blocks = _content_blocks(raw)
    if not title or not blocks:
        raise CorpusError(f"{doc_id}: no article text found; put a title line and paragraphs in the file")
    text = title
    sections: list[Section] = []
    current_title, current_parent = INTRODUCTION_SECTION, ""
    question_heading = ""
    body_start: int | None = None

    def close_section() -> None:
        if body_start is not None:
            sections.append(Section(current_title, body_start, len(text), current_parent))

    for block in blocks:
        if _is_heading(block):
            close_section()
            heading = _MARKDOWN_HEADING.sub("", block.strip())
            if _NUMBERED_HEADING.match(heading) and question_heading:
                current_parent = question_heading
            else:
                question_heading, current_parent = heading, ""
            current_title, body_start = heading, None
            text += "\n\n" + heading
            continue
        text += "\n\n"
        if body_start is None:
            body_start = len(text)
        text += block
    close_section()
    return Document(
        doc_id=doc_id,
        title=title,
        text=text,
        sections=tuple(sections),
        source_sha256=hashlib.sha256(raw.encode("utf-8")).hexdigest(),
        metadata=metadata or {},
    )


def article_paths(corpus_dir: Path) -> list[Path]:
    """The article files of a corpus folder, in a stable order."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist; pass --corpus DIR with .txt or .md articles")
    paths = sorted(p for p in corpus_dir.iterdir() if p.is_file() and p.suffix in ARTICLE_SUFFIXES)
    if not paths:
        raise CorpusError(f"corpus folder {corpus_dir} holds no .txt or .md article")
    return paths


def corpus_sha256(corpus_dir: Path) -> str:
    """One digest over every article's name and bytes: what the index manifest records."""
    digest = hashlib.sha256()
    for path in article_paths(corpus_dir):
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_corpus(corpus_dir: Path) -> list[Document]:
    """Read every `.txt`/`.md` article in `corpus_dir`; the file name is the document id.

    A sidecar `NAME.meta.json` (e.g. `clonus.meta.json` for `clonus.txt`) may hold
    the article's title, source and language.
    """
    documents = []
    for path in article_paths(corpus_dir):
        try:
            raw = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            raise CorpusError(f"{path} is not UTF-8 text ({error.reason}); save it as UTF-8") from error
        meta_path = path.with_name(path.stem + ".meta.json")
        metadata = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        documents.append(parse_article(raw, path.name, metadata))
    return documents
