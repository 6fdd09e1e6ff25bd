"""The urgency probe: trained at build time, saved with the index, read back exactly."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from clonus_qa import IndexCorruptError, IndexMissingError
from clonus_qa.urgency import PROBE_FILE, URGENT_LABEL, UrgencyProbe, red_flag_descriptions, training_examples

pytestmark = pytest.mark.model
PROJECT_DIR = Path(__file__).resolve().parents[1]
COMMITTED_INDEX = PROJECT_DIR / "index"
CROSS_MACHINE_WEIGHT_ATOL = 1e-3


def test_training_data_has_both_labels_and_no_question_from_the_question_set(questions):
    examples = training_examples()
    labels = {label for label, _ in examples}
    assert labels == {URGENT_LABEL, "other"}
    asked = {q["question"].strip().lower() for q in questions}
    assert not [text for _, text in examples if text.strip().lower() in asked]


def test_every_description_category_has_a_centroid():
    probe = UrgencyProbe.load(COMMITTED_INDEX)
    assert set(probe.categories) == {category for category, _ in red_flag_descriptions()}
    np.testing.assert_allclose(np.linalg.norm(probe.centroids, axis=1), 1.0, atol=1e-5)


def test_a_fresh_build_trains_the_committed_probe(fresh_index_dir):
    fresh, committed = UrgencyProbe.load(fresh_index_dir), UrgencyProbe.load(COMMITTED_INDEX)
    assert fresh.trained_on_sha256 == committed.trained_on_sha256
    np.testing.assert_allclose(fresh.weights, committed.weights, atol=CROSS_MACHINE_WEIGHT_ATOL)
    assert fresh.bias == pytest.approx(committed.bias, abs=CROSS_MACHINE_WEIGHT_ATOL)


def test_the_probe_separates_a_report_from_a_question_about_the_topic(assistant):
    probe = assistant.gate.probe
    report = assistant.query("found my toddler with my open tizanidine bottle and she won't wake up properly").vector
    question = assistant.query("what does a stroke have to do with clonus?").vector
    assert probe.probability(report) > 0.5 > probe.probability(question)


def test_a_missing_or_damaged_probe_names_the_fix(tmp_path):
    folder = tmp_path / "index"
    shutil.copytree(COMMITTED_INDEX, folder, ignore=shutil.ignore_patterns("*.onnx"))
    (folder / PROBE_FILE).write_text(json.dumps({"weights": "nonsense"}))
    with pytest.raises(IndexCorruptError, match="clonus-qa build"):
        UrgencyProbe.load(folder)
    (folder / PROBE_FILE).unlink()
    with pytest.raises(IndexMissingError, match="clonus-qa build"):
        UrgencyProbe.load(folder)
