"""Does a message report an emergency happening now? A linear read-out of its embedding.

Red-flag patterns (`data/red_flags.tsv`) catch the wording their authors foresaw; on
fresh, chatty messages ("found my 2yo with my open tizanidine bottle, she's gone very
sleepy") they missed most emergencies. The sentence embedding places such a message
near other reports of emergencies even when no pattern matches, so a logistic
regression on the embedding, trained when the index is built, catches what the
patterns miss. Training data: `data/urgency_examples.tsv` (emergencies and hard
non-emergencies, written for this purpose, never taken from the question set) and
the red-flag descriptions. The question set's messages are never trained on, so the
evaluation stays honest.

The probe is saved as `urgency_probe.json` in the index folder: it belongs to the
embedding model it was trained on.
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

PROBE_FILE = "urgency_probe.json"
URGENT_LABEL = "urgent"
OTHER_LABEL = "other"
# Inverse regularisation strength: scikit-learn's default. Classes are weighted to
# balance, so the decision boundary is the natural probability of one half.
PROBE_REGULARISATION_C = 1.0
URGENT_PROBABILITY = 0.5


def training_examples() -> list[tuple[str, str]]:
    """(label, message) pairs; every red-flag description is an urgent example too."""
    examples = [tuple(line.split("\t", 1)) for line in data_lines("urgency_examples.tsv")]
    examples += [(URGENT_LABEL, text) for _, text in red_flag_descriptions()]
    return [(label, text) for label, text in examples]


def red_flag_descriptions() -> list[tuple[str, str]]:
    """(category, short first-person description) of each kind of emergency."""
    return [tuple(line.split("\t", 1)) for line in data_lines("red_flag_descriptions.tsv")]


@dataclass(frozen=True)
class UrgencyProbe:
    """Logistic regression weights over the normalised embedding, and one centroid per red-flag category.

    The centroids name which emergency a message most resembles, so a report that no
    pattern matched still gets its extra guidance line (the crisis line, poison control).
    """

    weights: np.ndarray
    bias: float
    categories: tuple[str, ...]
    centroids: np.ndarray
    trained_on_sha256: str

    def probability(self, vector: np.ndarray) -> float:
        return float(1.0 / (1.0 + np.exp(-(float(self.weights @ vector) + self.bias))))

    def is_urgent(self, vector: np.ndarray) -> bool:
        return self.probability(vector) >= URGENT_PROBABILITY

    def category(self, vector: np.ndarray) -> str:
        return self.categories[int(np.argmax(self.centroids @ vector))]

    @classmethod
    def train(cls, encoder: Encoder) -> UrgencyProbe:
        from sklearn.linear_model import LogisticRegression

        examples = training_examples()
        vectors = encoder.encode([text for _, text in examples])
        labels = np.array([label == URGENT_LABEL for label, _ in examples])
        model = LogisticRegression(C=PROBE_REGULARISATION_C, class_weight="balanced", max_iter=5000)
        model.fit(vectors, labels)
        descriptions = red_flag_descriptions()
        categories = tuple(dict.fromkeys(category for category, _ in descriptions))
        description_vectors = encoder.encode([text for _, text in descriptions])
        centroids = np.stack([
            description_vectors[[i for i, (c, _) in enumerate(descriptions) if c == category]].mean(axis=0)
            for category in categories
        ])
        centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
        digest = hashlib.sha256("\n".join(f"{label}\t{text}" for label, text in examples).encode()).hexdigest()
        return cls(model.coef_[0].astype(np.float32), float(model.intercept_[0]), categories,
                   centroids.astype(np.float32), digest)

    def save(self, folder: Path) -> None:
        data = {
            "model": "logistic regression on the normalised sentence embedding, classes balanced",
            "regularisation_c": PROBE_REGULARISATION_C,
            "urgent_probability": URGENT_PROBABILITY,
            "trained_on_sha256": self.trained_on_sha256,
            "bias": round(self.bias, 6),
            "weights": [round(float(w), 6) for w in self.weights],
            "categories": {c: [round(float(x), 6) for x in row] for c, row in zip(self.categories, self.centroids)},
        }
        (Path(folder) / PROBE_FILE).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> UrgencyProbe:
        path = Path(folder) / PROBE_FILE
        if not path.is_file():
            raise IndexMissingError(f"{path} is missing; run `clonus-qa build` to train the urgency probe")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            categories = tuple(data["categories"])
            return cls(
                np.array(data["weights"], dtype=np.float32),
                float(data["bias"]),
                categories,
                np.array([data["categories"][c] for c in categories], dtype=np.float32),
                str(data["trained_on_sha256"]),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise IndexCorruptError(f"{path} is damaged ({error}); run `clonus-qa build`") from error
