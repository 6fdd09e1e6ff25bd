from pathlib import Path

import pytest

from clonus_qa.chunking import ChunkerSettings, SectionChunker, sentence_spans
from clonus_qa.corpus import load_corpus

CORPUS_DIR = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def documents():
    return load_corpus(CORPUS_DIR)


@pytest.mark.parametrize("size,overlap", [(120, 0), (300, 60), (500, 0), (1000, 200)])
def test_chunks_are_verbatim_inside_one_section_with_true_offsets(documents, article_text, size, overlap):
    document = documents[0]
    chunks = SectionChunker(ChunkerSettings(size, overlap)).run(documents)
    assert [c.chunk_id for c in chunks] == list(range(len(chunks)))
    for chunk in chunks:
        assert document.text[chunk.start : chunk.end] == chunk.text
        assert chunk.text in article_text
        section = next(s for s in document.sections if s.title == chunk.section)
        assert section.start <= chunk.start < chunk.end <= section.end
        assert len(chunk.text) <= size


def test_sentences_of_a_chunk_tile_its_text(documents):
    for chunk in SectionChunker().run(documents):
        assert chunk.sentences, chunk
        joined = " ".join(chunk.sentence_text(span) for span in chunk.sentences)
        assert " ".join(chunk.text.split()) == " ".join(joined.split())


def test_sentence_splitting_keeps_abbreviations_in_brackets():
    text = "Baclofen (Lioresal), diazepam (Valium) help. Because, they relax muscles! Really?"
    spans = sentence_spans(text, offset=10)
    assert [text[s.start - 10 : s.end - 10] for s in spans] == [
        "Baclofen (Lioresal), diazepam (Valium) help.",
        "Because, they relax muscles!",
        "Really?",
    ]


def test_embedding_text_carries_headings_but_citation_text_does_not(documents):
    chunk = next(c for c in SectionChunker().run(documents) if c.section == "1. Drug consumption")
    assert chunk.embedding_text.startswith("What is the right treatment for clonus? 1. Drug consumption\n")
    assert "Drug consumption" not in chunk.text


@pytest.mark.parametrize(
    "size,overlap,message",
    [(10, 0, "too small"), (300, 300, "smaller than the size"), (300, -1, "must be >= 0")],
)
def test_bad_settings_name_the_bad_value(size, overlap, message):
    with pytest.raises(ValueError, match=message):
        ChunkerSettings(size, overlap)
