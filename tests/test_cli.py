import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from clonus_qa.cli import cli

pytestmark = pytest.mark.model
PROJECT_DIR = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


def test_every_command_help_carries_an_example(runner):
    for command in ([], ["ask"], ["build"], ["eval"]):
        result = runner.invoke(cli, [*command, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.output and "clonus-qa " in result.output


def test_ask_prints_the_quoted_answer_sources_and_disclaimer(runner):
    result = runner.invoke(cli, ["ask", "Which drugs do doctors give for clonus?"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith('According to the article: "')
    assert "[1]" in result.output and "Sources:" in result.output and "1. Drug consumption" in result.output
    assert "medical advice" in result.output


def test_ask_json_follows_the_answer_contract(runner):
    result = runner.invoke(cli, ["ask", "--json", "What causes clonus?"])
    data = json.loads(result.output)
    assert set(data) >= {"status", "question", "answer", "citations", "disclaimer", "notices"}
    assert data["status"] == "answered"
    citation = data["citations"][0]
    assert set(citation) == {"n", "doc_id", "section", "text", "quote", "score", "start", "end"}
    assert citation["doc_id"] == "clonus.txt" and citation["quote"] in citation["text"]


def test_ask_reads_the_question_from_stdin(runner):
    result = runner.invoke(cli, ["ask", "--json"], input="Is clonus contagious?\n")
    assert json.loads(result.output)["status"] == "not_found"


def test_jsonl_answers_every_line_in_order_and_survives_bad_lines(runner):
    lines = [
        json.dumps({"question": "Which drugs are used for clonus?"}),
        "this is not json",
        json.dumps(["a", "list"]),
        json.dumps({"question": 42}),
        json.dumps({"question": "Is it safe to drive on them?",
                    "history": [{"role": "user", "content": "Which drugs are used for clonus?"}]}),
        json.dumps({"question": "   "}),
        "",
    ]
    result = runner.invoke(cli, ["ask", "--jsonl"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["status"] for r in records] == [
        "answered", "invalid", "invalid", "invalid", "answered", "invalid", "invalid"
    ]
    assert all("error" in r for r in records if r["status"] == "invalid")
    assert "drowsiness" in records[4]["answer"] or "driving" in records[4]["answer"]


def test_missing_index_is_one_line_with_the_fix_and_exit_2(runner, tmp_path):
    result = runner.invoke(cli, ["ask", "--index-dir", str(tmp_path / "none"), "What causes clonus?"])
    assert result.exit_code == 2
    assert "clonus-qa build" in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_usage_errors_are_one_line(runner):
    result = runner.invoke(cli, ["ask", "--jsonl", "question"])
    assert result.exit_code == 2 and "leave out QUESTION" in result.output
    result = runner.invoke(cli, ["build", "--chunk-size", "5"])
    assert result.exit_code == 2 and "too small" in result.output


def test_build_writes_an_index_that_ask_can_use(runner, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(PROJECT_DIR / "corpus", corpus)
    index_dir = tmp_path / "index"
    result = runner.invoke(cli, ["build", "--corpus", str(corpus), "--index-dir", str(index_dir)])
    assert result.exit_code == 0, result.output
    assert (index_dir / "manifest.json").is_file() and (index_dir / "query_encoder.onnx").is_file()
    result = runner.invoke(cli, ["ask", "--json", "--index-dir", str(index_dir), "How is clonus diagnosed?"])
    assert json.loads(result.output)["status"] == "answered"


def test_build_from_a_missing_corpus_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(cli, ["build", "--corpus", str(tmp_path / "nope"), "--index-dir", str(tmp_path / "i")])
    assert result.exit_code == 2 and "does not exist" in result.output
