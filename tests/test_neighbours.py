"""The vote of the nearest written examples (no model needed: the vote does not care which encoder ran)."""

import numpy as np
import pytest

from clonus_qa.neighbours import NeighbourVote


def _unit(rows: list[list[float]]) -> np.ndarray:
    vectors = np.array(rows, dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


EXAMPLES = _unit([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]])
CLASSES = np.array([0, 0, 1, 1])


def test_the_nearer_examples_carry_the_vote():
    vote = NeighbourVote.of(EXAMPLES, CLASSES, class_count=3, count=4, temperature=0.02)
    shares = vote.shares(_unit([[1, 0.2]])[0])
    assert shares.sum() == pytest.approx(1.0)
    assert shares[0] > 0.99 and shares[2] == 0.0, "a class with no example gets no share"


def test_only_the_nearest_count_vote():
    vote = NeighbourVote.of(EXAMPLES, CLASSES, class_count=2, count=2, temperature=10.0)
    assert vote.shares(_unit([[1, 0.3]])[0]).tolist() == [1.0, 0.0]


def test_saved_as_float16_and_read_back_as_voted(tmp_path):
    vote = NeighbourVote.of(EXAMPLES, CLASSES, class_count=2, count=3, temperature=0.02)
    vote.save(tmp_path / "votes.npy")
    assert np.load(tmp_path / "votes.npy").dtype == np.float16
    loaded = NeighbourVote.load(tmp_path / "votes.npy", CLASSES.tolist(), 2, 3, 0.02, dimension=2)
    np.testing.assert_array_equal(loaded.vectors, vote.vectors)
    query = _unit([[0.6, 0.4]])[0]
    np.testing.assert_allclose(loaded.shares(query), vote.shares(query))


def test_a_file_that_does_not_fit_its_classes_or_is_damaged_is_refused(tmp_path):
    path = tmp_path / "votes.npy"
    NeighbourVote.of(EXAMPLES, CLASSES, 2, 3, 0.02).save(path)
    with pytest.raises(ValueError, match="example classes"):
        NeighbourVote.load(path, [0, 1], 2, 3, 0.02, dimension=2)
    with pytest.raises(ValueError, match="example classes"):
        NeighbourVote.load(path, [0, 1, 2, 5], 2, 3, 0.02, dimension=2)
    with pytest.raises(ValueError, match="example classes"):
        NeighbourVote.load(path, CLASSES.tolist(), 2, 3, 0.02, dimension=384)
    np.save(path, np.full((4, 2), np.nan, dtype=np.float16))
    with pytest.raises(ValueError, match="not finite"):
        NeighbourVote.load(path, CLASSES.tolist(), 2, 3, 0.02, dimension=2)
    path.write_bytes(b"")
    with pytest.raises(ValueError, match="cannot be read"):
        NeighbourVote.load(path, CLASSES.tolist(), 2, 3, 0.02, dimension=2)


def test_a_vector_nothing_can_be_compared_with_gets_even_shares():
    vote = NeighbourVote.of(EXAMPLES, CLASSES, 2, 3, 0.02)
    assert vote.shares(np.full(2, np.nan, dtype=np.float32)).tolist() == [0.5, 0.5]
