"""Choose the chunk size and overlap by measurement on the dev split.

    python benchmarks/chunk_sizes.py          # every setting below
    python benchmarks/chunk_sizes.py --quick  # three settings

For each setting the corpus is chunked and embedded in memory, and the full pipeline
is scored on the dev split only (the test split is never used to choose). Reported:
answer accuracy, hybrid retrieval MRR and hit@1, and the mean answer length.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
PROJECT_DIR = Path(__file__).resolve().parents[1]
RESULTS_DIR = PROJECT_DIR / "benchmarks" / "results"
SETTINGS = [(200, 0), (300, 0), (300, 60), (400, 0), (500, 0), (500, 100), (700, 0), (1000, 0), (1000, 200)]
QUICK_SETTINGS = [(300, 0), (500, 0), (1000, 200)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="three settings only")
    args = parser.parse_args()

    from clonus_qa.assistant import Assistant
    from clonus_qa.chunking import ChunkerSettings
    from clonus_qa.corpus import load_corpus
    from clonus_qa.embedding import SentenceTransformerEncoder
    from clonus_qa.evaluate import evaluate, load_questions, select_split
    from clonus_qa.index import Index
    from clonus_qa.probes import MessageProbes

    encoder = SentenceTransformerEncoder()
    documents = load_corpus(PROJECT_DIR / "corpus")
    dev = select_split(load_questions(), "dev")
    probes = MessageProbes.train(encoder)  # the chunking does not change them; train once
    rows = []
    for size, overlap in QUICK_SETTINGS if args.quick else SETTINGS:
        index = Index.build(documents, encoder, ChunkerSettings(size, overlap))
        report = evaluate(Assistant(index, encoder, probes=probes), dev)
        rows.append({
            "size_chars": size,
            "overlap_chars": overlap,
            "passages": len(index.chunks),
            "dev_overall": report["overall"],
            "hybrid_mrr": report["retrievers"]["hybrid"]["mrr"],
            "hybrid_hit@1": report["retrievers"]["hybrid"]["hit@1"],
            "mean_answer_chars": report["mean_answer_chars"],
        })
        row = rows[-1]
        print(f"size {size:5} overlap {overlap:4}: {row['passages']:3} passages, dev accuracy {row['dev_overall']:.3f}, "
              f"hybrid MRR {row['hybrid_mrr']:.3f}, hit@1 {row['hybrid_hit@1']:.3f}, "
              f"answer {row['mean_answer_chars']:.0f} chars", flush=True)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    name = "chunk-sizes-quick" if args.quick else "chunk-sizes"
    (RESULTS_DIR / f"{name}.json").write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
