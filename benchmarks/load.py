"""Many users at once: concurrent clients asking the running chat app over HTTP.

    python benchmarks/load.py                 # 32 clients for 60 s (at most 20,000 requests)
    python benchmarks/load.py --quick         # 32 clients for 10 s (at most 1,500 requests): the CI mode

Every answer must equal the answer the same question gets serially from
`Assistant.ask` in this process; any error or difference is counted and makes the
exit status 1. Traffic goes only to 127.0.0.1, and the loop is bounded in both
time and count.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gradio_http import PROJECT_DIR, ask, free_port, start_app, wait_for_answer  # noqa: E402

RESULTS_DIR = PROJECT_DIR / "benchmarks" / "results"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="10 s and at most 1,500 requests")
    parser.add_argument("--clients", type=int, default=32)
    args = parser.parse_args()
    seconds, max_requests = (10, 1_500) if args.quick else (60, 20_000)

    from clonus_qa import Assistant

    lines = (PROJECT_DIR / "tests" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines if line.strip()]
    work = [(item["question"], item.get("history") or []) for item in items]
    assistant = Assistant.load()
    serial = [assistant.ask(q, h).to_dict() for q, h in work]

    port = free_port()
    process = start_app(port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_answer(base, "What causes clonus?", deadline_s=60)
        lock = threading.Lock()
        latencies: list[float] = []
        failures: list[str] = []
        issued = [0]
        deadline = time.perf_counter() + seconds

        def client(number: int) -> None:
            position = number
            while time.perf_counter() < deadline:
                with lock:
                    if issued[0] >= max_requests:
                        return
                    issued[0] += 1
                index = position % len(work)
                position += args.clients
                started = time.perf_counter()
                try:
                    answer = ask(base, *work[index])
                except Exception as error:  # noqa: BLE001 - every failure is counted, none may pass silently
                    with lock:
                        failures.append(f"error: {type(error).__name__}: {error}")
                    continue
                elapsed = 1000 * (time.perf_counter() - started)
                with lock:
                    latencies.append(elapsed)
                    if answer != serial[index]:
                        failures.append(f"mismatch on {work[index][0]!r}")

        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=20)

    ordered = sorted(latencies)
    result = {
        "clients": args.clients,
        "seconds": round(wall, 1),
        "requests": len(latencies) + len(failures),
        "answered": len(latencies),
        "errors_or_mismatches": len(failures),
        "first_failures": failures[:5],
        "p50_ms": statistics.median(ordered) if ordered else None,
        "p95_ms": ordered[int(0.95 * (len(ordered) - 1))] if ordered else None,
        "requests_per_s": len(latencies) / wall if wall else None,
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / ("load-quick.json" if args.quick else "load.json")).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 1 if failures or not latencies else 0


if __name__ == "__main__":
    sys.exit(main())
