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


@dataclass(frozen=True, eq=False)
class NeighbourVote:
    """Each class's share of the `count` nearest examples, weighted by exp(cosine / temperature)."""

    vectors: np.ndarray
    classes: np.ndarray
    class_count: int
    count: int
    temperature: float
    # Searched with FAISS, not numpy: numpy's threaded BLAS for a product this size left its
    # threads spinning against the query encoder's and tripled the median answer time.
    search_index: faiss.IndexFlatIP = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.count < 1 or len(self.vectors) == 0:
            raise ValueError("a vote needs at least one example and one neighbour")
        self.vectors.setflags(write=False)  # the search index holds a copy; keep the two alike
        search_index = faiss.IndexFlatIP(self.vectors.shape[1])
        search_index.add(np.ascontiguousarray(self.vectors, dtype=np.float32))
        object.__setattr__(self, "search_index", search_index)

    def shares(self, vector: np.ndarray) -> np.ndarray:
        """Sums to one; even shares when no example can be compared (a vector of NaNs)."""
        cosines, nearest = self.search_index.search(np.asarray(vector, dtype=np.float32)[None, :], self.count)
        found = nearest[0] >= 0
        if not found.any():
            return np.full(self.class_count, 1.0 / self.class_count)
        cosines, nearest = cosines[0][found], nearest[0][found]
        weights = np.exp((cosines - cosines[0]) / self.temperature)
        votes = np.bincount(self.classes[nearest], weights=weights, minlength=self.class_count)
        return votes / votes.sum()

    def mixed_into(self, linear: np.ndarray, vector: np.ndarray, share: float) -> np.ndarray:
        """A linear read-out's class probabilities with `share` of them taken from the vote."""
        return (1.0 - share) * linear + share * self.shares(vector)

    @classmethod
    def of(cls, vectors: np.ndarray, classes: np.ndarray, class_count: int, count: int, temperature: float) -> NeighbourVote:
        """The vote of these examples, their vectors rounded to float16 as they will be stored."""
        stored = np.asarray(vectors).astype(np.float16).astype(np.float32)
        return cls(stored, np.asarray(classes, dtype=np.int64), class_count, count, temperature)

    def save(self, path: Path) -> None:
        np.save(path, self.vectors.astype(np.float16))

    @classmethod
    def load(
        cls, path: Path, classes: list[int], class_count: int, count: int, temperature: float, dimension: int
    ) -> NeighbourVote:
        """Raises ValueError when the file is damaged or does not fit the classes listed with it."""
        try:
            vectors = np.load(path, allow_pickle=False).astype(np.float32)
        except Exception as error:  # a damaged .npy raises EOFError, tokenize errors, ValueError ...
            raise ValueError(f"{path.name} cannot be read ({type(error).__name__})") from error
        labels = np.array(classes, dtype=np.int64)
        if vectors.shape != (len(labels), dimension) or not np.all((labels >= 0) & (labels < class_count)):
            raise ValueError(f"{len(labels)} example classes of {dimension} dimensions but vectors of shape {vectors.shape}")
        if not np.isfinite(vectors).all():
            raise ValueError(f"{path.name} holds vectors that are not finite")
        return cls(vectors, labels, class_count, count, temperature)
