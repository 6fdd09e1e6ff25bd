"""`clonus-qa` command line: parses, calls the public API, formats. No retrieval here."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import TextIO

import click

from . import Answer, Assistant, ClonusQAError, Status, build_index, export_query_encoder
from .chunking import DEFAULT_CHUNK_OVERLAP_CHARS, DEFAULT_CHUNK_SIZE_CHARS, ChunkerSettings

EXIT_INDEX_PROBLEM = 2
_INDEX_DIR_HELP = "Index folder (default: $CLONUS_QA_INDEX_DIR, else the project's index/)."


class UserFacingError(click.ClickException):
    """A clonus-qa error shown as one line, exit status 2 (index or corpus needs fixing)."""

    exit_code = EXIT_INDEX_PROBLEM


def _load(index_dir: Path | None) -> Assistant:
    try:
        return Assistant.load(index_dir)
    except ClonusQAError as error:
        raise UserFacingError(str(error)) from error


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="clonus-qa")
def cli() -> None:
    """Answers questions about one clonus article by quoting it, with citations.

    \b
    Examples:
        clonus-qa build
        clonus-qa ask "Which drugs do doctors give for clonus?"
        clonus-qa ask --json "What causes clonus?"
    """


@cli.command()
@click.option("--corpus", "corpus_dir", type=click.Path(path_type=Path), help="Folder of .txt/.md articles (default: the project's corpus/).")
@click.option("--index-dir", type=click.Path(path_type=Path), help=_INDEX_DIR_HELP)
@click.option("--model", help="Model name or folder (default: $CLONUS_QA_MODEL, else all-MiniLM-L6-v2).")
@click.option("--chunk-size", default=DEFAULT_CHUNK_SIZE_CHARS, show_default=True, help="Largest passage, in characters.")
@click.option("--chunk-overlap", default=DEFAULT_CHUNK_OVERLAP_CHARS, show_default=True, help="Characters shared by neighbouring passages.")
@click.option("--encoder-only", is_flag=True, help="Only add the ONNX query encoder to an existing index (e.g. after a fresh clone).")
def build(
    corpus_dir: Path | None, index_dir: Path | None, model: str | None, chunk_size: int, chunk_overlap: int, encoder_only: bool
) -> None:
    """Chunk and embed the corpus into the index folder.

    \b
    Examples:
        clonus-qa build
        clonus-qa build --corpus my-articles/ --index-dir /tmp/my-index
        clonus-qa build --encoder-only
    """
    if encoder_only:
        try:
            agreement = export_query_encoder(index_dir, model=model)
        except ClonusQAError as error:
            raise UserFacingError(str(error)) from error
        click.echo(f"Exported the ONNX query encoder (lowest cosine to the index vectors: {agreement:.5f}).", err=True)
        return
    try:
        settings = ChunkerSettings(chunk_size, chunk_overlap)
    except ValueError as error:
        raise click.BadParameter(str(error)) from error
    try:
        index = build_index(corpus_dir, index_dir, model=model, chunker=settings)
    except ClonusQAError as error:
        raise UserFacingError(str(error)) from error
    counts = index.manifest["counts"]
    click.echo(
        f"Indexed {counts['documents']} article(s): {counts['chunks']} passages, "
        f"{counts['sentences']} sentences, model {index.model_name}.",
        err=True,
    )


@cli.command()
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the answer as one JSON object.")
@click.option("--jsonl", is_flag=True, help='Read {"question": ..., "history": [...]} lines on stdin; write one JSON answer per line.')
@click.option("--index-dir", type=click.Path(path_type=Path), help=_INDEX_DIR_HELP)
def ask(question: str | None, as_json: bool, jsonl: bool, index_dir: Path | None) -> None:
    """Answer QUESTION (or stdin) by quoting the article.

    \b
    Examples:
        clonus-qa ask "Which drugs do doctors give for clonus?"
        clonus-qa ask --json "Is clonus contagious?"
        echo "What causes clonus?" | clonus-qa ask
        printf '%s\\n' '{"question": "Is it safe to drive on them?", "history": [{"role": "user", "content": "Which drugs treat clonus?"}]}' | clonus-qa ask --jsonl
    """
    if jsonl:
        if question is not None:
            raise click.UsageError("--jsonl reads questions from stdin; leave out QUESTION")
        _answer_lines(_load(index_dir), click.get_text_stream("stdin"), click.get_text_stream("stdout"))
        return
    if question is None:
        if sys.stdin is None or sys.stdin.isatty():
            raise click.UsageError('give a question, e.g. clonus-qa ask "What causes clonus?"')
        question = click.get_text_stream("stdin").read()
    answer = _load(index_dir).ask(question)
    click.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2) if as_json else format_answer(answer))


@cli.command("eval")
@click.option("--questions", "questions_path", type=click.Path(path_type=Path), help="Question set JSONL (default: tests/questions.jsonl).")
@click.option("--split", type=click.Choice(["dev", "test", "all"]), default="all", show_default=True, help="Which part of the set to run.")
@click.option("--json", "as_json", is_flag=True, help="Print the full report as one JSON object.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Write report.md and report.png here.")
@click.option("--index-dir", type=click.Path(path_type=Path), help=_INDEX_DIR_HELP)
def eval_command(questions_path: Path | None, split: str, as_json: bool, out_dir: Path | None, index_dir: Path | None) -> None:
    """Score the full pipeline on the question set, retrievers side by side.

    \b
    Examples:
        clonus-qa eval
        clonus-qa eval --split test --json
        clonus-qa eval --out artifacts/eval
    """
    from .evaluate import DEFAULT_QUESTIONS_PATH, evaluate, load_questions, markdown_report, select_split, write_chart

    try:
        questions = select_split(load_questions(questions_path or DEFAULT_QUESTIONS_PATH), split)
    except ClonusQAError as error:
        raise click.ClickException(str(error)) from error
    assistant = _load(index_dir)
    report = evaluate(assistant, questions, progress=_progress)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "report.md").write_text(markdown_report(report, split), encoding="utf-8")
        (out_dir / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
        write_chart(report, out_dir / "report.png")
        click.echo(f"Wrote {out_dir / 'report.md'} and {out_dir / 'report.png'}", err=True)
    click.echo(json.dumps(report, indent=2) if as_json else markdown_report(report, split))


def _progress(done: int, total: int) -> None:
    if done % 20 == 0 or done == total:
        click.echo(f"eval: {done}/{total} questions", err=True)


def _answer_lines(assistant: Assistant, lines: TextIO, out: TextIO) -> None:
    """One JSON answer per input line, in order; a bad line gets an `invalid` record and the batch goes on."""
    for line in lines:
        record = _answer_line(assistant, line)
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()


def _answer_line(assistant: Assistant, line: str) -> dict:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        return _invalid(f"line is not JSON ({error.msg} at column {error.colno})")
    if not isinstance(item, dict):
        return _invalid('line must be a JSON object like {"question": "What causes clonus?"}')
    question = item.get("question")
    if not isinstance(question, str):
        return _invalid('"question" must be a string')
    return assistant.ask(question, item.get("history")).to_dict()


def _invalid(error: str) -> dict:
    return {"status": Status.INVALID.value, "error": error}


def format_answer(answer: Answer, width: int = 88) -> str:
    """Readable text: the answer (or guidance) first, then sources, notices, disclaimer."""
    wrap = textwrap.TextWrapper(width=width, subsequent_indent="      ")
    lines = [textwrap.fill(answer.answer, width)]
    if answer.citations:
        lines += ["", "Sources:"]
        for citation in answer.citations:
            lines.append(f"  [{citation.n}] {citation.section} ({citation.doc_id}, relevance {citation.score:.2f})")
            lines.append(wrap.fill(f'      "{citation.text}"'))
    if answer.related:
        lines += ["", "Related reading (does not answer the question):"]
        lines += [f"  - {c.section}: {textwrap.shorten(c.text, 100)}" for c in answer.related]
    if answer.notices:
        lines += [""] + [textwrap.fill(notice, width) for notice in answer.notices]
    if answer.disclaimer:
        lines += ["", textwrap.fill(answer.disclaimer, width)]
    return "\n".join(lines)


def main() -> None:
    cli(prog_name="clonus-qa")
