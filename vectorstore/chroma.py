"""The Chroma component: a persistent local client in the data dir, or a Chroma server when
``PLANQA_CHROMA_URL`` is set, wrapped in ``langchain_chroma.Chroma``.

The collection records the embedder that filled it; opening it with another embedder is a
``ConfigError`` rather than silently meaningless vectors."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from assistant.errors import ConfigError, StoreError

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


def open_collection(client: Any, name: str, embeddings: Embeddings, embedder_name: str) -> Chroma:
    """The langchain ``Chroma`` store for ``name``; cosine space; embedder checked."""
    try:
        store = Chroma(
            collection_name=name,
            embedding_function=embeddings,
            client=client,
            collection_metadata={"hnsw:space": "cosine", "planqa_embedder": embedder_name},
        )
        stored = (store._collection.metadata or {}).get("planqa_embedder")
    except Exception as exc:
        raise StoreError(f"cannot open Chroma collection {name!r}: {exc}") from exc
    if stored and stored != embedder_name:
        raise ConfigError(
            f"collection {name!r} was built with embedder {stored!r}, but PLANQA_EMBEDDER is "
            f"{embedder_name!r}: set PLANQA_EMBEDDER={stored} or choose another PLANQA_COLLECTION"
        )
    return store


def add_chunks(
    store: Chroma, ids: list[str], texts: list[str], metadatas: list[dict[str, Any]], batch: int = 64
) -> None:
    """Upsert chunks (``add_texts`` with ids is an upsert in langchain-chroma)."""
    for i in range(0, len(ids), batch):
        store.add_texts(texts=texts[i : i + batch], metadatas=metadatas[i : i + batch], ids=ids[i : i + batch])


def delete_chunks(store: Chroma, ids: list[str]) -> None:
    for i in range(0, len(ids), 500):
        store.delete(ids=ids[i : i + 500])


def dense_search(
    store: Chroma, vector: list[float], k: int, doc_ids: list[str] | None = None,
    where: dict[str, Any] | None = None,
) -> list[tuple[str, float]]:
    """(chunk id, cosine similarity) of the ``k`` nearest chunks, optionally in ``doc_ids``
    (or matching ``where``, a Chroma metadata filter, when given)."""
    if doc_ids is not None and where is None:
        if not doc_ids:
            return []
        where = {"doc_id": doc_ids[0]} if len(doc_ids) == 1 else {"doc_id": {"$in": doc_ids}}
    # Ids and distances only: text and metadata come from the document store, and asking
    # Chroma for documents and metadatas costs ~6x the query itself.
    found = store._collection.query(
        query_embeddings=[vector], n_results=k, where=where, include=["distances"]  # type: ignore[arg-type]
    )
    ids = (found.get("ids") or [[]])[0]
    distances = (found.get("distances") or [[]])[0]
    return [(cid, 1.0 - float(dist)) for cid, dist in zip(ids, distances, strict=False)]


def stored_ids(store: Chroma) -> set[str]:
    out: set[str] = set()
    offset = 0
    while True:
        got = store._collection.get(include=[], limit=5000, offset=offset)
        ids = got.get("ids") or []
        out.update(ids)
        if len(ids) < 5000:
            return out
        offset += len(ids)
