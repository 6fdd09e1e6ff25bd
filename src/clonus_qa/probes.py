"""Linear read-outs of a message's embedding: does it report an emergency happening now?
Does it ask how to use a medicine? Is it about something other than clonus?

Patterns (`data/red_flags.tsv`, `data/medication_patterns.tsv`) catch the wording their
authors foresaw. On fresh, chatty messages they missed most emergencies ("found my 2yo
with my open tizanidine bottle, she's gone very sleepy") and most medication questions
("alright to stack my baclofen on top of tizanidine?"). The sentence embedding places
such messages near others of their kind even when no pattern matches, so a logistic
regression on the embedding, trained when the index is built, catches what the patterns
miss. Training data: `data/urgency_examples.tsv` with the red-flag descriptions,
`data/medication_examples.tsv` and `data/scope_examples.tsv`, written for this purpose and
never taken from the question set in `tests/`, which evaluates them; the urgency and scope
probes also learn every question written for the sentence reader (`data/answer_examples.tsv`)
as ordinary, on-topic questions.

The probes are saved as `probes.json` in the index folder, with the urgency examples'
vectors for their vote (neighbours.py) in `urgent_neighbours.npy`: they belong to the
embedding model they were trained on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._data import data_lines
from .embedding import Encoder
from .errors import IndexCorruptError, IndexMissingError
from .neighbours import NeighbourVote
from .reader import WEIGHT_DECIMALS, reader_examples

PROBES_FILE = "probes.json"
URGENT_NEIGHBOURS_FILE = "urgent_neighbours.npy"  # the urgency examples' vectors (neighbours.py)
URGENT_LABEL = "urgent"
MEDICATION_LABEL = "medication"
OFF_TOPIC_LABEL = "off_topic"
OTHER_LABEL = "other"
# Inverse regularisation strength: scikit-learn's default. Classes are weighted to
# balance, so the decision boundary is the natural probability of one half.
PROBE_REGULARISATION_C = 1.0
# The urgency probe's probability mixes its linear read-out with the vote of the nearest
# written examples (neighbours.py), which knows dramatic complaints from emergencies better:
# this share comes from the vote of the URGENT_NEIGHBOURS nearest, weighted by
# exp(cosine / URGENT_NEIGHBOUR_TEMPERATURE).
URGENT_NEIGHBOURS = 20
URGENT_NEIGHBOUR_TEMPERATURE = 0.02
URGENT_NEIGHBOUR_SHARE = 0.2
URGENT_CLASS, URGENT_CLASS_COUNT = 1, 2  # the vote's classes: 0 other, 1 urgent
# The probability from which each probe fires. Balanced classes make 0.5 the natural
# boundary. The urgent probe fires from 0.65 on a whole message, and a message of several
# sentences also from 0.85 on any one sentence: an emergency told in one sentence of a long
# carer's story is diluted in the embedding of the whole, while a sentence read alone has no
# context ("My mother struggles to swallow." reads as choking), so it must be surer. Chosen on
# the dev split with the patterns off (1,888 questions, 361 emergencies): the linear read-out
# alone from 0.75 caught 290 with 30 false alarms, and with sentences from 0.95, 321 with 33.
# The mixture from 0.65 catches 338 with 21 with sentences from 0.9, 341 with 24 from 0.85 and
# 348 with 32 from 0.8. From 0.7 on whole messages, 332 with 14, but with the patterns on it
# missed a request for a lethal amount of tizanidine, which 0.65 catches. A missed emergency
# is the worse error, so the lower values.
URGENT_PROBABILITY = 0.65
URGENT_SENTENCE_PROBABILITY = 0.85
MEDICATION_PROBABILITY = 0.5
# The scope probe only overrules a question that names the subject, so it must be sure:
# on the dev split 0.5 put six more on-topic questions out of scope (short follow-ups,
# missed-dose questions), 0.7 two and 0.8 none, and from 0.9 fewer off-topic ones are refused.
OFF_TOPIC_PROBABILITY = 0.8


def labelled_examples(name: str) -> list[tuple[str, str]]:
    """(label, message) pairs of a `label<TAB>message` data file."""
    return [tuple(line.split("\t", 1)) for line in data_lines(name)]


def urgency_examples() -> list[tuple[str, str]]:
    """Every red-flag description is an urgent example too, and every ordinary question is not.

    The questions written for the sentence reader and the medication questions (how to take
    a medicine) were written as ordinary, non-emergency questions; without them the probe
    took "forgot my baclofen, should I take two tonight?" or "why are they taking bloods?"
    for emergencies.
    """
    return (
        labelled_examples("urgency_examples.tsv")
        + [(URGENT_LABEL, text) for _, text in red_flag_descriptions()]
        + ordinary_questions()
    )


def ordinary_questions(leaving_out: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """Every reader question (but those `leaving_out` names) and every medication question,
    labelled other: both were written as ordinary questions about clonus."""
    texts = [example.text for example in reader_examples() if example.text not in leaving_out]
    texts += [text for label, text in medication_examples() if label == MEDICATION_LABEL]
    return [(OTHER_LABEL, text) for text in texts]


def medication_examples() -> list[tuple[str, str]]:
    return labelled_examples("medication_examples.tsv")


def scope_examples() -> list[tuple[str, str]]:
    """Off-topic requests, and on-topic questions: the written ones and every reader question.

    The reader's questions are all about clonus except the off-topic messages it learned
    as unanswerable, which this file lists as off topic too.
    """
    written = labelled_examples("scope_examples.tsv")
    off_topic = frozenset(text for label, text in written if label == OFF_TOPIC_LABEL)
    return written + ordinary_questions(leaving_out=off_topic)


def red_flag_descriptions() -> list[tuple[str, str]]:
    """(category, short first-person description) of each kind of emergency."""
    return labelled_examples("red_flag_descriptions.tsv")


@dataclass(frozen=True)
class LinearProbe:
    """Logistic regression weights over the normalised sentence embedding."""

    weights: np.ndarray
    bias: float
    trained_on_sha256: str

    def probability(self, vector: np.ndarray) -> float:
        return float(1.0 / (1.0 + np.exp(-(float(self.weights @ vector) + self.bias))))

    def fires(self, vector: np.ndarray, threshold: float) -> bool:
        return self.probability(vector) >= threshold

    @classmethod
    def train(cls, encoder: Encoder, examples: list[tuple[str, str]], positive_label: str) -> LinearProbe:
        return cls.fit(encoder.encode([text for _, text in examples]), examples, positive_label)

    @classmethod
    def fit(cls, vectors: np.ndarray, examples: list[tuple[str, str]], positive_label: str) -> LinearProbe:
        """Train on the examples' vectors, already encoded when the urgency vote needs them too."""
        from sklearn.linear_model import LogisticRegression

        labels = np.array([label == positive_label for label, _ in examples])
        model = LogisticRegression(C=PROBE_REGULARISATION_C, class_weight="balanced", max_iter=5000)
        model.fit(vectors, labels)
        digest = hashlib.sha256("\n".join(f"{label}\t{text}" for label, text in examples).encode()).hexdigest()
        return cls(model.coef_[0].astype(np.float32), float(model.intercept_[0]), digest)

    def to_dict(self) -> dict:
        return {
            "trained_on_sha256": self.trained_on_sha256,
            "bias": round(self.bias, WEIGHT_DECIMALS),
            "weights": [round(float(w), WEIGHT_DECIMALS) for w in self.weights],
        }

    @classmethod
    def from_dict(cls, data: dict) -> LinearProbe:
        return cls(np.array(data["weights"], dtype=np.float32), float(data["bias"]), str(data["trained_on_sha256"]))


