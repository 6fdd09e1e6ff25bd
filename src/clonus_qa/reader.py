"""The sentence reader: which sentence of the article answers a question, or that none does.

The composer's evidence check reads words: a quote must contain the question's own key
terms. People paraphrase ("why would they order an MRI?", "is Botox only for looks?"),
so on fresh wording it declined one answerable question in four, and every on-topic
question sounds like the article, so similarity alone cannot tell "is clonus contagious?"
from "is clonus painful?". The reader learns both from examples instead: a multinomial
logistic regression on the question's embedding, one class per sentence of the article
that has example questions, plus a no-answer class, as SQuAD 2.0 readers have. It is
trained when the index is built, on `data/answer_examples.tsv` -- questions written for
this purpose by people who read only the article, never taken from the question set in
`tests/`, which evaluates the reader. The reading also takes a share from the vote of the
nearest examples (neighbours.py). Saved as `reader.json` and `reader_neighbours.npy` in
the index folder: they belong to the embedding model and to the sentences they were
trained on.

An example names its sentence by an exact substring, so re-chunking keeps the labels; a
sentence with no example (a new article dropped into `corpus/`) simply gets no vote,
and the composer falls back on its word evidence.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ._data import data_lines
from .chunking import Chunk
from .embedding import Encoder
from .errors import IndexCorruptError, IndexMissingError, IndexStaleError
from .neighbours import NeighbourVote

READER_FILE = "reader.json"
NEIGHBOURS_FILE = "reader_neighbours.npy"  # the written examples' vectors (neighbours.py)
NO_ANSWER_EVIDENCE = "-"
# Inverse regularisation strength, chosen on the dev split (3, 10, 30, 100 tried): at 10 the
# right sentence ranks first for 88% of answerable dev questions and the no-answer
# probability separates the not-covered ones as well as any (ROC AUC 0.977).
READER_REGULARISATION_C = 10.0
# Solved to a tight tolerance by Newton's method, in float64: with lbfgs's default stopping
# point, the last-bit differences between two CPUs' embeddings (2e-7) moved the weights by
# 0.05 and probabilities by 0.03; solved this way, by 6e-5 and 5e-6.
READER_SOLVER = "newton-cg"
READER_TOLERANCE = 1e-7
WEIGHT_DECIMALS = 6  # stored weights are rounded so the file reads and diffs well
# The reading mixes the linear read-out with the vote of the nearest written examples
# (neighbours.py): this share of the probability comes from the vote. Chosen on the dev split:
# 10 to 40 neighbours, shares 0.2 to 0.3 and temperatures 0.02 to 0.05 all scored 0.918 to
# 0.925 against 0.917 for the linear read-out alone (share 0.5: 0.918, fewer follow-ups right).
NEIGHBOURS = 20
NEIGHBOUR_TEMPERATURE = 0.02
NEIGHBOUR_SHARE = 0.2

SentenceKey = tuple[int, int]  # (chunk_id, sentence number within the chunk)


@dataclass(frozen=True)
class ReaderExample:
    """A written question and the evidence it is answered by (None: the article does not answer it)."""

    evidence: str | None
    previous: str
    question: str

    @property
    def text(self) -> str:
        """What the assistant would search for (`followup_search_text` when it follows a question)."""
        return followup_search_text(self.previous, self.question) if self.previous else self.question


def followup_search_text(previous: str, question: str) -> str:
    """How a follow-up is searched: joined to the user's question before it.

    One function for the conversation stage and the reader's examples, so the reader is
    trained on the very text it will read.
    """
    return f"{previous} {question}"


@lru_cache(maxsize=1)
def reader_examples() -> tuple[ReaderExample, ...]:
    examples = []
    for line in data_lines("answer_examples.tsv"):
        evidence, previous, question = line.split("\t")
        examples.append(ReaderExample(None if evidence == NO_ANSWER_EVIDENCE else evidence, previous, question))
    return tuple(examples)


def locate_evidence(chunks: list[Chunk], evidence: str) -> SentenceKey | None:
    """The first sentence that contains `evidence` verbatim, or None."""
    for chunk in chunks:
        for number, span in enumerate(chunk.sentences):
            if evidence in chunk.sentence_text(span):
                return (chunk.chunk_id, number)
    return None


def with_sentences(
    chunks: list[Chunk], examples: Sequence[ReaderExample] | None = None
) -> list[tuple[ReaderExample, SentenceKey | None]]:
    """Each example with the sentence that answers it (None: no sentence does).

    Examples whose evidence is not in `chunks` are left out: they were written for
    another article.
    """
    examples = reader_examples() if examples is None else examples
    labelled = []
    for example in examples:
        key = None if example.evidence is None else locate_evidence(chunks, example.evidence)
        if example.evidence is None or key is not None:
            labelled.append((example, key))
    return labelled


def training_digest(labelled: list[tuple[ReaderExample, SentenceKey | None]]) -> str:
    """Fingerprint of the training data, so a reader trained on other examples is detected."""
    return hashlib.sha256("\n".join(f"{key}\t{example.text}" for example, key in labelled).encode()).hexdigest()


@dataclass(frozen=True)
class Reading:
    """The reader's verdict on one question."""

    answer_probability: float  # 1 - P(no sentence answers)
    sentence_probabilities: dict[SentenceKey, float]

    def of(self, key: SentenceKey) -> float:
        return self.sentence_probabilities.get(key, 0.0)

    def either(self, other: Reading) -> Reading:
        """Each sentence believed as much as either reading believes it; the answer probability the higher of the two.

        A follow-up is read joined to the question before it, which the earlier question can
        dominate: after "What if pills and therapy don't help?", "What exactly do they do in
        that operation?" reads as the first question again. Read alone it names its own
        subject. Neither reading is right every time, so a sentence counts as believed when
        either believes it (dev follow-ups 0.838 -> 0.869, dev 0.934 -> 0.937; their mean
        scored lower). The answer probability is the higher one too, since it gates the same
        quotes (the scope check and the bar for a quote without word evidence): keeping the
        joined reading's alone answered fewer follow-ups (0.856 of the 202 with history,
        against 0.861). Follow-ups with no subject of their own ("why does that happen?")
        can lose by it, reading alone near an unrelated sentence.
        """
        keys = self.sentence_probabilities.keys() | other.sentence_probabilities.keys()
        return Reading(
            max(self.answer_probability, other.answer_probability),
            {key: max(self.of(key), other.of(key)) for key in keys},
        )


