"""The vote of the written examples nearest a message.

The reader and the urgency probe are linear read-outs: one boundary per class across the
whole embedding space. The written examples nearest a message know its neighbourhood
better ("is yoga ok for someone with clonus in both legs?" sits among questions answered
by the yoga sentence; "tried pills, physio AND botox and NOTHING works" among ordinary
complaints, not emergencies), so both mix this vote into their probabilities.

The vectors are saved as float16 `.npy` files next to the read-out they serve: the vote
compares cosines to within its temperature (0.02), far above float16's rounding, and the
file is half the size. The classes are listed in the read-out's JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import faiss
import numpy as np


@dataclass(frozen=True)
class NeighbourVote:
    """Each class's share of the `count` nearest examples, weighted by exp(cosine / temperature)."""

    vectors: np.ndarray
    classes: np.ndarray
    class_count: int
    count: int
    temperature: float
    # Searched with FAISS, not numpy: numpy's threaded BLAS for a product this size left its
    # threads spinning against the query encoder's and tripled the median answer time.
    search_index: faiss.IndexFlatIP = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        search_index = faiss.IndexFlatIP(self.vectors.shape[1])
        search_index.add(np.ascontiguousarray(self.vectors, dtype=np.float32))
        object.__setattr__(self, "search_index", search_index)

    def shares(self, vector: np.ndarray) -> np.ndarray:
        cosines, nearest = self.search_index.search(np.asarray(vector, dtype=np.float32)[None, :], self.count)
        found = nearest[0] >= 0
        cosines, nearest = cosines[0][found], nearest[0][found]
        weights = np.exp((cosines - cosines[0]) / self.temperature)
        votes = np.bincount(self.classes[nearest], weights=weights, minlength=self.class_count)
        return votes / votes.sum()

    @classmethod
    def of(cls, vectors: np.ndarray, classes: np.ndarray, class_count: int, count: int, temperature: float) -> NeighbourVote:
        """The vote of these examples, their vectors rounded to float16 as they will be stored."""
        stored = np.asarray(vectors).astype(np.float16).astype(np.float32)
        return cls(stored, np.asarray(classes, dtype=np.int64), class_count, count, temperature)

    def save(self, path: Path) -> None:
        np.save(path, self.vectors.astype(np.float16))

    @classmethod
    def load(cls, path: Path, classes: list[int], class_count: int, count: int, temperature: float) -> NeighbourVote:
        """Raises ValueError when the file does not fit the classes listed with it."""
        vectors = np.load(path, allow_pickle=False).astype(np.float32)
        labels = np.array(classes, dtype=np.int64)
        if vectors.ndim != 2 or len(vectors) != len(labels) or not np.all((labels >= 0) & (labels < class_count)):
            raise ValueError(f"{len(labels)} example classes but example vectors of shape {vectors.shape}")
        return cls(vectors, labels, class_count, count, temperature)
