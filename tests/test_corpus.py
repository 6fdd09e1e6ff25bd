from pathlib import Path

import pytest

from clonus_qa.corpus import INTRODUCTION_SECTION, corpus_sha256, load_corpus, parse_article
from clonus_qa.errors import CorpusError

CORPUS_DIR = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def document():
    return load_corpus(CORPUS_DIR)[0]


def test_document_id_is_the_file_name_and_metadata_is_read(document):
    assert document.doc_id == "clonus.txt"
    assert document.title == "Clonus, When the Muscle Continues to Twitch and Contract"
    assert document.metadata["language"] == "en"


def test_page_furniture_is_removed(document):
    body = document.text[len(document.title) :]
    assert document.title not in body, "title repeated as an image caption survived"
    for furniture in ("Also Read", "7 Steps for Muscle Strength", "Pilih Sistem Komentar", "No comments", "•"):
        assert furniture not in document.text


def test_sections_are_recovered_with_numbered_subsections(document):
    titles = [section.title for section in document.sections]
    assert titles == [
        INTRODUCTION_SECTION,
        "Clonus is a condition when the muscle twitches",
        "What is the cause of clonus?",
        "How do you diagnose it?",
        "What is the right treatment for clonus?",
        "1. Drug consumption",
        "2. Physical therapy",
        "3. Botox injection",
        "4. Operation",
        "5. Home remedies",
    ]
    drugs = document.sections[titles.index("1. Drug consumption")]
    assert drugs.parent == "What is the right treatment for clonus?"


def test_every_section_paragraph_is_verbatim_from_the_file(document, article_text):
    for section in document.sections:
        for paragraph in document.text[section.start : section.end].split("\n\n"):
            assert paragraph in article_text


def test_markdown_articles_are_read_the_same_way(tmp_path):
    (tmp_path / "note.md").write_text(
        "# Spasticity notes\n\nIntro line one.\n\n## What helps?\n\nStretching helps.\n\nAlso Read:\n\n- Other page\n",
        encoding="utf-8",
    )
    (document,) = load_corpus(tmp_path)
    assert document.doc_id == "note.md"
    assert [s.title for s in document.sections] == [INTRODUCTION_SECTION, "What helps?"]
    assert "Other page" not in document.text


def test_empty_or_missing_corpus_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="holds no .txt or .md"):
        load_corpus(tmp_path)
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nowhere")
    with pytest.raises(CorpusError, match="no article text"):
        parse_article("   \n\n", "blank.txt")


def test_corpus_digest_changes_with_any_byte(tmp_path):
    (tmp_path / "a.txt").write_text("Title\n\nBody.\n", encoding="utf-8")
    before = corpus_sha256(tmp_path)
    (tmp_path / "a.txt").write_text("Title\n\nBody!\n", encoding="utf-8")
    assert corpus_sha256(tmp_path) != before
