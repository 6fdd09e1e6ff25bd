"""The on-disk index: a folder of plain files you can open and check.

    index/
      manifest.json          model, dimension, chunker settings, corpus digest, versions, file digests
      chunks.jsonl           one verbatim passage per line, with section, offsets and sentence spans
      chunk_vectors.faiss    FAISS index of the passages (inner product on normalised vectors)
      sentence_vectors.npy   one float32 row per quotable sentence, in chunk order

Nothing is pickled. A build writes to a temporary sibling folder and renames it into
place under a lock, so an interrupted or concurrent build never leaves half an index.
`Index.load` checks every file against the manifest and the manifest against the
corpus and model, and says which command fixes what it finds.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Callable

import faiss
import numpy as np
from filelock import FileLock

from .chunking import Chunk, ChunkerSettings, SectionChunker, sentence_texts
from .corpus import Document, corpus_sha256
from .embedding import Encoder
from .errors import IndexCorruptError, IndexMissingError, IndexStaleError

FORMAT_VERSION = 1
MANIFEST_FILE = "manifest.json"
CHUNKS_FILE = "chunks.jsonl"
CHUNK_VECTORS_FILE = "chunk_vectors.faiss"
SENTENCE_VECTORS_FILE = "sentence_vectors.npy"
INDEX_FILES = (CHUNKS_FILE, CHUNK_VECTORS_FILE, SENTENCE_VECTORS_FILE)
REBUILD_HINT = "run `clonus-qa build` to rebuild it"

# Exact search is fast and simple up to this many passages; past it an IVF index
# keeps queries fast at a small recall cost (measured in benchmarks/scale.py).
EXACT_SEARCH_MAX_VECTORS = 200_000
IVF_PROBES = 48
VERSIONED_PACKAGES = ("faiss-cpu", "sentence-transformers", "transformers", "torch", "langchain-text-splitters")


@dataclass(frozen=True)
class IndexLayout:
    """Which FAISS structure holds the vectors, chosen from their count."""

    factory: str
    nprobe: int | None = None

    @classmethod
    def for_size(cls, n_vectors: int) -> IndexLayout:
        if n_vectors <= EXACT_SEARCH_MAX_VECTORS:
            return cls("Flat")
        # About 4*sqrt(n) lists is FAISS's rule of thumb for IVF.
        n_lists = int(4 * np.sqrt(n_vectors))
        return cls(f"IVF{n_lists},Flat", IVF_PROBES)

    def make(self, vectors: np.ndarray) -> faiss.Index:
        index = faiss.index_factory(vectors.shape[1], self.factory, faiss.METRIC_INNER_PRODUCT)
        if not index.is_trained:
            index.train(vectors)
        index.add(vectors)
        self.apply(index)
        return index

    def apply(self, index: faiss.Index) -> None:
        """Search settings that FAISS does not store in the file."""
        if self.nprobe is not None:
            ivf = faiss.extract_index_ivf(index)
            ivf.nprobe = self.nprobe
            ivf.make_direct_map()  # lets `Index.chunk_vector` reconstruct any passage


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _package_versions() -> dict[str, str]:
    versions = {}
    for name in VERSIONED_PACKAGES:
        try:
            versions[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


class Index:
    """Passages, their vectors and the vectors of the sentences inside them."""

    def __init__(
        self,
        chunks: list[Chunk],
        chunk_index: faiss.Index,
        sentence_vectors: np.ndarray,
        manifest: dict,
    ) -> None:
        self.chunks = chunks
        self.chunk_index = chunk_index
        self.sentence_vectors = sentence_vectors
        self.manifest = manifest
        # Row of each chunk's first sentence in `sentence_vectors`.
        counts = [len(chunk.sentences) for chunk in chunks]
        self.first_sentence_row = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64) if chunks else []

    @property
    def model_name(self) -> str:
        return self.manifest["model"]["name"]

    def sentence_vector(self, chunk_id: int, sentence_number: int) -> np.ndarray:
        return self.sentence_vectors[self.first_sentence_row[chunk_id] + sentence_number]

    def chunk_vector(self, chunk_id: int) -> np.ndarray:
        return self.chunk_index.reconstruct(chunk_id)

    def search(self, query_vector: np.ndarray, top_k: int) -> list[tuple[int, float]]:
        """(chunk_id, cosine) pairs, best first."""
        top_k = min(top_k, len(self.chunks))
        scores, ids = self.chunk_index.search(query_vector.reshape(1, -1).astype(np.float32), top_k)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    @classmethod
    def build(
        cls,
        documents: list[Document],
        encoder: Encoder,
        settings: ChunkerSettings | None = None,
        corpus_dir: Path | None = None,
    ) -> Index:
        settings = settings or ChunkerSettings()
        chunks = SectionChunker(settings).run(documents)
        chunk_vectors = encoder.encode([chunk.embedding_text for chunk in chunks])
        sentences = sentence_texts(chunks)
        sentence_vectors = encoder.encode(sentences)
        layout = IndexLayout.for_size(len(chunks))
        manifest = {
            "format_version": FORMAT_VERSION,
            "model": {"name": encoder.model_name, "dimension": encoder.dimension, "normalized": True},
            "index": {"factory": layout.factory, "nprobe": layout.nprobe, "metric": "inner_product"},
            "chunker": settings.to_dict(),
            "corpus": {
                "sha256": corpus_sha256(corpus_dir) if corpus_dir else None,
                "documents": [{"doc_id": d.doc_id, "source_sha256": d.source_sha256} for d in documents],
            },
            "counts": {"documents": len(documents), "chunks": len(chunks), "sentences": len(sentences)},
            "versions": _package_versions(),
        }
        return cls(chunks, layout.make(chunk_vectors), sentence_vectors, manifest)

    def save(self, index_dir: Path, write_extras: Callable[[Path], None] | None = None) -> None:
        """Write every file to a temporary sibling, then swap it into place under a lock.

        `write_extras(folder)` may add files (the query encoder) before the swap.
        """
        index_dir = Path(index_dir)
        index_dir.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(index_dir) + ".lock"):
            staging = Path(tempfile.mkdtemp(prefix=f".{index_dir.name}-", dir=index_dir.parent))
            staging.chmod(0o755)
            try:
                self._write_files(staging)
                if write_extras is not None:
                    write_extras(staging)
                backup = index_dir.with_name(f".{index_dir.name}-old")
                if backup.exists():
                    shutil.rmtree(backup)
                if index_dir.exists():
                    os.replace(index_dir, backup)
                os.replace(staging, index_dir)
                shutil.rmtree(backup, ignore_errors=True)
            finally:
                shutil.rmtree(staging, ignore_errors=True)

    def _write_files(self, folder: Path) -> None:
        with (folder / CHUNKS_FILE).open("w", encoding="utf-8", newline="\n") as handle:
            for chunk in self.chunks:
                handle.write(json.dumps(chunk.to_record(), ensure_ascii=False, sort_keys=True) + "\n")
        faiss.write_index(self.chunk_index, str(folder / CHUNK_VECTORS_FILE))
        np.save(folder / SENTENCE_VECTORS_FILE, self.sentence_vectors.astype(np.float32), allow_pickle=False)
        manifest = dict(self.manifest)
        manifest["files"] = {name: _sha256_file(folder / name) for name in INDEX_FILES}
        (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, index_dir: Path, corpus_dir: Path | None = None, model_name: str | None = None) -> Index:
        """Load and verify. `corpus_dir` and `model_name`, when given, must match the manifest."""
        index_dir = Path(index_dir)
        manifest = _read_manifest(index_dir)
        for name in INDEX_FILES:
            path = index_dir / name
            if not path.is_file():
                raise IndexMissingError(f"{path} is missing; {REBUILD_HINT}")
            if _sha256_file(path) != manifest.get("files", {}).get(name):
                raise IndexCorruptError(f"{path} does not match its manifest digest (edited or damaged); {REBUILD_HINT}")
        _check_fresh(manifest, index_dir, corpus_dir, model_name)
        try:
            chunks = [
                Chunk.from_record(json.loads(line))
                for line in (index_dir / CHUNKS_FILE).read_text(encoding="utf-8").splitlines()
            ]
            chunk_index = faiss.read_index(str(index_dir / CHUNK_VECTORS_FILE))
            sentence_vectors = np.load(index_dir / SENTENCE_VECTORS_FILE, allow_pickle=False)
        except (ValueError, TypeError, KeyError, RuntimeError, OSError) as error:
            raise IndexCorruptError(f"cannot read the index in {index_dir} ({error}); {REBUILD_HINT}") from error
        layout = IndexLayout(manifest["index"]["factory"], manifest["index"].get("nprobe"))
        layout.apply(chunk_index)
        _check_shapes(index_dir, manifest, chunks, chunk_index, sentence_vectors)
        return cls(chunks, chunk_index, sentence_vectors, manifest)


def _read_manifest(index_dir: Path) -> dict:
    path = index_dir / MANIFEST_FILE
    if not index_dir.is_dir():
        raise IndexMissingError(f"no index at {index_dir}; {REBUILD_HINT}")
    if not path.is_file():
        raise IndexMissingError(f"{path} is missing; {REBUILD_HINT}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        manifest["model"]["name"], manifest["index"]["factory"]
    except (ValueError, KeyError, TypeError) as error:
        raise IndexCorruptError(f"{path} is not a clonus-qa manifest ({error}); {REBUILD_HINT}") from error
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexStaleError(
            f"{index_dir} has index format {manifest.get('format_version')}, this version reads {FORMAT_VERSION}; "
            f"{REBUILD_HINT}"
        )
    return manifest


def _check_fresh(manifest: dict, index_dir: Path, corpus_dir: Path | None, model_name: str | None) -> None:
    if model_name is not None and manifest["model"]["name"] != model_name:
        raise IndexStaleError(
            f"{index_dir} was built with model {manifest['model']['name']!r}, not the configured {model_name!r}; "
            f"{REBUILD_HINT}"
        )
    built_from = manifest["corpus"].get("sha256")
    if corpus_dir is not None and built_from is not None and Path(corpus_dir).is_dir():
        if corpus_sha256(Path(corpus_dir)) != built_from:
            raise IndexStaleError(f"the corpus in {corpus_dir} changed after {index_dir} was built; {REBUILD_HINT}")


def _check_shapes(
    index_dir: Path, manifest: dict, chunks: list[Chunk], chunk_index: faiss.Index, sentence_vectors: np.ndarray
) -> None:
    n_sentences = sum(len(chunk.sentences) for chunk in chunks)
    dimension = manifest["model"]["dimension"]
    problems = []
    if chunk_index.ntotal != len(chunks):
        problems.append(f"{chunk_index.ntotal} vectors for {len(chunks)} passages")
    if chunk_index.d != dimension:
        problems.append(f"vectors of dimension {chunk_index.d}, manifest says {dimension}")
    if sentence_vectors.ndim != 2 or sentence_vectors.shape != (n_sentences, dimension):
        problems.append(f"sentence vectors of shape {sentence_vectors.shape}, expected ({n_sentences}, {dimension})")
    if sentence_vectors.dtype != np.float32:
        problems.append(f"sentence vectors of type {sentence_vectors.dtype}, expected float32")
    if problems:
        raise IndexCorruptError(f"{index_dir} is inconsistent ({'; '.join(problems)}); {REBUILD_HINT}")
