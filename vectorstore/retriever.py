"""Hybrid retrieval as a LangChain ``BaseRetriever``: dense (Chroma) and BM25 (jieba tokens)
candidates fused by reciprocal rank. Chunk text and metadata come from the document store, so
only live chunks are ever returned."""

from __future__ import annotations

from typing import Any

from langchain_chroma import Chroma
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from vectorstore.bm25 import BM25Index, tokenize
from vectorstore.chroma import dense_search
from vectorstore.docstore import DocStore


def reciprocal_rank_fusion(rankings: list[list[str]], k: int = 60) -> list[tuple[str, float]]:
    """Fuse ranked id lists: score(id) = Σ 1 / (k + rank), rank from 1."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: kv[1], reverse=True)


class HybridRetriever(BaseRetriever):
    """Dense + BM25 with reciprocal-rank fusion.

    Extra keyword arguments of ``invoke``: ``bm25_tokens`` (tokens to use instead of the
    query's own), ``doc_ids`` (restrict to these documents), ``where`` (the Chroma filter to use
    for them; default: the doc ids), ``k`` (how many to return).
    Each returned ``Document`` has ``id`` and metadata ``rrf``, ``dense_rank``, ``bm25_rank``,
    ``dense_similarity`` besides the chunk's own metadata."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: Chroma
    bm25: BM25Index
    docstore: DocStore
    k: int = 6
    candidate_k: int = 30
    rrf_k: int = 60

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        k = int(kwargs.get("k") or self.k)
        doc_ids: list[str] | None = kwargs.get("doc_ids")
        tokens: list[str] = kwargs.get("bm25_tokens") or tokenize(query)

        where: dict[str, Any] | None = kwargs.get("where")
        vector = self.store.embeddings.embed_query(query) if self.store.embeddings else None
        dense = dense_search(self.store, vector, self.candidate_k, doc_ids, where) if vector else []
        allowed = set(doc_ids) if doc_ids is not None else None
        lexical = self.bm25.search(tokens, self.candidate_k, allowed_docs=allowed)

        dense_rank = {cid: r for r, (cid, _) in enumerate(dense, start=1)}
        dense_sim = dict(dense)
        bm25_rank = {cid: r for r, (cid, _) in enumerate(lexical, start=1)}
        fused = reciprocal_rank_fusion([[c for c, _ in dense], [c for c, _ in lexical]], self.rrf_k)
        chunks = self.docstore.get_chunks([cid for cid, _ in fused[: k * 3]])
        docs: list[Document] = []
        for cid, score in fused:
            chunk = chunks.get(cid)
            if chunk is None:  # vector of a retired or pending version: not live
                continue
            if allowed is not None and chunk.doc_id not in allowed:  # a `where` wider than the scope
                continue
            meta = dict(chunk.metadata)
            meta.update(
                rrf=score,
                dense_rank=dense_rank.get(cid, 0),
                bm25_rank=bm25_rank.get(cid, 0),
                dense_similarity=dense_sim.get(cid, 0.0),
            )
            docs.append(Document(page_content=chunk.text, metadata=meta, id=cid))
            if len(docs) >= k:
                break
        return docs
