"""Encoder helpers that do not care which model runs underneath."""

import numpy as np

from clonus_qa.embedding import CachingEncoder


class _CountingEncoder:
    model_name = "counting"
    dimension = 2

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        return np.array([[len(text), 1.0] for text in texts], dtype=np.float32)


def test_the_caching_encoder_encodes_each_distinct_text_once_and_keeps_the_order():
    inner = _CountingEncoder()
    cached = CachingEncoder(inner)
    first = cached.encode(["ab", "c", "ab"])
    second = cached.encode(["c", "dddd"])
    assert inner.seen == ["ab", "c", "dddd"]
    np.testing.assert_array_equal(first[:, 0], [2, 1, 2])
    np.testing.assert_array_equal(second[:, 0], [1, 4])
    assert cached.encode([]).shape == (0, 2) and cached.model_name == "counting"
