"""Like / dislike records from the chat app, appended to a JSONL file.

Several people (threads of one server, or several servers) may click at once, so
each record is one `write` of one line under a file lock: no record is lost or
interleaved with another.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from filelock import FileLock

FEEDBACK_PATH_ENV_VAR = "CLONUS_QA_FEEDBACK_PATH"
DEFAULT_FEEDBACK_PATH = Path("feedback") / "feedback.jsonl"


def default_feedback_path() -> Path:
    return Path(os.environ.get(FEEDBACK_PATH_ENV_VAR) or DEFAULT_FEEDBACK_PATH)


class FeedbackLog:
    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_feedback_path()
        self._lock = FileLock(str(self.path) + ".lock")

    def append(self, liked: bool, answer: dict) -> dict:
        """Store the vote with the question, answer and citations it refers to."""
        record = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "liked": liked,
            "question": answer.get("question", ""),
            "status": answer.get("status", ""),
            "answer": answer.get("answer", ""),
            "citations": answer.get("citations", []),
        }
        line = json.dumps(record, ensure_ascii=False) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(line)
        return record

    def read(self) -> list[dict]:
        if not self.path.is_file():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line.strip()]
