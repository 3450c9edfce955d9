"""The Chroma component: a persistent local client in the data dir, or a Chroma server when
``PLANQA_CHROMA_URL`` is set, wrapped in ``langchain_chroma.Chroma``.

The collection records the embedder that filled it; opening it with another embedder is a
``ConfigError`` rather than silently meaningless vectors."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from chromadb.errors import InternalError
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from common.errors import ConfigError, StoreError

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def make_client(persist_dir: Path, url: str | None = None) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    try:
        if url:
            parsed = urlparse(url if "://" in url else f"http://{url}")
            return chromadb.HttpClient(
                host=parsed.hostname or "127.0.0.1",
                port=parsed.port or 8000,
                ssl=parsed.scheme == "https",
                settings=settings,
            )
        persist_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(persist_dir), settings=settings)
    except Exception as exc:  # chromadb raises ValueError/ConnectionError/... at this boundary
        where = url or str(persist_dir)
        raise StoreError(f"cannot open Chroma at {where}: {exc}") from exc


def open_collection(client: Any, name: str, embeddings: Embeddings, embedder_name: str) -> tuple[Chroma, Any]:
    """The collection ``name`` (cosine space, embedder checked) as a langchain ``Chroma``
    vector store and as chromadb's own ``Collection`` (for precomputed vectors)."""
    try:
        collection = client.get_or_create_collection(
            name, metadata={"hnsw:space": "cosine", "planqa_embedder": embedder_name})
        store = Chroma(collection_name=name, embedding_function=embeddings, client=client)
    except Exception as exc:
        raise StoreError(f"cannot open Chroma collection {name!r}: {exc}") from exc
    stored = (collection.metadata or {}).get("planqa_embedder")
    if stored and stored != embedder_name:
        raise ConfigError(
            f"collection {name!r} was built with embedder {stored!r}, but PLANQA_EMBEDDER is "
            f"{embedder_name!r}: set PLANQA_EMBEDDER={stored} or choose another PLANQA_COLLECTION"
        )
    return store, collection


def add_vectors(
    collection: Any, ids: list[str], vectors: list[list[float]], texts: list[str],
    metadatas: list[dict[str, Any]], batch: int = 512,
) -> None:
    """Upsert precomputed vectors (sentences embedded at ingest) with their text and metadata."""
    for i in range(0, len(ids), batch):
        collection.upsert(ids=ids[i : i + batch], embeddings=vectors[i : i + batch],
                          documents=texts[i : i + batch], metadatas=metadatas[i : i + batch])


def delete_ids(collection: Any, ids: list[str]) -> None:
    for i in range(0, len(ids), 500):
        collection.delete(ids=ids[i : i + 500])


def dense_search(
    collection: Any, vector: list[float], k: int, doc_ids: list[str] | None = None,
    where: dict[str, Any] | None = None,
) -> list[tuple[str, float]]:
    """(id, cosine similarity) of the ``k`` nearest vectors, optionally in ``doc_ids`` (or
    matching ``where``, a Chroma metadata filter, when given)."""
    if doc_ids is not None and where is None:
        if not doc_ids:
            return []
        where = {"doc_id": doc_ids[0]} if len(doc_ids) == 1 else {"doc_id": {"$in": doc_ids}}
    # Ids and distances only: text and metadata come from the document store, and asking
    # Chroma for documents and metadatas costs ~6x the query itself.
    found = _query(collection, vector, k, where)
    ids = (found.get("ids") or [[]])[0]
    distances = (found.get("distances") or [[]])[0]
    return [(cid, 1.0 - float(dist)) for cid, dist in zip(ids, distances, strict=False)]


# A filtered query that runs while a write adds or deletes vectors of a document in its filter
# can fail in Chroma's local engine with a transient InternalError (the vector index and the
# metadata segment briefly disagree: "Error finding id", "Error getting embedding"); it holds
# again a moment later. Measured with 2 readers beside a writer adding and deleting 50 vectors a
# cycle: 18 failures in 1,526 queries, every one gone at its first retry. A persistent internal
# error still surfaces after the last retry (260 ms in all).
RETRY_DELAYS_S = (0.01, 0.05, 0.2)


def _query(collection: Any, vector: list[float], k: int, where: dict[str, Any] | None) -> Any:
    """``collection.query``, retried (a few times, shortly) when it fails with Chroma's
    ``InternalError``; any other error, or that one after the last retry, is raised."""
    for delay in (*RETRY_DELAYS_S, None):
        try:
            return collection.query(query_embeddings=[vector], n_results=k, where=where, include=["distances"])
        except InternalError:
            if delay is None:
                raise
            time.sleep(delay)
    raise AssertionError("unreachable")


def stored_ids(collection: Any) -> set[str]:
    out: set[str] = set()
    offset = 0
    while True:
        got = collection.get(include=[], limit=5000, offset=offset)
        ids = got.get("ids") or []
        out.update(ids)
        if len(ids) < 5000:
            return out
        offset += len(ids)
