"""The sentence reader: its training data, its build, and what it learned."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from clonus_qa import IndexCorruptError, IndexMissingError, IndexStaleError
from clonus_qa.chunking import Chunk, Span
from clonus_qa.index import Index
from clonus_qa.reader import READER_FILE, ReaderExample, Reading, SentenceReader, locate_evidence, reader_examples

PROJECT_DIR = Path(__file__).resolve().parents[1]
COMMITTED_INDEX = PROJECT_DIR / "index"
CROSS_MACHINE_WEIGHT_ATOL = 1e-3
# An example this close to a question of the question set would let the reader see the test.
MAX_EXAMPLE_COSINE_TO_A_QUESTION = 0.95


class _LetterEncoder:
    """Counts of a few letters: enough to tell the toy questions below apart, and no model to load."""

    model_name = "letters"
    dimension = 4

    def encode(self, texts: list[str]) -> np.ndarray:
        rows = np.array([[t.count(c) + 0.1 for c in "bdcx"] for t in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _toy_chunks() -> list[Chunk]:
    text = "Baclofen helps. Driving is not advised."
    return [Chunk(0, "toy.txt", "Drugs", "", text, 0, len(text), (Span(0, 15), Span(16, len(text))))]


def _toy_examples() -> list[ReaderExample]:
    return [
        ReaderExample("Baclofen helps", "", "bbb baclofen b"),
        ReaderExample("Baclofen helps", "", "bb b"),
        ReaderExample("Driving is not advised", "", "ddd drive d"),
        ReaderExample("Driving is not advised", "what drugs?", "dd d"),
        ReaderExample(None, "", "ccc cc"),
        ReaderExample(None, "", "xxx c"),
        ReaderExample("a sentence of another article", "", "bbbb"),
    ]


def test_training_saving_and_loading_keep_the_readings(tmp_path):
    chunks, examples = _toy_chunks(), _toy_examples()
    reader = SentenceReader.train(_LetterEncoder(), chunks, examples)
    assert reader.sentence_keys == ((0, 0), (0, 1)), "the example of another article is left out"
    reader.save(tmp_path)
    loaded = SentenceReader.load(tmp_path, chunks, examples)
    vector = _LetterEncoder().encode(["bb baclofen"])[0]
    original, restored = reader.read(vector), loaded.read(vector)
    assert restored.answer_probability == pytest.approx(original.answer_probability, abs=1e-5)
    assert max(restored.sentence_probabilities, key=restored.of) == (0, 0)
    with pytest.raises(IndexStaleError, match="other examples"):
        SentenceReader.load(tmp_path, chunks, examples[:-2])


def test_the_no_answer_class_carries_the_unanswerable_examples():
    reader = SentenceReader.train(_LetterEncoder(), _toy_chunks(), _toy_examples())
    encoder = _LetterEncoder()
    assert reader.read(encoder.encode(["ccc"])[0]).answer_probability < 0.5
    assert reader.read(encoder.encode(["ddd"])[0]).answer_probability > 0.5


def test_training_needs_both_kinds_of_example():
    answered_only = [e for e in _toy_examples() if e.evidence is not None]
    with pytest.raises(ValueError, match="answered and of unanswered"):
        SentenceReader.train(_LetterEncoder(), _toy_chunks(), answered_only)


def test_a_follow_up_example_is_read_with_the_question_before_it():
    assert ReaderExample("x", "what drugs?", "do they make you sleepy?").text == "what drugs? do they make you sleepy?"
    assert ReaderExample(None, "", "is it contagious?").text == "is it contagious?"


def test_every_example_names_one_sentence_of_the_article():
    chunks = Index.load(COMMITTED_INDEX).chunks
    answered = [e for e in reader_examples() if e.evidence is not None]
    assert answered and len(answered) < len(reader_examples())
    assert [e.evidence for e in answered if locate_evidence(chunks, e.evidence) is None] == []


def test_no_example_repeats_a_question_of_the_question_set(questions):
    asked = {q["question"].strip().lower() for q in questions}
    assert [e.question for e in reader_examples() if e.question.strip().lower() in asked] == []


@pytest.mark.model
def test_no_example_is_a_near_copy_of_a_question_of_the_question_set(assistant, questions):
    examples = assistant.encoder.encode([e.question for e in reader_examples()])
    asked = assistant.encoder.encode([q["question"] for q in questions])
    closest = (examples @ asked.T).max(axis=1)
    copies = [e.question for e, c in zip(reader_examples(), closest) if c >= MAX_EXAMPLE_COSINE_TO_A_QUESTION]
    assert copies == []


@pytest.mark.model
def test_a_fresh_build_trains_the_committed_reader(fresh_index_dir):
    chunks = Index.load(COMMITTED_INDEX).chunks
    fresh, committed = SentenceReader.load(fresh_index_dir, chunks), SentenceReader.load(COMMITTED_INDEX, chunks)
    assert fresh.sentence_keys == committed.sentence_keys
    assert fresh.trained_on_sha256 == committed.trained_on_sha256
    np.testing.assert_allclose(fresh.weights, committed.weights, atol=CROSS_MACHINE_WEIGHT_ATOL)
    np.testing.assert_allclose(fresh.biases, committed.biases, atol=CROSS_MACHINE_WEIGHT_ATOL)
    np.testing.assert_array_equal(fresh.neighbours.classes, committed.neighbours.classes)
    np.testing.assert_allclose(fresh.neighbours.vectors, committed.neighbours.vectors, atol=CROSS_MACHINE_WEIGHT_ATOL)


def _best_sentence(assistant, question: str) -> str:
    reading = assistant.reader.read(assistant.query(question).vector)
    chunk_id, number = max(reading.sentence_probabilities, key=reading.of)
    chunk = assistant.index.chunks[chunk_id]
    return chunk.sentence_text(chunk.sentences[number])


@pytest.mark.model
@pytest.mark.parametrize(
    "question,evidence",
    [
        ("what's the big scanner appointment for, the one in the tube?", "magnetic resonance imaging"),
        ("my wrinkle jab stuff works on jumpy legs too??", "Botox"),
        ("frozen peas on the calf, worth it?", "cold compresses"),
    ],
)
def test_the_reader_finds_the_sentence_behind_a_paraphrase(assistant, question, evidence):
    assert evidence in _best_sentence(assistant, question)


@pytest.mark.model
def test_the_reader_doubts_questions_the_article_does_not_answer(assistant):
    def answer_probability(question: str) -> float:
        return assistant.reader.read(assistant.query(question).vector).answer_probability

    assert answer_probability("will my kids inherit clonus from me?") < 0.5
    assert answer_probability("which bits of the body can clonus affect?") > 0.5


def test_missing_damaged_or_stale_reader_names_the_fix(tmp_path):
    folder = tmp_path / "index"
    shutil.copytree(COMMITTED_INDEX, folder, ignore=shutil.ignore_patterns("*.onnx"))
    chunks = Index.load(folder).chunks
    data = json.loads((folder / READER_FILE).read_text())
    (folder / READER_FILE).write_text(json.dumps({**data, "trained_on_sha256": "0" * 64}))
    with pytest.raises(IndexStaleError, match="clonus-qa build"):
        SentenceReader.load(folder, chunks)
    (folder / READER_FILE).write_text(json.dumps({**data, "weights": data["weights"][:3]}))
    with pytest.raises(IndexCorruptError, match="clonus-qa build"):
        SentenceReader.load(folder, chunks)
    (folder / READER_FILE).unlink()
    with pytest.raises(IndexMissingError, match="clonus-qa build"):
        SentenceReader.load(folder, chunks)


def test_either_reading_believes_each_sentence_as_much_as_the_likelier_of_the_two():
    joined = Reading(0.4, {(0, 0): 0.3, (0, 1): 0.1})
    alone = Reading(0.9, {(0, 1): 0.8, (1, 0): 0.05})
    both = joined.either(alone)
    assert both.answer_probability == 0.9
    assert both.sentence_probabilities == {(0, 0): 0.3, (0, 1): 0.8, (1, 0): 0.05}
    assert both == alone.either(joined)
