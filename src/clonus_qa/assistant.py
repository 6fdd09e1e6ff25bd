"""The one place where the stages are wired: validate, triage, resolve, retrieve, compose."""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from pathlib import Path

from .answer import Answer, AnswerComposer, ComposerSettings, Status
from .choices import Choice
from .chunking import ChunkerSettings, sentence_texts
from .conversation import Message, asking_sentence, normalize_history, question_parts, resolve_followup
from .corpus import load_corpus
from .embedding import (
    MIN_EXPORT_COSINE,
    ONNX_FILES,
    CachingEncoder,
    Encoder,
    OnnxEncoder,
    SentenceTransformerEncoder,
    configured_model_name,
    export_onnx,
    lowest_cosine,
    resolve_model_location,
)
from .errors import IndexMissingError, IndexStaleError, InvalidArgumentError
from .index import Index
from .probes import MessageProbes
from .reader import SentenceReader
from .retrieval import DenseRetriever, FusionMode, Hit, HybridRetriever, LexicalRetriever, Query, RetrieverKind
from .safety import (
    DISCLAIMER,
    NOT_FOUND_TEXT,
    PARTLY_ANSWERED_NOTICE,
    SafetyGate,
    clean_text,
    input_problem,
    name_the_subject,
)
from .terms import TermAnalyzer, model_dictionary_words, rejoin_dictation_splits, without_words

PROJECT_DIR = Path(__file__).resolve().parents[2]
INDEX_DIR_ENV_VAR = "CLONUS_QA_INDEX_DIR"
SEARCH_TOP_K = 4


class QueryEncoder(Choice):
    """Which encoder turns questions into vectors (passages are always embedded by sentence-transformers)."""

    AUTO = "auto"  # the ONNX export when the index folder has one, else sentence-transformers
    ONNX = "onnx"
    TORCH = "torch"


def default_index_dir() -> Path:
    """`CLONUS_QA_INDEX_DIR`, else the project's `index/`."""
    return Path(os.environ.get(INDEX_DIR_ENV_VAR) or PROJECT_DIR / "index")


def default_corpus_dir() -> Path:
    return PROJECT_DIR / "corpus"


def build_index(
    corpus_dir: str | Path | None = None,
    index_dir: str | Path | None = None,
    *,
    model: str | None = None,
    chunker: ChunkerSettings | None = None,
) -> Index:
    """Chunk and embed the corpus with sentence-transformers and save the index folder."""
    corpus_dir = Path(corpus_dir) if corpus_dir is not None else default_corpus_dir()
    index_dir = Path(index_dir) if index_dir is not None else default_index_dir()
    encoder = SentenceTransformerEncoder(model or configured_model_name())
    index = Index.build(load_corpus(corpus_dir), encoder, chunker, corpus_dir=corpus_dir)
    probe_texts = sentence_texts(index.chunks)
    training_encoder = CachingEncoder(encoder)
    probes = MessageProbes.train(training_encoder)
    reader = SentenceReader.train(training_encoder, index.chunks)

    def write_extras(folder: Path) -> None:
        export_onnx(encoder, folder, probe_texts)
        probes.save(folder)
        reader.save(folder)

    index.save(index_dir, write_extras)
    return index


def export_query_encoder(index_dir: str | Path | None = None, *, model: str | None = None) -> float:
    """Add the ONNX query encoder to an existing index, leaving its vectors untouched.

    A fresh clone has the committed vectors but not the 90 MB encoder (it is not in git).
    Re-embedding would be needless, and on another CPU model the float kernels differ in
    the last bits, so the committed files would change. Returns the export's agreement:
    the lowest cosine between the encoder and the index's own sentence vectors.
    """
    index_dir = Path(index_dir) if index_dir is not None else default_index_dir()
    model_name = model or configured_model_name()
    index = Index.load(index_dir, model_name=model_name)
    encoder = SentenceTransformerEncoder(model_name)
    probe_texts = sentence_texts(index.chunks)
    with tempfile.TemporaryDirectory(prefix=".encoder-", dir=index_dir) as staging:
        export_onnx(encoder, Path(staging), probe_texts)
        exported = OnnxEncoder(Path(staging)).encode(probe_texts)
        agreement = lowest_cosine(exported, index.sentence_vectors)
        if agreement < MIN_EXPORT_COSINE:
            raise IndexStaleError(
                f"the encoder disagrees with the vectors in {index_dir} (cosine {agreement:.4f}); run `clonus-qa build`"
            )
        for name in ONNX_FILES:
            os.replace(Path(staging) / name, index_dir / name)
    return agreement


