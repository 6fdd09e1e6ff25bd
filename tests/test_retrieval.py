import numpy as np
import pytest

from clonus_qa.chunking import Chunk, Span
from clonus_qa.retrieval import RRF_K, FusionMode, Hit, RetrieverKind, _reciprocal_rank, _score_sum

FUSERS = {FusionMode.RECIPROCAL_RANK: _reciprocal_rank, FusionMode.SCORE_SUM: _score_sum}


def _chunk(i: int) -> Chunk:
    return Chunk(i, "doc.txt", "S", "", f"text {i}.", i * 10, i * 10 + 7, (Span(i * 10, i * 10 + 7),))


def _hits(ids, scores, kind):
    return [Hit(_chunk(i), s, **{f"{kind}_score": s}) for i, s in zip(ids, scores)]


@pytest.mark.parametrize("mode", list(FusionMode))
def test_a_passage_both_retrievers_like_wins(mode):
    dense = _hits([1, 2, 3], [0.9, 0.8, 0.7], "dense")
    lexical = _hits([2, 4, 1], [9.0, 5.0, 1.0], "lexical")
    fused = FUSERS[mode](dense, lexical)
    assert fused[0].chunk.chunk_id == 2
    assert {h.chunk.chunk_id for h in fused} == {1, 2, 3, 4}
    top = fused[0]
    assert top.dense_score == 0.8 and top.lexical_score == 9.0


@pytest.mark.parametrize("mode", list(FusionMode))
def test_fusion_with_one_empty_list_keeps_the_other_order(mode):
    dense = _hits([5, 3, 8], [0.9, 0.5, 0.1], "dense")
    assert [h.chunk.chunk_id for h in FUSERS[mode](dense, [])] == [5, 3, 8]


def test_reciprocal_rank_scores_use_zero_based_ranks_with_k_61():
    fused = _reciprocal_rank(_hits([7], [0.3], "dense"), _hits([7], [2.0], "lexical"))
    assert fused[0].score == pytest.approx(2 / RRF_K)


@pytest.mark.parametrize("enum,value", [(FusionMode, "rrf-ish"), (RetrieverKind, "sparse")])
def test_unknown_modes_list_the_valid_ones(enum, value):
    valid = ", ".join(member.value for member in enum)
    with pytest.raises(ValueError, match=f"choose one of: {valid}"):
        enum.from_str(value)


def test_modes_parse_case_insensitively():
    assert RetrieverKind.from_str(" Hybrid ") is RetrieverKind.HYBRID
    assert FusionMode.from_str("SCORE_SUM") is FusionMode.SCORE_SUM


@pytest.mark.model
@pytest.mark.parametrize("kind", list(RetrieverKind))
def test_each_retriever_finds_the_drug_passage(assistant, kind):
    hits = assistant.search("Is Zanaflex one of the medicines for clonus?", kind, top_k=3)
    assert any("tizanidine (Zanaflex)" in hit.chunk.text for hit in hits)
    assert all(isinstance(hit.score, float) and np.isfinite(hit.score) for hit in hits)


@pytest.mark.model
def test_lexical_retriever_ignores_words_the_corpus_never_uses(assistant):
    assert assistant.search("xylophone quasar", RetrieverKind.BM25) == []
