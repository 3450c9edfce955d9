"""One factory: settings in, wired components out (embedder, vector store, LLM)."""

from __future__ import annotations

import threading

from assistant.llm import make_llm
from assistant.service import PlanqaService
from assistant.settings import Settings, get_settings
from ingest.pipeline import Ingestor
from vectorstore.embeddings import make_embeddings
from vectorstore.knowledge import KnowledgeBase

_lock = threading.Lock()
_services: dict[str, PlanqaService] = {}


def build_service(settings: Settings | None = None) -> PlanqaService:
    """A service for ``settings`` (cached per settings, so the models load once per process)."""
    settings = settings or get_settings()
    key = settings.model_dump_json()
    with _lock:
        if key in _services:
            return _services[key]
        embeddings = make_embeddings(settings.embedder, settings.query_embed_tokens)
        kb = KnowledgeBase(
            index_dir=settings.index_dir,
            chroma_dir=settings.chroma_dir,
            collection=settings.collection,
            embeddings=embeddings,
            embedder_name=embeddings.name,
            chroma_url=settings.chroma_url or None,
            top_k=settings.top_k,
            candidate_k=settings.candidate_k,
            rrf_k=settings.rrf_k,
        )
        ingestor = Ingestor(
            kb,
            count_tokens=embeddings.count_tokens,
            max_tokens=settings.chunk_tokens,
            overlap_sentences=settings.chunk_overlap_sentences,
            progress=settings.progress,
            batch_chunks=settings.ingest_batch_chunks,
            limits=settings.limits,
        )
        service = PlanqaService(settings, kb, ingestor, llm_factory=lambda: make_llm(settings))
        _services[key] = service
        return service
