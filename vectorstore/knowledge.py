"""The knowledge base of one collection: document store + Chroma + BM25 + hybrid retriever.

``KnowledgeBase`` owns the consistency rules between the stores: vectors are written before a
document is published, retired vectors are deleted after, and ``reconcile`` removes vectors
that an interrupted run left behind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from vectorstore.bm25 import BM25Index
from vectorstore.chroma import add_chunks, delete_chunks, make_client, open_collection, stored_ids
from vectorstore.docstore import DocStore, StoredChunk, StoredDocument
from vectorstore.retriever import HybridRetriever


class KnowledgeBase:
    def __init__(
        self,
        index_dir: Path,
        chroma_dir: Path,
        collection: str,
        embeddings: Embeddings,
        embedder_name: str,
        chroma_url: str | None = None,
        top_k: int = 6,
        candidate_k: int = 30,
        rrf_k: int = 60,
    ) -> None:
        index_dir.mkdir(parents=True, exist_ok=True)
        self.embeddings = embeddings
        self.docstore = DocStore(index_dir / "docstore.sqlite3")
        self.client = make_client(chroma_dir, chroma_url)
        self.store = open_collection(self.client, collection, embeddings, embedder_name)
        self.bm25 = BM25Index(index_dir / "bm25", self.docstore)
        self.retriever = HybridRetriever(
            store=self.store, bm25=self.bm25, docstore=self.docstore, k=top_k,
            candidate_k=candidate_k, rrf_k=rrf_k,
        )

    # ------------------------------------------------------------------ writes
    def write_vectors(self, chunks: list[StoredChunk]) -> None:
        add_chunks(
            self.store,
            [c.id for c in chunks],
            [c.embed_text for c in chunks],
            [_chroma_metadata(c.metadata) for c in chunks],
        )

    def publish(self, doc_id: str, replaces_source: str | None) -> list[str]:
        """Make a staged document live (retiring older versions from the same source)."""
        retired = self.docstore.publish_document(doc_id, replaces_source)
        if retired:
            delete_chunks(self.store, retired)
        return retired

    def remove(self, doc_id: str, rebuild: bool = True) -> bool:
        if self.docstore.document(doc_id) is None:
            return False
        ids = self.docstore.remove_document(doc_id)
        delete_chunks(self.store, ids)
        if rebuild:
            self.bm25.rebuild()
        return True

    def reconcile(self) -> int:
        """Delete vectors whose chunk is not in the document store (left by a killed run)."""
        orphans = sorted(stored_ids(self.store) - self.docstore.all_chunk_ids())
        if orphans:
            delete_chunks(self.store, orphans)
        return len(orphans)

    # ------------------------------------------------------------------ reads
    def documents(self) -> list[StoredDocument]:
        return self.docstore.documents()

    @property
    def is_empty(self) -> bool:
        return not self.docstore.documents()

    def vector_count(self) -> int:
        return int(self.store._collection.count())


def _chroma_metadata(meta: dict[str, Any]) -> dict[str, Any]:
    """Chroma metadata values must be scalars."""
    out: dict[str, Any] = {}
    for key, value in meta.items():
        if isinstance(value, (str, int, float, bool)):
            out[key] = value
        elif isinstance(value, (list, tuple)):
            out[key] = ",".join(str(v) for v in value)
    return out
