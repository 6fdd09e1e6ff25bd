"""How build and search costs grow with corpus size: 1k, 10k, 100k, 1M passages.

    python benchmarks/scale.py            # 1k, 10k, 100k, 1M
    python benchmarks/scale.py --quick    # 1k, 10k

The synthetic corpus recombines the article's own sentences: each passage is two to
four sentences drawn at random, some words dropped. Up to `REAL_ENCODE_MAX` passages
are embedded for real with sentence-transformers, which gives the encoding throughput.
Past that, embedding a million passages would take hours on 2 cores, so larger corpora
use vectors synthesised from the real ones (a random passage vector plus a random
sentence vector plus Gaussian noise, re-normalised): the FAISS structures see realistic
geometry, and the build throughput for those sizes is the FAISS part only, reported
separately from encoding. Queries are the question set, encoded for real.

Each size runs in a fresh subprocess so the peak memory (max RSS) belongs to that size.
Exact search is `IndexFlatIP`; approximate search is the layout `IndexLayout.for_size`
would pick above the exact-search limit (IVF, with its nprobe), built at every size so
the two can be compared; recall@10 is the share of the exact top-10 the IVF returns.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
PROJECT_DIR = Path(__file__).resolve().parents[1]
RESULTS_DIR = PROJECT_DIR / "benchmarks" / "results"
SIZES = (1_000, 10_000, 100_000, 1_000_000)
QUICK_SIZES = (1_000, 10_000)
REAL_ENCODE_MAX = 10_000
NOISE_SCALE = 0.35
SEED = 7


def synthetic_passages(sentences: list[str], count: int, rng: np.random.Generator) -> list[str]:
    passages = []
    for _ in range(count):
        picked = rng.choice(len(sentences), size=int(rng.integers(2, 5)), replace=False)
        words = " ".join(sentences[i] for i in picked).split()
        keep = rng.random(len(words)) > 0.1
        passages.append(" ".join(w for w, k in zip(words, keep) if k))
    return passages


def encoder_and_texts():
    from clonus_qa.chunking import sentence_texts
    from clonus_qa.embedding import SentenceTransformerEncoder
    from clonus_qa.index import Index

    index = Index.load(PROJECT_DIR / "index")
    sentences = sentence_texts(index.chunks)
    lines = (PROJECT_DIR / "tests" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()]
    return SentenceTransformerEncoder(), sentences, questions


def vectors_for(size: int, encoder, sentences: list[str], rng: np.random.Generator) -> tuple[np.ndarray, float | None]:
    """Real vectors up to REAL_ENCODE_MAX (with encoding throughput), synthesised beyond."""
    real_count = min(size, REAL_ENCODE_MAX)
    texts = synthetic_passages(sentences, real_count, rng)
    started = time.perf_counter()
    real = encoder.encode(texts)
    encode_rate = real_count / (time.perf_counter() - started)
    if size == real_count:
        return real, encode_rate
    sentence_vectors = encoder.encode(sentences)
    parts = []
    for start in range(0, size, 100_000):
        n = min(100_000, size - start)
        mixed = real[rng.integers(0, real_count, n)] + 0.5 * sentence_vectors[rng.integers(0, len(sentences), n)]
        mixed += rng.normal(0, NOISE_SCALE / np.sqrt(real.shape[1]), mixed.shape).astype(np.float32)
        mixed /= np.linalg.norm(mixed, axis=1, keepdims=True)
        parts.append(mixed.astype(np.float32))
    return np.concatenate(parts), None


def timed_search(index, queries: np.ndarray, k: int) -> tuple[np.ndarray, list[float]]:
    results, times = [], []
    for query in queries:
        started = time.perf_counter()
        _, ids = index.search(query.reshape(1, -1), k)
        times.append(1000 * (time.perf_counter() - started))
        results.append(ids[0])
    return np.array(results), times


def run_size(size: int) -> dict:
    import faiss

    from clonus_qa.index import EXACT_SEARCH_MAX_VECTORS, IndexLayout

    faiss.omp_set_num_threads(os.cpu_count() or 1)
    rng = np.random.default_rng(SEED)
    encoder, sentences, questions = encoder_and_texts()
    vectors, encode_rate = vectors_for(size, encoder, sentences, rng)
    queries = encoder.encode(questions)

    started = time.perf_counter()
    exact = IndexLayout("Flat").make(vectors)
    exact_build = time.perf_counter() - started
    approximate_layout = IndexLayout.for_size(max(size, EXACT_SEARCH_MAX_VECTORS + 1))
    n_lists = int(4 * np.sqrt(size))
    approximate_layout = IndexLayout(f"IVF{n_lists},Flat", approximate_layout.nprobe)
    started = time.perf_counter()
    approximate = approximate_layout.make(vectors)
    approximate_build = time.perf_counter() - started

    exact_ids, exact_times = timed_search(exact, queries, 10)
    approx_ids, approx_times = timed_search(approximate, queries, 10)
    recall = float(np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx_ids, exact_ids)]))
    return {
        "size": size,
        "real_vectors": size <= REAL_ENCODE_MAX,
        "encode_chunks_per_s": encode_rate,
        "exact": {
            "factory": "Flat",
            "build_chunks_per_s": size / exact_build,
            "bytes": int(faiss.serialize_index(exact).size),
            "query_p50_ms": statistics.median(exact_times),
            "query_p95_ms": float(np.percentile(exact_times, 95)),
        },
        "approximate": {
            "factory": approximate_layout.factory,
            "nprobe": approximate_layout.nprobe,
            "build_chunks_per_s": size / approximate_build,
            "bytes": int(faiss.serialize_index(approximate).size),
            "query_p50_ms": statistics.median(approx_times),
            "query_p95_ms": float(np.percentile(approx_times, 95)),
            "recall_at_10": recall,
        },
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "queries": len(queries),
    }


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["size"] for r in rows]
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    left.loglog(sizes, [r["exact"]["query_p50_ms"] for r in rows], "o-", label="exact Flat p50")
    left.loglog(sizes, [r["approximate"]["query_p50_ms"] for r in rows], "s-", label="IVF p50")
    left.loglog(sizes, [r["exact"]["query_p95_ms"] for r in rows], "o--", label="exact Flat p95")
    left.loglog(sizes, [r["approximate"]["query_p95_ms"] for r in rows], "s--", label="IVF p95")
    left.set_xlabel("passages")
    left.set_ylabel("query ms")
    left.set_title("Search latency")
    left.legend()
    right.loglog(sizes, [r["exact"]["bytes"] / 1e6 for r in rows], "o-", label="Flat index MB")
    right.loglog(sizes, [r["peak_rss_mb"] for r in rows], "^-", label="peak RSS MB")
    right.loglog(sizes, [r["approximate"]["build_chunks_per_s"] for r in rows], "s-", label="IVF build passages/s")
    right.set_xlabel("passages")
    right.set_title("Memory and build throughput")
    right.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="only 1k and 10k passages")
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)  # one size, in the child process
    args = parser.parse_args()
    if args.size:
        print(json.dumps(run_size(args.size)))
        return
    rows = []
    for size in QUICK_SIZES if args.quick else SIZES:
        output = subprocess.run([sys.executable, __file__, "--size", str(size)], check=True, capture_output=True, text=True)
        row = json.loads(output.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(
            f"{size:>9,} passages: Flat p50 {row['exact']['query_p50_ms']:.2f} ms, "
            f"{row['approximate']['factory']} p50 {row['approximate']['query_p50_ms']:.2f} ms "
            f"recall@10 {row['approximate']['recall_at_10']:.3f}, peak RSS {row['peak_rss_mb']:.0f} MB",
            flush=True,
        )
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    name = "scale-quick" if args.quick else "scale"
    (RESULTS_DIR / f"{name}.json").write_text(json.dumps(rows, indent=2) + "\n")
    plot(rows, RESULTS_DIR / f"{name}.png")


if __name__ == "__main__":
    main()
