"""The knowledge base of one collection: document store + Chroma + BM25 + hybrid retriever.

``KnowledgeBase`` owns the consistency rules between the stores: sentence vectors are written
to Chroma before a document is published, retired vectors are deleted after, and ``reconcile``
removes vectors that an interrupted run left behind."""

from __future__ import annotations

from pathlib import Path

from langchain_core.embeddings import Embeddings

from vectorstore.bm25 import BM25Index
from vectorstore.chroma import add_vectors, delete_ids, make_client, open_collection, stored_ids
from vectorstore.docstore import DocStore, StoredDocument, StoredSentence
from vectorstore.retriever import HybridRetriever
from vectorstore.sentence_vectors import SentenceVectors


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
        self.store, self.collection = open_collection(self.client, collection, embeddings, embedder_name)
        self.bm25 = BM25Index(index_dir / "bm25", self.docstore)
        self.retriever = HybridRetriever(
            store=self.store, collection=self.collection, bm25=self.bm25, docstore=self.docstore,
            exact=SentenceVectors(self.docstore), k=top_k,
            candidate_k=candidate_k, rrf_k=rrf_k,
        )

    # ------------------------------------------------------------------ writes
    def write_vectors(self, sentences: list[StoredSentence]) -> None:
        """Sentence vectors (computed at ingest, kept in the document store) into Chroma."""
        rows = [t for t in sentences if t.vector is not None]
        add_vectors(
            self.collection,
            [t.id for t in rows],
            [t.vector.tolist() for t in rows if t.vector is not None],
            [t.text for t in rows],
            [{"doc_id": t.doc_id, "chunk_id": t.chunk_id, "start": t.start} for t in rows],
        )

    def publish(self, doc_id: str, replaces_source: str | None) -> list[str]:
        """Make a staged document live (retiring older versions from the same source)."""
        retired = self.docstore.publish_document(doc_id, replaces_source)
        if retired:
            delete_ids(self.collection, retired)
        return retired

    def remove(self, doc_id: str, rebuild: bool = True) -> bool:
        if self.docstore.document(doc_id) is None:
            return False
        ids = self.docstore.remove_document(doc_id)
        delete_ids(self.collection, ids)
        if rebuild:
            self.bm25.rebuild()
        return True

    def reconcile(self) -> int:
        """Delete vectors whose chunk is not in the document store (left by a killed run)."""
        orphans = sorted(stored_ids(self.collection) - self.docstore.all_sentence_ids())  # also old chunk vectors
        if orphans:
            delete_ids(self.collection, orphans)
        return len(orphans)

    # ------------------------------------------------------------------ reads
    def documents(self) -> list[StoredDocument]:
        return self.docstore.documents()

    @property
    def is_empty(self) -> bool:
        return not self.docstore.documents()

    def vector_count(self) -> int:
        return int(self.collection.count())
