"""Run the question set through the full pipeline and score it.

A question carries its `kind`, the status it expects and gold evidence: exact
substrings of the article that a correct answer must quote. A passage counts as
relevant for retrieval metrics when it contains a gold substring. The set is split
into `dev` (what thresholds may be tuned on) and `test` (never tuned on).
"""

from __future__ import annotations

import json
import math
import re
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .answer import Answer, Status
from .assistant import PROJECT_DIR, Assistant, default_corpus_dir
from .corpus import article_paths
from .errors import ClonusQAError
from .retrieval import RetrieverKind
from .safety import EMERGENCY_GUIDANCE, MEDICATION_NOTICE

DEFAULT_QUESTIONS_PATH = PROJECT_DIR / "tests" / "questions.jsonl"
KINDS = ("answer", "followup", "not_covered", "out_of_scope", "urgent", "medication")
SPLITS = ("dev", "test")
DECLINE_STATUSES = (Status.NOT_FOUND, Status.OUT_OF_SCOPE)
RETRIEVAL_DEPTH = 5
_DOSE = re.compile(r"\b\d+(\.\d+)?\s*(mg|milligrams?|mcg|ml|units?)\b", re.IGNORECASE)


class QuestionSetError(ClonusQAError):
    """The question file is missing or a line does not follow the schema."""


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    split: str
    question: str
    history: tuple[dict, ...]
    expected_status: Status
    gold: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    question: Question
    answer: Answer
    seconds: float

    @property
    def correct(self) -> bool:
        """Status right; for answers, gold evidence inside the quoted answer; kind-specific duties met."""
        answer, question = self.answer, self.question
        if answer.status is not question.expected_status:
            return False
        if question.gold and not any(gold in answer.answer for gold in question.gold):
            return False
        if question.kind == "urgent" and not answer.answer.startswith(EMERGENCY_GUIDANCE):
            return False
        if question.kind == "medication" and (MEDICATION_NOTICE not in answer.notices or _DOSE.search(answer.answer)):
            return False
        return True


