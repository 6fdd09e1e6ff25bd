"""Serve the clonus-qa chat window: `python app.py` (or `make run`).

Honours GRADIO_SERVER_NAME (default 127.0.0.1) and GRADIO_SERVER_PORT (default 7860).
The model and index are loaded once, before the server starts.
"""

from __future__ import annotations

import os
import sys

from clonus_qa import Assistant, ClonusQAError
from clonus_qa.ui import CSS, build_ui


def main() -> None:
    try:
        assistant = Assistant.load()
    except ClonusQAError as error:
        sys.exit(f"clonus-qa: {error}")
    demo = build_ui(assistant)
    demo.launch(
        server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
        css=CSS,
        footer_links=["api"],
    )


if __name__ == "__main__":
    main()