@dataclass(frozen=True)
class MessageProbes:
    """The three probes, the urgency examples' vote, and one centroid per red-flag category.

    The centroids name which emergency a message most resembles, so a report that no
    pattern matched still gets its extra guidance line (the crisis line, poison control).
    """

    urgent: LinearProbe
    urgent_neighbours: NeighbourVote
    medication: LinearProbe
    off_topic: LinearProbe
    categories: tuple[str, ...]
    centroids: np.ndarray

    def urgent_probability(self, vector: np.ndarray) -> float:
        linear = self.urgent.probability(vector)
        mixed = self.urgent_neighbours.mixed_into(np.array([1.0 - linear, linear]), vector, URGENT_NEIGHBOUR_SHARE)
        return float(mixed[URGENT_CLASS])

    def emergency_reading(
        self,
        vector: np.ndarray,
        sentence_vectors: np.ndarray | None = None,
        whole_probability: float = URGENT_PROBABILITY,
    ) -> np.ndarray | None:
        """What reads as an emergency: the whole message, else its most alarming sentence, else None.

        Its vector names the kind of emergency: in a long story, the sentence that fired
        ("my little boy has just drunk a bottle of my liquid baclofen") is an overdose even
        when the whole message sits nearer another category.
        """
        if self.urgent_probability(vector) >= whole_probability:
            return vector
        sentences = () if sentence_vectors is None else sentence_vectors
        scored = [(self.urgent_probability(sentence), sentence) for sentence in sentences]
        probability, sentence = max(scored, key=lambda pair: pair[0], default=(0.0, None))
        return sentence if probability >= URGENT_SENTENCE_PROBABILITY else None

    def reports_emergency(self, vector: np.ndarray, sentence_vectors: np.ndarray | None = None) -> bool:
        return self.emergency_reading(vector, sentence_vectors) is not None

    def asks_about_medication(self, vector: np.ndarray) -> bool:
        return self.medication.fires(vector, MEDICATION_PROBABILITY)

    def calls_off_topic(self, vector: np.ndarray) -> bool:
        return self.off_topic.fires(vector, OFF_TOPIC_PROBABILITY)

    def urgent_category(self, vector: np.ndarray) -> str:
        return self.categories[int(np.argmax(self.centroids @ vector))]

    @classmethod
    def train(cls, encoder: Encoder) -> MessageProbes:
        descriptions = red_flag_descriptions()
        categories = tuple(dict.fromkeys(category for category, _ in descriptions))
        vectors = encoder.encode([text for _, text in descriptions])
        centroids = np.stack([
            vectors[[i for i, (c, _) in enumerate(descriptions) if c == category]].mean(axis=0)
            for category in categories
        ])
        centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
        urgency = urgency_examples()
        urgency_vectors = encoder.encode([text for _, text in urgency])
        return cls(
            LinearProbe.fit(urgency_vectors, urgency, URGENT_LABEL),
            NeighbourVote.of(
                urgency_vectors,
                np.array([label == URGENT_LABEL for label, _ in urgency], dtype=np.int64),
                URGENT_CLASS_COUNT,
                URGENT_NEIGHBOURS,
                URGENT_NEIGHBOUR_TEMPERATURE,
            ),
            LinearProbe.train(encoder, medication_examples(), MEDICATION_LABEL),
            LinearProbe.train(encoder, scope_examples(), OFF_TOPIC_LABEL),
            categories,
            centroids.astype(np.float32),
        )

    def save(self, folder: Path) -> None:
        data = {
            "model": "logistic regression on the normalised sentence embedding, classes balanced",
            "regularisation_c": PROBE_REGULARISATION_C,
            "fires_from_probability": {
                "urgent": URGENT_PROBABILITY,
                "urgent_sentence": URGENT_SENTENCE_PROBABILITY,
                "medication": MEDICATION_PROBABILITY,
                "off_topic": OFF_TOPIC_PROBABILITY,
            },
            "urgent": self.urgent.to_dict(),
            "urgent_neighbours": {
                "count": URGENT_NEIGHBOURS,
                "temperature": URGENT_NEIGHBOUR_TEMPERATURE,
                "share": URGENT_NEIGHBOUR_SHARE,
                # One digit per urgency example, in training order: 1 urgent, 0 other.
                "urgent_examples": "".join(str(int(c)) for c in self.urgent_neighbours.classes),
            },
            "medication": self.medication.to_dict(),
            "off_topic": self.off_topic.to_dict(),
            "urgent_categories": {
                c: [round(float(x), WEIGHT_DECIMALS) for x in row] for c, row in zip(self.categories, self.centroids)
            },
        }
        (Path(folder) / PROBES_FILE).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        self.urgent_neighbours.save(Path(folder) / URGENT_NEIGHBOURS_FILE)

    @classmethod
    def load(cls, folder: Path) -> MessageProbes:
        path = Path(folder) / PROBES_FILE
        for needed in (path, Path(folder) / URGENT_NEIGHBOURS_FILE):
            if not needed.is_file():
                raise IndexMissingError(f"{needed} is missing; run `clonus-qa build` to train the probes")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            categories = tuple(data["urgent_categories"])
            return cls(
                LinearProbe.from_dict(data["urgent"]),
                NeighbourVote.load(
                    Path(folder) / URGENT_NEIGHBOURS_FILE,
                    [int(digit) for digit in data["urgent_neighbours"]["urgent_examples"]],
                    URGENT_CLASS_COUNT,
                    URGENT_NEIGHBOURS,
                    URGENT_NEIGHBOUR_TEMPERATURE,
                    dimension=len(data["urgent"]["weights"]),
                ),
                LinearProbe.from_dict(data["medication"]),
                LinearProbe.from_dict(data["off_topic"]),
                categories,
                np.array([data["urgent_categories"][c] for c in categories], dtype=np.float32),
            )
        except (ValueError, KeyError, TypeError, OSError) as error:
            raise IndexCorruptError(f"{path} is damaged ({error}); run `clonus-qa build`") from error
