"""32 concurrent clients against the running app, in the benchmark's short CI mode."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[1]


@pytest.mark.model
def test_thirty_two_clients_get_the_serial_answers_without_errors():
    completed = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "benchmarks" / "load.py"), "--quick"],
        capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-2000:]
    result = json.loads(completed.stdout)
    assert result["errors_or_mismatches"] == 0
    assert result["answered"] >= 32
