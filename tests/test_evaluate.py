"""The question set, the metrics, and the committed floor on the test split."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from clonus_qa.cli import cli
from clonus_qa.evaluate import KINDS, QuestionSetError, _ndcg, evaluate, load_questions, retrieval_scores, select_split

FLOOR_PATH = Path(__file__).with_name("eval_floor.json")
MINIMUM_PER_KIND = {"answer": 40, "followup": 15, "not_covered": 15, "out_of_scope": 10, "urgent": 15, "medication": 8}


def test_question_set_is_well_formed(questions, article_text):
    assert len(questions) >= 120
    assert len({q["id"] for q in questions}) == len(questions)
    counts = Counter(q["kind"] for q in questions)
    for kind, minimum in MINIMUM_PER_KIND.items():
        assert counts[kind] >= minimum, kind
    for split in ("dev", "test"):
        assert {q["kind"] for q in questions if q["split"] == split} == set(KINDS)
    for q in questions:
        assert (q["expected_status"] == "answered") == bool(q["gold"]), q["id"]
        for gold in q["gold"]:
            assert gold in article_text and "\n" not in gold, (q["id"], gold)


def test_answerable_questions_do_not_copy_the_article(questions, article_text):
    words = re.findall(r"[a-z0-9']+", article_text.lower())
    article_grams = {tuple(words[i : i + 4]) for i in range(len(words) - 3)}
    for q in questions:
        if q["kind"] in ("answer", "followup"):
            asked = re.findall(r"[a-z0-9']+", q["question"].lower())
            copied = [asked[i : i + 4] for i in range(len(asked) - 3) if tuple(asked[i : i + 4]) in article_grams]
            assert not copied, (q["id"], copied)


def test_retrieval_metrics_on_hand_computed_rankings():
    scores = retrieval_scores([[True, False, False], [False, False, True], [False, False, False]])
    assert scores["hit@1"] == pytest.approx(1 / 3)
    assert scores["hit@3"] == pytest.approx(2 / 3)
    assert scores["mrr"] == pytest.approx((1 + 1 / 3) / 3)
    assert _ndcg([False, True], 5) == pytest.approx(1 / 1.5849625, rel=1e-6)
    assert _ndcg([True, True], 5) == pytest.approx(1.0)


def test_bad_question_files_name_the_line(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "a", "kind": "answer"}\n')
    with pytest.raises(QuestionSetError, match=r"q.jsonl:1"):
        load_questions(path)
    with pytest.raises(QuestionSetError, match="not found"):
        load_questions(tmp_path / "missing.jsonl")
    with pytest.raises(ValueError, match="choose one of: dev, test, all"):
        select_split([], "train")


@pytest.mark.model
@pytest.mark.parametrize("split", ["test", "dev"])
def test_each_split_stays_above_its_committed_floor(assistant, split):
    floor = json.loads(FLOOR_PATH.read_text())[split]
    report = evaluate(assistant, select_split(load_questions(), split))
    assert report["overall"] >= floor["overall"], report["failures"]
    assert report["urgent_recall"] >= floor["urgent_recall"]
    assert report["false_urgent_rate"] <= floor["max_false_urgent_rate"]
    assert report["medication_notice_rate"] >= floor["medication_notice_rate"]
    assert report["citation_verbatim_rate"] == 1.0
    assert report["disclaimer_rate"] == 1.0


@pytest.mark.model
def test_eval_command_prints_json_and_writes_report_and_chart(tmp_path):
    result = CliRunner().invoke(cli, ["eval", "--split", "dev", "--json", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {"n_questions", "retrievers", "by_kind", "overall"} <= set(report)
    assert set(report["retrievers"]) == {"bm25", "dense", "hybrid"}
    assert set(report["retrievers"]["hybrid"]) == {"hit@1", "hit@3", "mrr", "ndcg@5"}
    assert set(report["by_kind"]) == set(KINDS)
    assert (tmp_path / "report.md").read_text().startswith("# clonus-qa evaluation")
    assert (tmp_path / "report.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.model
def test_the_onnx_query_encoder_scores_as_well_as_torch(assistant, torch_assistant):
    questions = select_split(load_questions(), "test")
    onnx_report, torch_report = evaluate(assistant, questions), evaluate(torch_assistant, questions)
    assert onnx_report["overall"] >= torch_report["overall"] - 0.01
    assert onnx_report["urgent_recall"] >= torch_report["urgent_recall"]
