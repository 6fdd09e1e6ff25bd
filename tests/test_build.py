"""Building the index: atomic replacement, a lock against concurrent builds."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from clonus_qa import build_index
from clonus_qa.index import INDEX_FILES, MANIFEST_FILE, Index
from clonus_qa.probes import PROBES_FILE

pytestmark = pytest.mark.model
PROJECT_DIR = Path(__file__).resolve().parents[1]


def _same_files(folder: Path, reference: Path) -> bool:
    """Byte-for-byte: builds on one machine are deterministic (the committed index may come from another CPU)."""
    return all((folder / n).read_bytes() == (reference / n).read_bytes() for n in (MANIFEST_FILE, PROBES_FILE, *INDEX_FILES))


def test_an_interrupted_build_leaves_the_old_index_intact(tmp_path, fresh_index_dir):
    target = tmp_path / "index"
    shutil.copytree(fresh_index_dir, target)
    index = Index.load(target)

    def crash(folder: Path) -> None:
        raise KeyboardInterrupt("power cut during the encoder export")

    with pytest.raises(KeyboardInterrupt):
        index.save(target, crash)
    assert _same_files(target, fresh_index_dir)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".index-")], "staging folder left behind"


def test_two_builds_at_once_leave_one_valid_index(tmp_path, fresh_index_dir):
    target = tmp_path / "index"
    script = (
        "import sys; from clonus_qa import build_index; "
        f"build_index({str(PROJECT_DIR / 'corpus')!r}, {str(target)!r})"
    )
    builds = [subprocess.Popen([sys.executable, "-c", script]) for _ in range(2)]
    # A guard against a hung build, not a speed test: two serialised builds on a busy 2-core host can take minutes.
    assert [b.wait(timeout=900) for b in builds] == [0, 0]
    assert _same_files(target, fresh_index_dir)
    Index.load(target, corpus_dir=PROJECT_DIR / "corpus")


def test_rebuilding_over_an_existing_index_replaces_it(tmp_path, fresh_index_dir):
    target = tmp_path / "index"
    target.mkdir()
    (target / "stray.txt").write_text("old")
    build_index(PROJECT_DIR / "corpus", target)
    assert not (target / "stray.txt").exists() and _same_files(target, fresh_index_dir)


def test_encoder_only_export_adds_the_encoder_and_leaves_the_vectors_alone(tmp_path):
    from clonus_qa import Assistant, export_query_encoder

    target = tmp_path / "index"
    shutil.copytree(PROJECT_DIR / "index", target, ignore=shutil.ignore_patterns("*.onnx"))
    before = {n: (target / n).read_bytes() for n in (MANIFEST_FILE, *INDEX_FILES)}
    assert export_query_encoder(target) >= 0.999
    assert {n: (target / n).read_bytes() for n in before} == before
    assert Assistant.load(target, query_encoder="onnx").ask("What causes clonus?").status.value == "answered"
    assert not [p for p in target.iterdir() if p.name.startswith(".encoder-")], "staging folder left behind"