class Assistant:
    """Answers questions about the indexed article. Safe to share between threads."""

    def __init__(
        self,
        index: Index,
        encoder: Encoder,
        fusion: FusionMode = FusionMode.RECIPROCAL_RANK,
        probes: MessageProbes | None = None,
        reader: SentenceReader | None = None,
    ) -> None:
        """Without a trained `reader` the composer judges answers by their words alone."""
        self.index = index
        self.encoder = encoder
        passages = [chunk.embedding_text for chunk in index.chunks]
        self.analyzer = TermAnalyzer(passages, model_dictionary_words(resolve_model_location(index.model_name)))
        dense = DenseRetriever(index, SEARCH_TOP_K)
        lexical = LexicalRetriever(index.chunks, self.analyzer, SEARCH_TOP_K)
        self.retrievers = {
            RetrieverKind.DENSE: dense,
            RetrieverKind.BM25: lexical,
            RetrieverKind.HYBRID: HybridRetriever(dense, lexical, fusion, SEARCH_TOP_K),
        }
        self.composer = AnswerComposer(index, self.analyzer, ComposerSettings())
        self.gate = SafetyGate(probes, encoder, self.analyzer.spelled_right)
        self.reader = reader

    @classmethod
    def load(
        cls,
        index_dir: str | Path | None = None,
        *,
        model: str | None = None,
        query_encoder: QueryEncoder | str = QueryEncoder.AUTO,
    ) -> Assistant:
        """Load the index (checked against the corpus and model) and the query encoder.

        Raises a `ClonusQAError` subclass naming the fix when the index is missing,
        damaged or stale.
        """
        if isinstance(query_encoder, str):
            query_encoder = QueryEncoder.from_str(query_encoder)
        explicit = index_dir is not None or os.environ.get(INDEX_DIR_ENV_VAR)
        index_dir = Path(index_dir) if index_dir is not None else default_index_dir()
        model_name = model or configured_model_name()
        corpus_dir = None if explicit else default_corpus_dir()
        index = Index.load(index_dir, corpus_dir=corpus_dir, model_name=model_name)
        has_onnx = OnnxEncoder.available(index_dir, model_name)
        if query_encoder is QueryEncoder.ONNX and not has_onnx:
            raise IndexMissingError(f"{index_dir} has no ONNX query encoder; run `clonus-qa build` to export it")
        use_onnx = has_onnx and query_encoder is not QueryEncoder.TORCH
        encoder = OnnxEncoder(index_dir) if use_onnx else SentenceTransformerEncoder(model_name)
        probes, reader = MessageProbes.load(index_dir), SentenceReader.load(index_dir, index.chunks)
        return cls(index, encoder, probes=probes, reader=reader)

    def query(self, text: str) -> Query:
        return self._queries([text], evidence_text=text, always_measure_load=True)[text]

    def _queries(self, texts: list[str], evidence_text: str, *, always_measure_load: bool = False) -> dict[str, Query]:
        """Embed and analyse several texts in one encoder call (one forward pass is most of a query's cost).

        The evidence text is checked by its words; it needs a vector only for its
        `unknown_word_load` (the text with and without its unknown words), so it is
        encoded only when the composer will consult that load.
        """
        distinct = list(dict.fromkeys([*texts, evidence_text]))
        terms = {text: self.analyzer.analyze(text) for text in distinct}
        evidence_terms = terms[evidence_text]
        needed = always_measure_load or self.composer.consults_unknown_word_load(evidence_terms.key_groups)
        unknown = evidence_terms.unknown_words if needed else ()
        needs_vector = set(texts) | ({evidence_text} if unknown else set())
        encoded = [text for text in distinct if text in needs_vector]
        batch = encoded + ([without_words(evidence_text, unknown)] if unknown else [])
        vectors = self.encoder.encode(batch)
        queries = {text: Query(text, vector, terms[text]) for text, vector in zip(encoded, vectors)}
        if unknown:
            evidence = queries[evidence_text]
            load = round(1.0 - float(evidence.vector @ vectors[-1]), 6)
            queries[evidence_text] = replace(evidence, unknown_word_load=load)
        elif evidence_text not in queries:
            queries[evidence_text] = Query(evidence_text, None, evidence_terms)
        return queries

    def search(
        self,
        question: str,
        retriever: RetrieverKind = RetrieverKind.HYBRID,
        top_k: int = SEARCH_TOP_K,
        history: list[dict] | None = None,
    ) -> list[Hit]:
        """Passages for a question from one retriever, follow-ups resolved as in `ask`."""
        resolved = resolve_followup(self._readable(question), normalize_history(history), self.analyzer)
        return self.retrievers[retriever].run(self.query(resolved.search_text), top_k)

    def ask(self, question: str, history: list[dict] | None = None) -> Answer:
        """Answer one question; `history` is a list of {"role", "content"} messages.

        User text never raises: empty, huge or odd input gets an `invalid` answer.
        Only a non-string question (a programming error) raises `InvalidArgumentError`.
        """
        if not isinstance(question, str):
            raise InvalidArgumentError(f"question must be a str, not {type(question).__name__}")
        text = self._readable(question)
        problem = input_problem(text)
        if problem:
            return Answer(Status.INVALID, question, problem, error=problem)
        turns = normalize_history(history)
        answer = self._answer(question, text, turns)
        if answer.status is Status.NOT_FOUND:
            # A message that asks several things is answered for the first part the article
            # answers, and says that the rest is not (conversation.question_parts).
            for part in question_parts(text):
                part_answer = self._answer(question, part, turns)
                if part_answer.status is Status.ANSWERED:
                    notices = tuple(dict.fromkeys((*answer.notices, *part_answer.notices, PARTLY_ANSWERED_NOTICE)))
                    return replace(part_answer, notices=notices)
        return answer

    @staticmethod
    def _readable(question: str) -> str:
        """What the stages read: the cleaned text with dictated names rejoined ("clone us")."""
        return rejoin_dictation_splits(clean_text(question))

    def _answer(self, question: str, text: str, turns: tuple[Message, ...]) -> Answer:
        """The pipeline on cleaned, valid `text`; `question` is what the user typed, kept for the answer."""
        resolved = resolve_followup(text, turns, self.analyzer)
        asked = asking_sentence(text)
        queries = self._queries([text, resolved.search_text], evidence_text=asked)
        message_query, query, evidence_query = queries[text], queries[resolved.search_text], queries[asked]
        reading = self.reader.read(query.vector) if self.reader is not None else None
        if reading is not None and resolved.is_followup:
            reading = reading.either(self.reader.read(message_query.vector))
        answerable = reading.answer_probability if reading is not None else 0.0
        triage = self.gate.run(text, message_query.vector, query.terms, answerable, query.vector, asked)
        if triage.subject_named and not resolved.is_followup:
            # In scope only as a question about clonus ("does it hurt?"): searched and read as one.
            resolved = replace(resolved, search_text=name_the_subject(text))
            query = self._queries([resolved.search_text], evidence_text=asked)[resolved.search_text]
            reading = self.reader.read(query.vector) if self.reader is not None else None
        if triage.urgent:
            return Answer(Status.URGENT, question, triage.guidance(), disclaimer=DISCLAIMER, notices=triage.notices())
        if triage.decline:
            return Answer(Status.OUT_OF_SCOPE, question, triage.decline, disclaimer=DISCLAIMER)
        hits = self.retrievers[RetrieverKind.HYBRID].run(query)
        focus = None
        if triage.medication:
            focus = self.gate.beyond_medication(message_query.terms)
            # A follow-up's subject may be the turn before's: "does it work better if she keeps
            # her tablets going alongside?" after a question on physio asks about physio too.
            if focus and resolved.is_followup:
                focus = tuple(dict.fromkeys((*focus, *self.gate.beyond_medication(query.terms))))
        answer = self.composer.run(question, query, hits, evidence_query, focus, reading, resolved)
        if answer.status is Status.NOT_FOUND:
            answer = replace(answer, answer=NOT_FOUND_TEXT)
        return replace(answer, disclaimer=DISCLAIMER, notices=triage.notices())
