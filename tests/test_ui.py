"""The chat window: rendering units, then a real Chromium against the running app."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from clonus_qa import Answer, Citation, Status
from clonus_qa.ui import answer_messages, user_message

PROJECT_DIR = Path(__file__).resolve().parents[1]
ARTIFACTS = PROJECT_DIR / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
MARKUP = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> **bold** what causes clonus?'


def test_user_text_is_escaped_inside_a_block_so_markdown_and_html_stay_text():
    content = user_message(MARKUP + "\n\n# heading")["content"]
    assert "<img" not in content and "<script" not in content
    assert "&lt;script&gt;" in content and "\n" not in content


def test_reply_has_answer_disclaimer_and_collapsed_sources_with_the_quote_marked():
    citation = Citation(1, "clonus.txt", "1. Drug consumption", "A <b>x</b>. Quoted one. After.", "Quoted one.", 0.8, 0, 30)
    answer = Answer(Status.ANSWERED, "q", 'According to the article: "Quoted one." [1]', (citation,), "not medical advice")
    main, source = answer_messages(answer)
    assert "medical advice" in main["content"] and "[1]" in main["content"]
    assert source["metadata"] == {"title": "[1] 1. Drug consumption · relevance 0.80", "status": "done"}
    assert '<mark class="clonus-quote">Quoted one.</mark>' in source["content"]
    assert "&lt;b&gt;" in source["content"]


def test_urgent_reply_is_styled_as_an_alert():
    (main,) = answer_messages(Answer(Status.URGENT, "q", "Call now.", disclaimer="not medical advice"))
    assert 'class="clonus-answer clonus-urgent" role="alert"' in main["content"]


# ---------------------------------------------------------------- real browser

def _chromium_or_skip() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} not installed (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests must run in CI: {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    feedback = tmp_path_factory.mktemp("feedback") / "feedback.jsonl"
    port = _free_port()
    env = dict(os.environ, GRADIO_SERVER_PORT=str(port), GRADIO_SERVER_NAME="127.0.0.1",
               CLONUS_QA_FEEDBACK_PATH=str(feedback), HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False")
    log = tmp_path_factory.mktemp("log") / "app.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, str(PROJECT_DIR / "app.py")], env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"app did not start: {log.read_text()[-2000:]}")
            time.sleep(0.3)
    yield {"url": url, "feedback": feedback}
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser, app_server):
    page = browser.new_page(viewport={"width": 1100, "height": 1300})
    page.goto(app_server["url"])
    page.wait_for_selector("#question textarea")
    yield page
    page.close()


def _ask(page, question: str, replies_before: int) -> None:
    page.fill("#question textarea", question)
    page.press("#question textarea", "Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#chat .clonus-answer').length > n", arg=replies_before, timeout=30_000
    )




@pytest.mark.browser
@pytest.mark.model
def test_answer_with_citation_and_disclaimer(page):
    _ask(page, "Which drugs do doctors give for clonus?", 0)
    chat = page.inner_text("#chat")
    assert "According to the article" in chat and "[1]" in chat and "Baclofen" in chat
    assert "medical advice" in chat
    assert "1. Drug consumption" in chat  # the source accordion's title
    page.get_by_text("[1] 1. Drug consumption").first.click()
    highlighted = page.locator("#chat mark.clonus-quote").first
    highlighted.wait_for(state="visible", timeout=10_000)
    assert highlighted.inner_text().startswith("Baclofen (Lioresal)")
    page.wait_for_timeout(800)  # let the accordion finish opening before the screenshot
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui-answer.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.model
def test_example_button_asks_and_followup_uses_history(page):
    page.click("button.clonus-example >> nth=1")
    page.wait_for_function("() => document.querySelectorAll('#chat .clonus-answer').length > 0", timeout=30_000)
    _ask(page, "Is it safe to drive on them?", 1)
    last = page.locator("#chat .clonus-answer").last.inner_text()
    assert "driving" in last or "drowsiness" in last


@pytest.mark.browser
@pytest.mark.model
def test_urgent_reply_shows_a_warning_first(page):
    _ask(page, "my wife's face is drooping and she can't lift her arm", 0)
    alert = page.locator("#chat .clonus-urgent").last
    assert alert.is_visible()
    text = alert.inner_text()
    assert text.index("Possible emergency") < text.index("emergency number")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui-urgent.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.model
def test_like_is_saved_with_question_answer_and_citations(page, app_server):
    _ask(page, "How is clonus diagnosed?", 0)
    page.locator("#chat button[aria-label='Like']").first.click()
    feedback: Path = app_server["feedback"]
    deadline = time.monotonic() + 15
    while not (feedback.exists() and feedback.read_text().strip()):
        assert time.monotonic() < deadline, "no feedback record written"
        time.sleep(0.2)
    record = json.loads(feedback.read_text().splitlines()[-1])
    assert record["liked"] is True and record["question"] == "How is clonus diagnosed?"
    assert record["answer"].startswith("According to the article") and record["citations"]


@pytest.mark.browser
@pytest.mark.model
def test_markup_in_a_question_is_shown_as_text_and_never_runs(page):
    _ask(page, MARKUP, 0)
    assert page.evaluate("() => window.__pwned === undefined")
    assert page.locator("#chat img[src='x']").count() == 0
    assert page.locator("#chat strong", has_text="bold").count() == 0
    assert "<script>window.__pwned=2</script>" in page.inner_text("#chat")


@pytest.mark.model
def test_api_endpoint_answers_through_gradio_client(app_server):
    from gradio_client import Client

    client = Client(app_server["url"], verbose=False)
    first = client.predict("Which drugs are used for clonus?", [], api_name="/ask")
    assert first["status"] == "answered" and first["citations"]
    history = [{"role": "user", "content": "Which drugs are used for clonus?"}, {"role": "assistant", "content": first["answer"]}]
    followup = client.predict("Is it safe to drive on them?", history, api_name="/ask")
    assert "driving" in followup["answer"]