def load_questions(path: Path = DEFAULT_QUESTIONS_PATH) -> list[Question]:
    if not Path(path).is_file():
        raise QuestionSetError(f"question set {path} not found; pass --questions PATH")
    questions = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            question = Question(
                id=str(item["id"]),
                kind=item["kind"],
                split=item["split"],
                question=item["question"],
                history=tuple(item.get("history") or ()),
                expected_status=Status(item["expected_status"]),
                gold=tuple(item.get("gold") or ()),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise QuestionSetError(f"{path}:{number}: not a valid question ({error})") from error
        if question.kind not in KINDS or question.split not in SPLITS:
            raise QuestionSetError(f"{path}:{number}: kind must be one of {KINDS} and split one of {SPLITS}")
        questions.append(question)
    return questions


def select_split(questions: list[Question], split: str) -> list[Question]:
    if split == "all":
        return list(questions)
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; choose one of: dev, test, all")
    return [q for q in questions if q.split == split]


def _ndcg(relevances: list[bool], depth: int) -> float:
    """Binary-relevance nDCG; the ideal ranking puts every relevant passage found first."""
    gains = [1.0 / math.log2(rank + 2) for rank, relevant in enumerate(relevances[:depth]) if relevant]
    ideal_count = min(sum(relevances), depth) or 1
    ideal = sum(1.0 / math.log2(rank + 2) for rank in range(ideal_count))
    return sum(gains) / ideal


def retrieval_scores(relevance_lists: list[list[bool]]) -> dict[str, float]:
    """hit@1, hit@3, MRR and nDCG@5 over ranked relevance lists (one per question)."""
    if not relevance_lists:
        return {"hit@1": 0.0, "hit@3": 0.0, "mrr": 0.0, "ndcg@5": 0.0}
    n = len(relevance_lists)
    reciprocal = [next((1.0 / (i + 1) for i, r in enumerate(rel) if r), 0.0) for rel in relevance_lists]
    return {
        "hit@1": sum(any(rel[:1]) for rel in relevance_lists) / n,
        "hit@3": sum(any(rel[:3]) for rel in relevance_lists) / n,
        "mrr": sum(reciprocal) / n,
        "ndcg@5": sum(_ndcg(rel, RETRIEVAL_DEPTH) for rel in relevance_lists) / n,
    }


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else 0.0


def summarize(outcomes: list[Outcome], relevance: dict[str, dict[str, list[bool]]], article: str) -> dict:
    """Every reported figure for one group of outcomes."""
    answers = [o.answer for o in outcomes]
    expected_answered = [o for o in outcomes if o.question.expected_status is Status.ANSWERED]
    expected_declines = [o for o in outcomes if o.question.expected_status in DECLINE_STATUSES]
    declined = [o for o in outcomes if o.answer.status in DECLINE_STATUSES]
    urgent = [o for o in outcomes if o.question.kind == "urgent"]
    medication = [o for o in outcomes if o.question.kind == "medication"]
    citations = [c for a in answers for c in a.citations]
    answered = [a for a in answers if a.status is Status.ANSWERED]
    ids = {o.question.id for o in outcomes}
    by_kind = {}
    for kind in KINDS:
        group = [o for o in outcomes if o.question.kind == kind]
        if group:
            by_kind[kind] = sum(o.correct for o in group) / len(group)
    return {
        "n_questions": len(outcomes),
        "overall": _rate(sum(o.correct for o in outcomes), len(outcomes)),
        "by_kind": by_kind,
        "retrievers": {
            name: retrieval_scores([rel for qid, rel in lists.items() if qid in ids]) for name, lists in relevance.items()
        },
        "decline_precision": _rate(sum(o.question.expected_status is o.answer.status for o in declined), len(declined)),
        "decline_recall": _rate(sum(o.answer.status is o.question.expected_status for o in expected_declines), len(expected_declines)),
        "false_decline_rate": _rate(sum(o.answer.status in DECLINE_STATUSES for o in expected_answered), len(expected_answered)),
        "urgent_recall": _rate(sum(o.answer.status is Status.URGENT for o in urgent), len(urgent)),
        "false_urgent_rate": _rate(
            sum(o.answer.status is Status.URGENT for o in outcomes if o.question.kind != "urgent"),
            sum(o.question.kind != "urgent" for o in outcomes),
        ),
        "medication_notice_rate": _rate(sum(MEDICATION_NOTICE in o.answer.notices for o in medication), len(medication)),
        "citation_verbatim_rate": _rate(sum(c.text in article and c.quote in c.text for c in citations), len(citations)),
        "disclaimer_rate": _rate(sum("medical advice" in a.disclaimer for a in answers), len(answers)),
        "mean_answer_chars": statistics.fmean(len(a.answer) for a in answered) if answered else None,
        "latency_ms": {
            "p50": 1000 * _percentile([o.seconds for o in outcomes], 0.50),
            "p95": 1000 * _percentile([o.seconds for o in outcomes], 0.95),
        },
    }


def corpus_text(corpus_dir: Path | None = None) -> str:
    """The original article files, for checking that citations are verbatim."""
    paths = article_paths(corpus_dir or default_corpus_dir())
    return "\n".join(path.read_text(encoding="utf-8") for path in paths)


def evaluate(
    assistant: Assistant,
    questions: list[Question],
    article: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Ask every question once (timed), rank passages with every retriever, and summarise."""
    article = corpus_text() if article is None else article
    outcomes: list[Outcome] = []
    relevance: dict[str, dict[str, list[bool]]] = {kind.value: {} for kind in RetrieverKind}
    for number, question in enumerate(questions, start=1):
        history = [dict(m) for m in question.history]
        started = time.perf_counter()
        answer = assistant.ask(question.question, history)
        outcomes.append(Outcome(question, answer, time.perf_counter() - started))
        if question.gold:
            for kind in RetrieverKind:
                hits = assistant.search(question.question, kind, RETRIEVAL_DEPTH, history=history)
                relevance[kind.value][question.id] = [any(g in hit.chunk.text for g in question.gold) for hit in hits]
        if progress:
            progress(number, len(questions))
    report = summarize(outcomes, relevance, article)
    report["per_split"] = {
        split: summarize([o for o in outcomes if o.question.split == split], relevance, article)
        for split in SPLITS
        if any(o.question.split == split for o in outcomes)
    }
    report["failures"] = [
        {
            "id": o.question.id,
            "kind": o.question.kind,
            "split": o.question.split,
            "question": o.question.question,
            "expected": o.question.expected_status.value,
            "got": o.answer.status.value,
            "answer": o.answer.answer,
        }
        for o in outcomes
        if not o.correct
    ]
    return report


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def markdown_report(report: dict, split: str) -> str:
    lines = [f"# clonus-qa evaluation ({split} split, {report['n_questions']} questions)", ""]
    lines += ["## Answers by split and kind", "", "| kind | " + " | ".join(report["per_split"]) + " | all |"]
    lines.append("|---" * (len(report["per_split"]) + 2) + "|")
    for kind in [*KINDS, "overall"]:
        cells = [
            _fmt(part["by_kind"].get(kind) if kind != "overall" else part["overall"])
            for part in [*report["per_split"].values(), report]
        ]
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    lines += ["", "## Retrievers (passage contains gold evidence)", "", "| retriever | hit@1 | hit@3 | MRR | nDCG@5 |"]
    lines.append("|---|---|---|---|---|")
    for name, scores in report["retrievers"].items():
        lines.append(f"| {name} | " + " | ".join(_fmt(scores[k]) for k in ("hit@1", "hit@3", "mrr", "ndcg@5")) + " |")
    lines += ["", "## Safety and form", "", "| metric | value |", "|---|---|"]
    for key in (
        "decline_precision", "decline_recall", "false_decline_rate", "urgent_recall", "false_urgent_rate",
        "medication_notice_rate", "citation_verbatim_rate", "disclaimer_rate", "mean_answer_chars",
    ):
        lines.append(f"| {key} | {_fmt(report[key])} |")
    lines.append(f"| latency p50 / p95 (ms) | {report['latency_ms']['p50']:.1f} / {report['latency_ms']['p95']:.1f} |")
    if report["failures"]:
        lines += ["", "## Misses", ""]
        for failure in report["failures"]:
            lines.append(
                f"- `{failure['id']}` ({failure['split']}) {failure['question']!r}: expected {failure['expected']}, "
                f"got {failure['got']} — {failure['answer'][:160]!r}"
            )
    return "\n".join(lines) + "\n"


def write_chart(report: dict, path: Path) -> None:
    """Two panels: retrievers side by side, and answer accuracy per kind per split."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    metrics = ("hit@1", "hit@3", "mrr", "ndcg@5")
    names = list(report["retrievers"])
    width = 0.8 / len(names)
    for i, name in enumerate(names):
        values = [report["retrievers"][name][m] for m in metrics]
        left.bar([x + i * width for x in range(len(metrics))], values, width, label=name)
    left.set_xticks([x + width * (len(names) - 1) / 2 for x in range(len(metrics))], metrics)
    left.set_ylim(0, 1.05)
    left.set_title("Retrieval: passage holds the gold evidence")
    left.legend()
    parts = {**report["per_split"], "all": report}
    kinds = [k for k in KINDS if k in report["by_kind"]]
    width = 0.8 / len(parts)
    for i, (split, part) in enumerate(parts.items()):
        values = [part["by_kind"].get(k, 0.0) for k in kinds]
        right.bar([x + i * width for x in range(len(kinds))], values, width, label=split)
    right.set_xticks([x + width * (len(parts) - 1) / 2 for x in range(len(kinds))], kinds, rotation=20)
    right.set_ylim(0, 1.05)
    right.set_title("Answer accuracy by kind")
    right.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
