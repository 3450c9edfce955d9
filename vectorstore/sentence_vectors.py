"""Exact nearest sentences within a question's scope, from the vectors kept in the document
store (loaded per document on first use, dropped when the store changes).

Chroma answers unscoped searches from its index in a few milliseconds, but a metadata filter
over document ids costs it 40–70 ms on the evaluation collection; a question's scope is usually
a handful of documents, whose few thousand sentences a matrix product searches in about a
millisecond."""

from __future__ import annotations

import threading

import numpy as np

from vectorstore.docstore import DocStore, sentence_id

# Above this many sentences in scope, the search goes to Chroma (with its filter) instead.
MAX_EXACT_SENTENCES = 200_000


class SentenceVectors:
    def __init__(self, docstore: DocStore) -> None:
        self.docstore = docstore
        self._lock = threading.Lock()
        self._version = -1
        self._docs: dict[str, tuple[list[int], np.ndarray]] = {}  # doc id → (starts, vectors)

    def _of(self, doc_id: str) -> tuple[list[int], np.ndarray]:
        version = self.docstore.version
        with self._lock:
            if version != self._version:
                self._docs.clear()
                self._version = version
            cached = self._docs.get(doc_id)
        if cached is not None:
            return cached
        rows = [(s.start, s.vector) for s in self.docstore.sentences_of(doc_id) if s.vector is not None]
        starts = [start for start, _ in rows]
        matrix = np.vstack([v for _, v in rows]).astype(np.float32) if rows else np.zeros((0, 0), np.float32)
        with self._lock:
            self._docs[doc_id] = (starts, matrix)
        return starts, matrix

    def size(self, doc_ids: list[str]) -> int:
        return sum(len(self._of(d)[0]) for d in doc_ids)

    def search(self, vector: list[float], doc_ids: list[str], k: int) -> list[tuple[str, float]]:
        """(sentence id, cosine similarity) of the ``k`` nearest sentences of ``doc_ids``."""
        query = np.asarray(vector, dtype=np.float32)
        scored: list[tuple[float, str]] = []
        for doc_id in doc_ids:
            starts, matrix = self._of(doc_id)
            if not starts:
                continue
            sims = matrix @ query
            top = np.argsort(-sims)[:k]
            scored += [(float(sims[i]), sentence_id(doc_id, starts[i])) for i in top]
        scored.sort(reverse=True)
        return [(sid, sim) for sim, sid in scored[:k]]
