"""Hybrid retrieval as a LangChain ``BaseRetriever``: dense candidates (the nearest sentences,
each standing for the chunk that holds it: from Chroma's index, or exactly within a scope of a
few documents, ``sentence_vectors.py``) and BM25 candidates (chunks, jieba tokens) fused by
reciprocal rank. Chunk text and metadata come from the document store, so only live
chunks are ever returned."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from langchain_chroma import Chroma
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from common.tokens import tokenize
from vectorstore.bm25 import BM25Index
from vectorstore.chroma import dense_search
from vectorstore.docstore import DocStore
from vectorstore.sentence_vectors import MAX_EXACT_SENTENCES, SentenceVectors


def reciprocal_rank_fusion(rankings: list[list[str]], k: int = 60) -> list[tuple[str, float]]:
    """Fuse ranked id lists: score(id) = Σ 1 / (k + rank), rank from 1."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: kv[1], reverse=True)


@dataclass
class SearchRequest:
    """One retrieval: the query text, and what narrows or replaces parts of it."""

    query: str
    k: int = 0  # chunks to return (0: the retriever's default)
    bm25_tokens: list[str] = field(default_factory=list)  # instead of the query's own tokens
    doc_ids: list[str] | None = None  # only these documents
    where: dict[str, Any] | None = None  # the Chroma filter for them (default: the doc ids)
    vector: list[float] | None = None  # the query's vector, when already computed


class HybridRetriever(BaseRetriever):
    """Dense (sentences) + BM25 (chunks) with reciprocal-rank fusion.

    ``invoke(query)`` searches everything; :meth:`search` takes a :class:`SearchRequest`.
    Each returned ``Document`` is a chunk, with ``id`` and metadata ``rrf``, ``dense_rank``,
    ``bm25_rank``, ``dense_similarity`` (its best sentence's) and ``dense_hits`` (offset of each
    of its sentences among the dense hits → similarity) besides the chunk's own metadata."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: Chroma
    collection: Any
    bm25: BM25Index
    docstore: DocStore
    exact: SentenceVectors
    k: int = 6
    candidate_k: int = 30
    rrf_k: int = 60

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        return self.search(SearchRequest(query=query, k=int(kwargs.get("k") or 0)))

    def search(self, request: SearchRequest) -> list[Document]:
        k = request.k or self.k
        tokens = request.bm25_tokens or tokenize(request.query)
        vector = request.vector
        if vector is None and self.store.embeddings is not None:
            vector = self.store.embeddings.embed_query(request.query)
        hits: list[tuple[str, float]] = []
        if vector and request.doc_ids is not None and self.exact.size(request.doc_ids) <= MAX_EXACT_SENTENCES:
            hits = self.exact.search(vector, request.doc_ids, 2 * self.candidate_k)
        elif vector:
            hits = dense_search(self.collection, vector, 2 * self.candidate_k, request.doc_ids, request.where)
        allowed = set(request.doc_ids) if request.doc_ids is not None else None
        lexical = self.bm25.search(tokens, self.candidate_k, allowed_docs=allowed)

        sentences = self.docstore.sentences_by_id([sid for sid, _ in hits])
        dense_chunks: list[str] = []
        chunk_hits: dict[str, dict[int, float]] = {}
        for sid, sim in hits:
            sentence = sentences.get(sid)
            if sentence is None:  # retired or pending
                continue
            if sentence.chunk_id not in chunk_hits:
                dense_chunks.append(sentence.chunk_id)
                chunk_hits[sentence.chunk_id] = {}
            chunk_hits[sentence.chunk_id][sentence.start] = sim
        dense_rank = {cid: r for r, cid in enumerate(dense_chunks, start=1)}
        bm25_rank = {cid: r for r, (cid, _) in enumerate(lexical, start=1)}
        fused = reciprocal_rank_fusion([dense_chunks[: self.candidate_k], [c for c, _ in lexical]], self.rrf_k)
        chunks = self.docstore.get_chunks([cid for cid, _ in fused[: k * 3]])
        docs: list[Document] = []
        for cid, score in fused:
            chunk = chunks.get(cid)
            if chunk is None:  # a retired or pending version: not live
                continue
            if allowed is not None and chunk.doc_id not in allowed:  # a `where` wider than the scope
                continue
            meta = dict(chunk.metadata)
            found = chunk_hits.get(cid, {})
            meta.update(
                rrf=score,
                dense_rank=dense_rank.get(cid, 0),
                bm25_rank=bm25_rank.get(cid, 0),
                dense_similarity=max(found.values(), default=0.0),
                dense_hits=found,
            )
            docs.append(Document(page_content=chunk.text, metadata=meta, id=cid))
            if len(docs) >= k:
                break
        return docs
