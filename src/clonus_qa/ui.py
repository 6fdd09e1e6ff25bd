"""The Gradio chat window: a thin face over `Assistant.ask`.

Every piece of text shown — the user's message, the article's passages, the
answer — is HTML-escaped and placed inside a block-level `<div>`, where Markdown is
not interpreted, so whatever anyone typed is displayed as typed and never runs.
The sources of a reply are Gradio "thought" messages (`metadata.title`), which the
Chatbot shows as collapsed accordions under the answer.
"""

from __future__ import annotations

import html
from typing import Any

import gradio as gr

from . import Answer, Assistant, Status
from .feedback import FeedbackLog

TITLE = "clonus-qa — questions about clonus, answered from one article"
INTRO = (
    "Answers come as quotes from one consumer-health article, *Clonus, When the Muscle Continues to "
    "Twitch and Contract*, with the passages they came from. This is not medical advice."
)
EXAMPLE_QUESTIONS = (
    "What causes clonus?",
    "Which drugs do doctors give for clonus?",
    "Can I use an ice pack for the spasms?",
    "How is clonus diagnosed?",
)
# Two cores: a few answers at a time keep every request fast; the rest wait in the queue.
CHAT_CONCURRENCY = 4
CSS = """
.clonus-answer { line-height: 1.5; }
.clonus-urgent { border: 3px solid #b00020; background: #fdecea; color: #5f0010; padding: 0.8em; border-radius: 6px; }
.clonus-urgent-title { font-weight: 700; font-size: 1.1em; display: block; margin-bottom: 0.3em; }
.clonus-decline { border-left: 4px solid #8a6d00; padding-left: 0.6em; }
.clonus-notice { border-left: 4px solid #1f5fbf; padding-left: 0.6em; margin-top: 0.6em; }
.clonus-disclaimer { font-size: 0.85em; opacity: 0.8; margin-top: 0.6em; }
mark.clonus-quote { background: #fff1a8; color: inherit; }
"""


def _text_block(text: str) -> str:
    """Escaped text that keeps its line breaks without ever forming a blank line (which ends an HTML block)."""
    return html.escape(text).replace("\r\n", "\n").replace("\n", "<br>")


def user_message(text: str) -> dict:
    return {"role": "user", "content": f'<div class="clonus-user">{_text_block(text)}</div>'}


def _highlighted_passage(text: str, quote: str) -> str:
    """The passage with its quoted sentence marked; both escaped."""
    start = text.find(quote) if quote else -1
    if start < 0:
        return _text_block(text)
    end = start + len(quote)
    return (
        _text_block(text[:start])
        + f'<mark class="clonus-quote">{_text_block(quote)}</mark>'
        + _text_block(text[end:])
    )


def answer_messages(answer: Answer) -> list[dict]:
    """One reply: the answer with notices and disclaimer, then one collapsed message per source."""
    body = _text_block(answer.answer)
    if answer.status is Status.URGENT:
        body = f'<span class="clonus-urgent-title">⚠ Possible emergency</span>{body}'
        main = f'<div class="clonus-answer clonus-urgent" role="alert">{body}</div>'
    elif answer.status in (Status.NOT_FOUND, Status.OUT_OF_SCOPE, Status.INVALID):
        main = f'<div class="clonus-answer clonus-decline">{body}</div>'
    else:
        main = f'<div class="clonus-answer">{body}</div>'
    extras = "".join(f'<div class="clonus-notice">{_text_block(n)}</div>' for n in answer.notices)
    if answer.disclaimer:
        extras += f'<div class="clonus-disclaimer">{_text_block(answer.disclaimer)}</div>'
    messages = [{"role": "assistant", "content": f"<div>{main}{extras}</div>"}]
    for citation in answer.citations:
        messages.append(_source_message(f"[{citation.n}] {citation.section}", citation.text, citation.quote, citation.score))
    for citation in answer.related:
        messages.append(_source_message(f"Related reading: {citation.section}", citation.text, "", citation.score))
    return messages


