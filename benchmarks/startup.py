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
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ask_app(base: str) -> dict | None:
    """One call of Gradio's HTTP API: POST starts the job, GET streams its result."""
    request = urllib.request.Request(
        f"{base}/gradio_api/call/ask",
        data=json.dumps({"data": [QUESTION, []]}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        event_id = json.load(urllib.request.urlopen(request, timeout=5))["event_id"]
        stream = urllib.request.urlopen(f"{base}/gradio_api/call/ask/{event_id}", timeout=10).read().decode()
    except (urllib.error.URLError, ConnectionError, OSError):
        return None
    for line in stream.splitlines():
        if line.startswith("data:") and line[5:].strip().startswith("["):
            return json.loads(line[5:])[0]
    return None


def app_seconds() -> float:
    port = _free_port()
    env = dict(os.environ, GRADIO_SERVER_PORT=str(port), GRADIO_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1")
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(PROJECT_DIR / "app.py")], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = started + 60
        while time.perf_counter() < deadline:
            answer = _ask_app(f"http://127.0.0.1:{port}")
            if answer is not None:
                assert answer["status"] == "answered"
                return time.perf_counter() - started
            time.sleep(0.05)
        raise RuntimeError("app gave no answer within 60 s")
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
