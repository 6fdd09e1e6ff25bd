"""Call the chat app's `/ask` API over plain HTTP and start the app on a free port."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]


def ask(base_url: str, question: str, history: list | None = None, timeout_s: float = 30) -> dict:
    """One call of Gradio's HTTP API: POST starts the job, GET streams its result."""
    request = urllib.request.Request(
        f"{base_url}/gradio_api/call/ask",
        data=json.dumps({"data": [question, history or []]}).encode(),
        headers={"Content-Type": "application/json"},
    )
    event_id = json.load(urllib.request.urlopen(request, timeout=timeout_s))["event_id"]
    stream = urllib.request.urlopen(f"{base_url}/gradio_api/call/ask/{event_id}", timeout=timeout_s).read().decode()
    event = None
    for line in stream.splitlines():
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:") and event == "complete":
            return json.loads(line[5:])[0]
    raise RuntimeError(f"no answer in the event stream: {stream[:300]!r}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(port: int, extra_env: dict | None = None) -> subprocess.Popen:
    env = dict(os.environ, GRADIO_SERVER_PORT=str(port), GRADIO_SERVER_NAME="127.0.0.1",
               GRADIO_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1", **(extra_env or {}))
    return subprocess.Popen([sys.executable, str(PROJECT_DIR / "app.py")], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for_answer(base_url: str, question: str, deadline_s: float) -> dict:
    """Poll until the app answers (every 50 ms), or raise after `deadline_s` seconds."""
    deadline = time.perf_counter() + deadline_s
    while True:
        try:
            return ask(base_url, question, timeout_s=5)
        except (urllib.error.URLError, ConnectionError, OSError, RuntimeError):
            if time.perf_counter() > deadline:
                raise
            time.sleep(0.05)
