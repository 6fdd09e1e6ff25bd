"""Cold start: a one-shot CLI answer, and the chat app's first answer after launch.

    python benchmarks/startup.py            # 3 runs of each, medians
    python benchmarks/startup.py --quick    # 1 run of each

CLI: wall time from process start to printed JSON of
`clonus-qa ask "What causes clonus?" --json`.
App: wall time from starting `python app.py` until its `/ask` API endpoint returns
the first answer over HTTP on 127.0.0.1 (polled every 50 ms).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gradio_http import free_port, start_app, wait_for_answer  # noqa: E402

PROJECT_DIR = Path(__file__).resolve().parents[1]
RESULTS_DIR = PROJECT_DIR / "benchmarks" / "results"
QUESTION = "What causes clonus?"
BIN_DIR = Path(sys.executable).parent


def cli_seconds() -> float:
    started = time.perf_counter()
    output = subprocess.run(
        [str(BIN_DIR / "clonus-qa"), "ask", QUESTION, "--json"], check=True, capture_output=True, text=True
    ).stdout
    elapsed = time.perf_counter() - started
    assert json.loads(output)["status"] == "answered"
    return elapsed


def app_seconds() -> float:
    port = free_port()
    started = time.perf_counter()
    process = start_app(port)
    try:
        answer = wait_for_answer(f"http://127.0.0.1:{port}", QUESTION, deadline_s=60)
        elapsed = time.perf_counter() - started
        assert answer["status"] == "answered"
        return elapsed
    finally:
        process.terminate()
        process.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one run of each instead of three")
    args = parser.parse_args()
    runs = 1 if args.quick else 3
    cli = [cli_seconds() for _ in range(runs)]
    app = [app_seconds() for _ in range(runs)]
    result = {
        "runs": runs,
        "cli_ask_json_seconds": {"median": statistics.median(cli), "all": cli},
        "app_first_answer_seconds": {"median": statistics.median(app), "all": app},
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / ("startup-quick.json" if args.quick else "startup.json")).write_text(json.dumps(result, indent=2) + "\n")
    print(f"clonus-qa ask --json, process start to JSON: median {result['cli_ask_json_seconds']['median']:.2f} s of {runs}")
    print(f"python app.py, launch to first answer:      median {result['app_first_answer_seconds']['median']:.2f} s of {runs}")


if __name__ == "__main__":
    main()
