"""Warm latency: `Assistant.ask()` against the usual LangChain recipe's bare search.

The recipe is what most "chat with a document" demos copy: RecursiveCharacterTextSplitter
(1000, 200) + HuggingFaceEmbeddings (the same MiniLM) + LangChain FAISS +
similarity_search(k=3). Both run in this one process, interleaved question by
question (the order flips every question), each question once, so no cache can serve
a repeat. A third contender is our pipeline with the torch query encoder, to show
what the ONNX path buys.

    python benchmarks/latency.py            # every question of the set
    python benchmarks/latency.py --quick    # the first 30
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
PROJECT_DIR = Path(__file__).resolve().parents[1]
RESULTS_DIR = PROJECT_DIR / "benchmarks" / "results"


def langchain_recipe():
    """The recipe exactly as usually written, over the same article file."""
    from langchain_community.embeddings import HuggingFaceEmbeddings
    from langchain_community.vectorstores import FAISS
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from clonus_qa.embedding import DEFAULT_MODEL_NAME, resolve_model_location

    text = (PROJECT_DIR / "corpus" / "clonus.txt").read_text(encoding="utf-8")
    documents = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).create_documents([text])
    embeddings = HuggingFaceEmbeddings(model_name=resolve_model_location(DEFAULT_MODEL_NAME))
    store = FAISS.from_documents(documents, embeddings)
    return lambda question: store.similarity_search(question, k=3)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="only the first 30 questions")
    args = parser.parse_args()

    from clonus_qa import Assistant

    lines = (PROJECT_DIR / "tests" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines if line.strip()]
    seen: set[str] = set()
    questions = []
    for item in items:
        if item["question"] not in seen:
            seen.add(item["question"])
            questions.append((item["question"], item.get("history") or None))
    if args.quick:
        questions = questions[:30]

    contenders = {
        "langchain_recipe_search": langchain_recipe(),
        "clonus_qa_ask_onnx": Assistant.load(query_encoder="onnx").ask,
        "clonus_qa_ask_torch": Assistant.load(query_encoder="torch").ask,
    }
    for warm_up in ("warm up one", "warm up two clonus"):
        for run in contenders.values():
            run(warm_up)

    timings: dict[str, list[float]] = {name: [] for name in contenders}
    names = list(contenders)
    for number, (question, history) in enumerate(questions):
        order = names if number % 2 == 0 else names[::-1]
        for name in order:
            run = contenders[name]
            started = time.perf_counter()
            run(question) if name.startswith("langchain") else run(question, history)
            timings[name].append(1000 * (time.perf_counter() - started))

    summary = {
        name: {"median_ms": statistics.median(values), "p95_ms": percentile(values, 0.95), "n": len(values)}
        for name, values in timings.items()
    }
    baseline = summary["langchain_recipe_search"]["median_ms"]
    for name in summary:
        summary[name]["ratio_to_recipe"] = summary[name]["median_ms"] / baseline
    result = {"questions": len(questions), "quick": args.quick, "results": summary}
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / ("latency-quick.json" if args.quick else "latency.json")).write_text(json.dumps(result, indent=2) + "\n")
    print(f"{len(questions)} questions, each once, interleaved; medians in ms")
    print(f"{'contender':28} {'median':>8} {'p95':>8} {'ratio':>7}")
    for name, row in summary.items():
        print(f"{name:28} {row['median_ms']:8.2f} {row['p95_ms']:8.2f} {row['ratio_to_recipe']:7.2f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
