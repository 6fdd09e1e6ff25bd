"""Find the passages most likely to answer: dense, lexical, and the two fused.

Dense search (FAISS over MiniLM vectors) understands paraphrase; BM25 over stemmed,
typo-repaired and lay-word-expanded terms catches names and rare words the small
encoder blurs (drug brands, "MRI", "paraplegia"). Fusing their rankings beats
either alone on the question set (see `clonus-qa eval`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import bm25s
import numpy as np

from .chunking import Chunk
from .choices import Choice
from .index import Index
from .terms import QueryTerms, TermAnalyzer

DEFAULT_TOP_K = 4
# Each retriever proposes this many candidates before fusion, so a passage ranked
# low by one but high by the other can still win.
FUSION_CANDIDATES = 20
# Reciprocal rank fusion constant: 60 is the value from Cormack et al. (2009) for
# 1-based ranks; our ranks are 0-based, so 61 gives the same weights.
RRF_K = 61


@dataclass(frozen=True)
class Query:
    """A question ready for search: its text, its embedding and its analysed terms.

    `unknown_word_load` is how much of the question's meaning rests on words the article
    never uses: one minus the cosine between the question and the question without them
    (0.0 when there are none or when nothing will consult it). `vector` is None for text
    that is only checked by its words (the asking sentence of a chatty message).
    """

    text: str
    vector: np.ndarray | None = field(compare=False, repr=False)
    terms: QueryTerms
    unknown_word_load: float = 0.0


@dataclass(frozen=True)
class Hit:
    """A retrieved passage. `score` orders hits within one retriever's output only."""

    chunk: Chunk
    score: float
    dense_score: float | None = None
    lexical_score: float | None = None


class RetrieverKind(Choice):
    BM25 = "bm25"
    DENSE = "dense"
    HYBRID = "hybrid"


class FusionMode(Choice):
    RECIPROCAL_RANK = "reciprocal_rank"
    SCORE_SUM = "score_sum"


class DenseRetriever:
    def __init__(self, index: Index, top_k: int = DEFAULT_TOP_K) -> None:
        self.index = index
        self.top_k = top_k

    def run(self, query: Query, top_k: int | None = None) -> list[Hit]:
        results = self.index.search(query.vector, top_k or self.top_k)
        return [Hit(self.index.chunks[i], score, dense_score=score) for i, score in results]


class LexicalRetriever:
    """BM25 (bm25s) over each passage's headings and text, stemmed like the queries."""

    def __init__(self, chunks: list[Chunk], analyzer: TermAnalyzer, top_k: int = DEFAULT_TOP_K) -> None:
        self.chunks = chunks
        self.top_k = top_k
        corpus_tokens = [analyzer.content_stems(chunk.embedding_text) for chunk in chunks]
        self._vocabulary = {stem for tokens in corpus_tokens for stem in tokens}
        self._bm25 = bm25s.BM25()
        self._bm25.index(corpus_tokens, show_progress=False)

    def run(self, query: Query, top_k: int | None = None) -> list[Hit]:
        tokens = [stem for stem in query.terms.search_stems if stem in self._vocabulary]
        if not tokens:
            return []
        scores = self._bm25.get_scores(tokens)
        top_k = min(top_k or self.top_k, len(self.chunks))
        best = np.argsort(-scores, kind="stable")[:top_k]
        return [
            Hit(self.chunks[i], float(scores[i]), lexical_score=float(scores[i])) for i in best if scores[i] > 0
        ]


class HybridRetriever:
    def __init__(
        self,
        dense: DenseRetriever,
        lexical: LexicalRetriever,
        mode: FusionMode = FusionMode.RECIPROCAL_RANK,
        top_k: int = DEFAULT_TOP_K,
    ) -> None:
        self.dense = dense
        self.lexical = lexical
        self.mode = mode
        self.top_k = top_k

    def run(self, query: Query, top_k: int | None = None) -> list[Hit]:
        candidates = max(FUSION_CANDIDATES, top_k or self.top_k)
        dense_hits = self.dense.run(query, candidates)
        lexical_hits = self.lexical.run(query, candidates)
        fuse = _reciprocal_rank if self.mode is FusionMode.RECIPROCAL_RANK else _score_sum
        return fuse(dense_hits, lexical_hits)[: top_k or self.top_k]


def _merge_scores(dense_hits: list[Hit], lexical_hits: list[Hit]) -> dict[int, Hit]:
    """One hit per passage carrying both retrievers' raw scores."""
    merged: dict[int, Hit] = {}
    for hit in dense_hits:
        merged[hit.chunk.chunk_id] = Hit(hit.chunk, 0.0, dense_score=hit.dense_score)
    for hit in lexical_hits:
        known = merged.get(hit.chunk.chunk_id)
        dense_score = known.dense_score if known else None
        merged[hit.chunk.chunk_id] = Hit(hit.chunk, 0.0, dense_score=dense_score, lexical_score=hit.lexical_score)
    return merged


def _ranked(merged: dict[int, Hit], fused: dict[int, float]) -> list[Hit]:
    order = sorted(fused, key=lambda chunk_id: (-fused[chunk_id], chunk_id))
    return [
        Hit(merged[i].chunk, fused[i], dense_score=merged[i].dense_score, lexical_score=merged[i].lexical_score)
        for i in order
    ]


def _reciprocal_rank(dense_hits: list[Hit], lexical_hits: list[Hit]) -> list[Hit]:
    fused: dict[int, float] = {}
    for hits in (dense_hits, lexical_hits):
        for rank, hit in enumerate(hits):
            fused[hit.chunk.chunk_id] = fused.get(hit.chunk.chunk_id, 0.0) + 1.0 / (RRF_K + rank)
    return _ranked(_merge_scores(dense_hits, lexical_hits), fused)


def _score_sum(dense_hits: list[Hit], lexical_hits: list[Hit]) -> list[Hit]:
    """Each retriever's scores scaled to [0, 1] by its best hit, then added."""
    fused: dict[int, float] = {}
    for hits in (dense_hits, lexical_hits):
        top = max((hit.score for hit in hits), default=0.0)
        for hit in hits:
            share = hit.score / top if top > 0 else 0.0
            fused[hit.chunk.chunk_id] = fused.get(hit.chunk.chunk_id, 0.0) + share
    return _ranked(_merge_scores(dense_hits, lexical_hits), fused)
