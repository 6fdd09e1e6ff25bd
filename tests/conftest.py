"""Shared fixtures: the real model, the committed index, and one fresh build per session."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

PROJECT_DIR = Path(__file__).resolve().parents[1]
QUESTIONS_PATH = PROJECT_DIR / "tests" / "questions.jsonl"
ARTICLE_PATH = PROJECT_DIR / "corpus" / "clonus.txt"


@pytest.fixture(scope="session")
def article_text() -> str:
    return ARTICLE_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def questions() -> list[dict]:
    return [json.loads(line) for line in QUESTIONS_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def assistant():
    from clonus_qa import Assistant

    return Assistant.load()


@pytest.fixture(scope="session")
def torch_assistant():
    """The same index with questions encoded by sentence-transformers instead of ONNX."""
    from clonus_qa import Assistant

    return Assistant.load(query_encoder="torch")


@pytest.fixture(scope="session")
def fresh_index_dir(tmp_path_factory) -> Path:
    """`clonus-qa build` into a temporary folder, once per session."""
    from clonus_qa import build_index

    folder = tmp_path_factory.mktemp("fresh") / "index"
    build_index(PROJECT_DIR / "corpus", folder)
    return folder