@dataclass(frozen=True)
class SentenceReader:
    """Logistic-regression weights (one row per answering sentence, the last row for "no answer")
    and the vote of the nearest written examples over the same classes."""

    sentence_keys: tuple[SentenceKey, ...]
    weights: np.ndarray
    biases: np.ndarray
    neighbours: NeighbourVote
    trained_on_sha256: str

    def read(self, vector: np.ndarray) -> Reading:
        logits = self.weights @ vector + self.biases
        linear = np.exp(logits - logits.max())
        linear /= linear.sum()
        probabilities = self.neighbours.mixed_into(linear, vector, NEIGHBOUR_SHARE)
        return Reading(
            round(1.0 - float(probabilities[-1]), 6),
            {key: float(p) for key, p in zip(self.sentence_keys, probabilities[:-1])},
        )

    @classmethod
    def train(
        cls, encoder: Encoder, chunks: list[Chunk], examples: Sequence[ReaderExample] | None = None
    ) -> SentenceReader:
        """Fit on the examples whose evidence is in `chunks`, and every no-answer example."""
        from sklearn.linear_model import LogisticRegression

        labelled = with_sentences(chunks, examples)
        keys = tuple(sorted({key for _, key in labelled if key is not None}))
        if not keys or all(key is not None for _, key in labelled):
            raise ValueError("the reader needs examples of answered and of unanswered questions")
        no_answer = len(keys)
        classes = np.array([no_answer if key is None else keys.index(key) for _, key in labelled])
        vectors = encoder.encode([example.text for example, _ in labelled]).astype(np.float64)
        model = LogisticRegression(
            C=READER_REGULARISATION_C, solver=READER_SOLVER, tol=READER_TOLERANCE, max_iter=10_000
        )
        model.fit(vectors, classes)
        weights, biases = model.coef_.astype(np.float32), model.intercept_.astype(np.float32)
        neighbours = NeighbourVote.of(vectors, classes, len(keys) + 1, NEIGHBOURS, NEIGHBOUR_TEMPERATURE)
        return cls(keys, weights, biases, neighbours, training_digest(labelled))

    def save(self, folder: Path) -> None:
        data = {
            "model": "multinomial logistic regression on the normalised question embedding; last class: no answer",
            "regularisation_c": READER_REGULARISATION_C,
            "solver": f"{READER_SOLVER}, tolerance {READER_TOLERANCE}",
            "neighbours": {"count": NEIGHBOURS, "temperature": NEIGHBOUR_TEMPERATURE, "share": NEIGHBOUR_SHARE},
            "trained_on_sha256": self.trained_on_sha256,
            "sentence_keys": [list(key) for key in self.sentence_keys],
            "biases": [round(float(b), WEIGHT_DECIMALS) for b in self.biases],
            "weights": [[round(float(w), WEIGHT_DECIMALS) for w in row] for row in self.weights],
            "example_classes": [int(c) for c in self.neighbours.classes],
        }
        (Path(folder) / READER_FILE).write_text(json.dumps(data) + "\n", encoding="utf-8")
        self.neighbours.save(Path(folder) / NEIGHBOURS_FILE)

    @classmethod
    def load(
        cls, folder: Path, chunks: list[Chunk], examples: Sequence[ReaderExample] | None = None
    ) -> SentenceReader:
        """Read `reader.json` and `reader_neighbours.npy`; stale when the examples (`data/answer_examples.tsv`) changed since the build."""
        path = Path(folder) / READER_FILE
        for needed in (path, Path(folder) / NEIGHBOURS_FILE):
            if not needed.is_file():
                raise IndexMissingError(f"{needed} is missing; run `clonus-qa build` to train the reader")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            keys = tuple((int(chunk_id), int(number)) for chunk_id, number in data["sentence_keys"])
            weights = np.array(data["weights"], dtype=np.float32)
            biases = np.array(data["biases"], dtype=np.float32)
            if weights.shape != (len(keys) + 1, weights.shape[1]) or biases.shape != (len(keys) + 1,):
                raise ValueError(f"{len(keys)} sentences but weights of shape {weights.shape}")
            neighbours = NeighbourVote.load(
                Path(folder) / NEIGHBOURS_FILE,
                data["example_classes"],
                len(keys) + 1,
                NEIGHBOURS,
                NEIGHBOUR_TEMPERATURE,
                dimension=weights.shape[1],
            )
            if any(chunk_id >= len(chunks) or number >= len(chunks[chunk_id].sentences) for chunk_id, number in keys):
                raise ValueError("a sentence the reader was trained on is not in the index")
            reader = cls(keys, weights, biases, neighbours, str(data["trained_on_sha256"]))
        except (ValueError, KeyError, TypeError, OSError) as error:
            raise IndexCorruptError(f"{path} is damaged ({error}); run `clonus-qa build`") from error
        if reader.trained_on_sha256 != training_digest(with_sentences(chunks, examples)):
            raise IndexStaleError(f"{path} was trained on other examples than data/answer_examples.tsv; run `clonus-qa build`")
        return reader
