import json
import multiprocessing
from concurrent.futures import ThreadPoolExecutor

from clonus_qa.feedback import FeedbackLog

ANSWER = {"question": "What causes clonus?", "status": "answered", "answer": 'According to the article: "x" [1]',
          "citations": [{"n": 1, "text": "x", "quote": "x"}]}


def test_a_vote_is_stored_with_question_answer_and_citations(tmp_path):
    log = FeedbackLog(tmp_path / "nested" / "feedback.jsonl")
    log.append(False, ANSWER)
    (record,) = log.read()
    assert record["liked"] is False and record["question"] == ANSWER["question"]
    assert record["citations"] == ANSWER["citations"] and record["time"].endswith("Z")


def test_concurrent_appends_from_threads_lose_nothing(tmp_path):
    log = FeedbackLog(tmp_path / "feedback.jsonl")
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda i: log.append(i % 2 == 0, {**ANSWER, "question": f"q{i}"}), range(800)))
    records = log.read()
    assert sorted(r["question"] for r in records) == sorted(f"q{i}" for i in range(800))


def _append_many(path, start):
    log = FeedbackLog(path)
    for i in range(start, start + 200):
        log.append(True, {**ANSWER, "question": f"p{i}", "answer": "long " * 2000})


def test_concurrent_appends_from_processes_lose_nothing(tmp_path):
    path = tmp_path / "feedback.jsonl"
    processes = [multiprocessing.get_context("spawn").Process(target=_append_many, args=(path, k * 200)) for k in range(3)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    lines = path.read_text().splitlines()
    assert len(lines) == 600
    assert {json.loads(line)["question"] for line in lines} == {f"p{i}" for i in range(600)}