def _source_message(title: str, text: str, quote: str, score: float) -> dict:
    return {
        "role": "assistant",
        "content": f'<div class="clonus-source">{_highlighted_passage(text, quote)}</div>',
        "metadata": {"title": html.escape(f"{title} · relevance {score:.2f}"), "status": "done"},
    }


class ChatSession:
    """Turns chat events into `Assistant.ask` calls; the raw conversation lives in a `gr.State`.

    The Chatbot holds escaped display HTML, so the text the user really typed (needed
    to resolve follow-ups) and each reply's answer record (needed for feedback) are
    kept beside it: `{"history": [...], "answers": {chatbot_index: answer_dict}}`.
    """

    def __init__(self, assistant: Assistant, feedback: FeedbackLog) -> None:
        self.assistant = assistant
        self.feedback = feedback

    @staticmethod
    def new_state() -> dict[str, Any]:
        return {"history": [], "answers": {}}

    def respond(self, message: str, chat: list[dict], state: dict[str, Any]) -> tuple[str, list[dict], dict[str, Any]]:
        message = message or ""
        state = state or self.new_state()
        answer = self.assistant.ask(message, state["history"])
        chat = list(chat or []) + [user_message(message)]
        record = answer.to_dict()
        answers = dict(state["answers"])
        for reply in answer_messages(answer):
            answers[str(len(chat))] = record
            chat.append(reply)
        history = state["history"] + [
            {"role": "user", "content": message},
            {"role": "assistant", "content": answer.answer},
        ]
        return "", chat, {"history": history, "answers": answers}

    def record_vote(self, state: dict[str, Any], vote: gr.LikeData) -> None:
        index = vote.index[0] if isinstance(vote.index, (list, tuple)) else vote.index
        record = (state or {}).get("answers", {}).get(str(index))
        if record is not None:
            self.feedback.append(vote.liked is True, record)

    def ask_api(self, question: str, history: list[dict] | None = None) -> dict:
        """API endpoint `/ask`: the Answer JSON for a question and optional history."""
        return self.assistant.ask(question if isinstance(question, str) else "", history).to_dict()


def build_ui(assistant: Assistant, feedback: FeedbackLog | None = None) -> gr.Blocks:
    session = ChatSession(assistant, feedback or FeedbackLog())
    with gr.Blocks(title="clonus-qa") as demo:
        gr.Markdown(f"# {TITLE}\n{INTRO}")
        state = gr.State(session.new_state())
        chatbot = gr.Chatbot(
            label="Conversation",
            height=560,
            sanitize_html=True,
            group_consecutive_messages=True,
            feedback_options=("Like", "Dislike"),
            elem_id="chat",
        )
        with gr.Row():
            textbox = gr.Textbox(
                placeholder="Ask about clonus, e.g. What causes clonus?",
                show_label=False,
                scale=8,
                max_lines=4,
                elem_id="question",
            )
            send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
        gr.Markdown("**Try:**")
        with gr.Row():
            examples = [gr.Button(question, size="sm", elem_classes=["clonus-example"]) for question in EXAMPLE_QUESTIONS]
        clear = gr.Button("New conversation", size="sm")

        outputs = [textbox, chatbot, state]
        textbox.submit(session.respond, [textbox, chatbot, state], outputs, api_visibility="private")
        send.click(session.respond, [textbox, chatbot, state], outputs, api_visibility="private")
        for button in examples:
            button.click(session.respond, [button, chatbot, state], outputs, api_visibility="private")
        clear.click(lambda: ("", [], session.new_state()), None, outputs, api_visibility="private")
        chatbot.like(session.record_vote, [state], None, api_visibility="private")
        gr.api(session.ask_api, api_name="ask")
    demo.queue(default_concurrency_limit=CHAT_CONCURRENCY)
    return demo
