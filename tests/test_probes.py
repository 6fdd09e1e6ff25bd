"""The message probes: trained at build time, saved with the index, read back exactly."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from clonus_qa import IndexCorruptError, IndexMissingError
from clonus_qa.probes import (
    MEDICATION_LABEL,
    OFF_TOPIC_LABEL,
    PROBES_FILE,
    URGENT_LABEL,
    URGENT_NEIGHBOURS_FILE,
    MessageProbes,
    medication_examples,
    red_flag_descriptions,
    scope_examples,
    urgency_examples,
)

pytestmark = pytest.mark.model
PROJECT_DIR = Path(__file__).resolve().parents[1]
COMMITTED_INDEX = PROJECT_DIR / "index"
CROSS_MACHINE_WEIGHT_ATOL = 1e-3


@pytest.mark.parametrize(
    "examples,positive",
    [(urgency_examples, URGENT_LABEL), (medication_examples, MEDICATION_LABEL), (scope_examples, OFF_TOPIC_LABEL)],
)
def test_training_data_has_both_labels_and_no_question_from_the_question_set(questions, examples, positive):
    pairs = examples()
    assert {label for label, _ in pairs} == {positive, "other"}
    asked = {q["question"].strip().lower() for q in questions}
    assert not [text for _, text in pairs if text.strip().lower() in asked]


def test_every_description_category_has_a_centroid():
    probes = MessageProbes.load(COMMITTED_INDEX)
    assert set(probes.categories) == {category for category, _ in red_flag_descriptions()}
    np.testing.assert_allclose(np.linalg.norm(probes.centroids, axis=1), 1.0, atol=1e-5)


def test_a_fresh_build_trains_the_committed_probes(fresh_index_dir):
    fresh, committed = MessageProbes.load(fresh_index_dir), MessageProbes.load(COMMITTED_INDEX)
    for name in ("urgent", "medication", "off_topic"):
        a, b = getattr(fresh, name), getattr(committed, name)
        assert a.trained_on_sha256 == b.trained_on_sha256
        np.testing.assert_allclose(a.weights, b.weights, atol=CROSS_MACHINE_WEIGHT_ATOL)
        assert a.bias == pytest.approx(b.bias, abs=CROSS_MACHINE_WEIGHT_ATOL)
    np.testing.assert_array_equal(fresh.urgent_neighbours.classes, committed.urgent_neighbours.classes)
    np.testing.assert_allclose(
        fresh.urgent_neighbours.vectors, committed.urgent_neighbours.vectors, atol=CROSS_MACHINE_WEIGHT_ATOL
    )


def test_the_urgent_probe_separates_a_report_from_a_question_about_the_topic(assistant):
    probe = assistant.gate.probes.urgent
    report = assistant.query("found my toddler with my open tizanidine bottle and she won't wake up properly").vector
    question = assistant.query("what does a stroke have to do with clonus?").vector
    assert probe.probability(report) > 0.5 > probe.probability(question)


def test_the_nearest_examples_calm_a_desperate_complaint_that_the_linear_probe_half_believes(assistant):
    probes = assistant.gate.probes
    complaint = assistant.query(
        "I've had physio, tablets and the injections and absolutely nothing has worked, "
        "I'm at the end of my rope. What is left to try?"
    ).vector
    report = assistant.query("found my toddler with my open tizanidine bottle and she won't wake up properly").vector
    assert probes.urgent_probability(complaint) < probes.urgent.probability(complaint)
    assert not probes.reports_emergency(complaint) and probes.reports_emergency(report)


def test_the_medication_probe_separates_using_a_medicine_from_asking_about_it(assistant):
    probe = assistant.gate.probes.medication
    use = assistant.query("is it ok to go without my baclofen for a few days while I wait for the pharmacy").vector
    about = assistant.query("which drugs do doctors give for clonus?").vector
    assert probe.probability(use) > 0.5 > probe.probability(about)


def test_the_scope_probe_reads_what_a_message_asks_for_not_which_condition_it_names(assistant):
    probe = assistant.gate.probes.off_topic
    errand = assistant.query("my wife has MS, which airlines are best for a long-haul flight with a wheelchair?").vector
    question = assistant.query("my wife has MS, is the jumping in her calf part of that?").vector
    assert probe.probability(errand) > 0.5 > probe.probability(question)


def test_missing_or_damaged_probes_name_the_fix(tmp_path):
    folder = tmp_path / "index"
    shutil.copytree(COMMITTED_INDEX, folder, ignore=shutil.ignore_patterns("*.onnx"))
    (folder / PROBES_FILE).write_text(json.dumps({"urgent": {"weights": "nonsense"}}))
    with pytest.raises(IndexCorruptError, match="clonus-qa build"):
        MessageProbes.load(folder)
    (folder / PROBES_FILE).unlink()
    with pytest.raises(IndexMissingError, match="clonus-qa build"):
        MessageProbes.load(folder)
    shutil.copy(COMMITTED_INDEX / PROBES_FILE, folder / PROBES_FILE)
    np.save(folder / URGENT_NEIGHBOURS_FILE, np.zeros((3, 384), dtype=np.float16))
    with pytest.raises(IndexCorruptError, match="clonus-qa build"):
        MessageProbes.load(folder)
    (folder / URGENT_NEIGHBOURS_FILE).write_bytes(b"")
    with pytest.raises(IndexCorruptError, match="clonus-qa build"):
        MessageProbes.load(folder)
    (folder / URGENT_NEIGHBOURS_FILE).unlink()
    with pytest.raises(IndexMissingError, match="urgent_neighbours"):
        MessageProbes.load(folder)
