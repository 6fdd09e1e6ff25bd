"""Serve the clonus-qa chat window: `python app.py` (or `make run`).

Honours GRADIO_SERVER_NAME (default 127.0.0.1) and GRADIO_SERVER_PORT (default 7860).
The model and index are loaded once, before the server starts.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor

from clonus_qa import Assistant, ClonusQAError


def main() -> None:
    # Importing Gradio takes about 2.7 s here; load the index and encoder meanwhile.
    with ThreadPoolExecutor(max_workers=1) as pool:
        loading = pool.submit(Assistant.load)
        from clonus_qa.ui import CSS, build_ui

        try:
            assistant = loading.result()
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
