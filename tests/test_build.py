"""Building the index: atomic replacement, a lock against concurrent builds."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from clonus_qa import build_index
from clonus_qa.index import INDEX_FILES, MANIFEST_FILE, Index

pytestmark = pytest.mark.model
PROJECT_DIR = Path(__file__).resolve().parents[1]


def _same_as_committed(folder: Path) -> bool:
    return all((folder / n).read_bytes() == (PROJECT_DIR / "index" / n).read_bytes() for n in (MANIFEST_FILE, *INDEX_FILES))


def test_an_interrupted_build_leaves_the_old_index_intact(tmp_path, fresh_index_dir):
    target = tmp_path / "index"
    shutil.copytree(fresh_index_dir, target)
    index = Index.load(target)

    def crash(folder: Path) -> None:
        raise KeyboardInterrupt("power cut during the encoder export")

    with pytest.raises(KeyboardInterrupt):
        index.save(target, crash)
    assert _same_as_committed(target)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".index-")], "staging folder left behind"


def test_two_builds_at_once_leave_one_valid_index(tmp_path):
    target = tmp_path / "index"
    script = (
        "import sys; from clonus_qa import build_index; "
        f"build_index({str(PROJECT_DIR / 'corpus')!r}, {str(target)!r})"
    )
    builds = [subprocess.Popen([sys.executable, "-c", script]) for _ in range(2)]
    assert [b.wait(timeout=300) for b in builds] == [0, 0]
    assert _same_as_committed(target)
    Index.load(target, corpus_dir=PROJECT_DIR / "corpus")


def test_rebuilding_over_an_existing_index_replaces_it(tmp_path):
    target = tmp_path / "index"
    target.mkdir()
    (target / "stray.txt").write_text("old")
    build_index(PROJECT_DIR / "corpus", target)
    assert not (target / "stray.txt").exists() and _same_as_committed(target)
