"""The one service the CLI, the web chat and the API share: ingest, search and answer."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from langchain_core.documents import Document

from assistant.conversation import standalone
from assistant.errors import DocumentError, QuestionError
from assistant.evidence import TermWeights
from assistant.extractive import Extraction, extract, passage_citation
from assistant.generative import LLM, Generation, generate, llm_rewriter
from assistant.guard import extractive_sentences
from assistant.question import QuestionAnalysis, analyze
from assistant.schema import Answer, StreamEvent
from assistant.scope import Catalogue, Scope, discount_scope_terms, widened
from assistant.scope import resolve as resolve_scope
from assistant.settings import Settings
from ingest.figures import EXTRACTOR_VERSION as FIGURES_VERSION
from ingest.figures import extract_from_chunks as extract_figures
from ingest.loaders import LoadedFile, iter_bytes
from ingest.pipeline import Ingestor, IngestProgress, IngestReport
from vectorstore.bm25 import tokenize
from vectorstore.docstore import StoredChunk, StoredDocument
from vectorstore.knowledge import KnowledgeBase


class PlanqaService:
    def __init__(
        self,
        settings: Settings,
        kb: KnowledgeBase,
        ingestor: Ingestor,
        llm_factory: Callable[[], LLM | None] | None = None,
    ) -> None:
        self.settings = settings
        self.kb = kb
        self.ingestor = ingestor
        self.catalogue = Catalogue(kb.docstore.documents, lambda: kb.docstore.version)
        self._llm_factory = llm_factory
        self._llm: LLM | None = None
        self._llm_lock = threading.Lock()

    def llm(self) -> LLM | None:
        """The chat model of a generative answer mode, built on first use (``None`` in extractive)."""
        if self._llm is None and self._llm_factory is not None and self.settings.answer_mode != "extractive":
            with self._llm_lock:  # one model, also when a preload and a first question race
                if self._llm is None:
                    self._llm = self._llm_factory()
        return self._llm

    # ------------------------------------------------------------------ documents
    def ingest(self, paths: Iterable[Path], lines: bool = False, lock: AbstractContextManager[Any] | None = None,
               progress: Callable[[IngestProgress], None] | None = None) -> IngestReport:
        """Ingest files and folders; ``lines``: each line of a file is one document. ``lock`` is
        held only while the stores change state (see ``Ingestor.ingest_loaded``)."""
        return self.ingestor.ingest_paths(paths, lines=lines, lock=lock, progress=progress)

    def ensure_default_corpus(self) -> IngestReport | None:
        """Ingest the default corpus when the collection is empty (first start)."""
        if self.kb.is_empty:
            return self.ingest([self.settings.default_corpus])
        return None

    def documents(self) -> list[StoredDocument]:
        return self.kb.documents()

    def remove_document(self, doc_id: str) -> bool:
        return self.kb.remove(doc_id)

    def ingest_files(self, files: Iterable[tuple[str, bytes]], lock: AbstractContextManager[Any] | None = None,
                     progress: Callable[[IngestProgress], None] | None = None) -> IngestReport:
        """Ingest uploaded files given as ``(name, content)``. Each goes through the loader
        registry (``iter_bytes``, an archive's members one at a time); one that cannot be loaded
        is listed in ``failed`` with its reason and the others still go in."""

        def loaded() -> Iterator[LoadedFile | DocumentError]:
            for name, data in files:
                try:
                    yield from iter_bytes(name, data, self.ingestor.limits)
                except DocumentError as exc:
                    yield exc

        return self.ingestor.ingest_loaded(loaded(), lock, progress)

    def figures(self) -> list[dict[str, Any]]:
        """Every figure and target of the live documents (see ``ingest/figures.py``); documents
        stored by an older extractor are re-extracted from their chunks first."""
        store = self.kb.docstore
        if store.get_state("figures_version") != FIGURES_VERSION:
            for doc in store.documents():
                rows = extract_figures(store.chunks_of(doc.doc_id), int(doc.meta.get("year") or 0))
                store.set_figures(doc.doc_id, [r.public() for r in rows])
            store.set_state("figures_version", FIGURES_VERSION)
        return store.figures()

    def passage(self, chunk_id: str) -> StoredChunk | None:
        """One live passage by id (to open the source of a figure)."""
        return self.kb.docstore.get_chunk(chunk_id)

    # ------------------------------------------------------------------ questions
    def validate(self, question: Any) -> str:
        if not isinstance(question, str) or not question.strip():
            raise QuestionError("question is empty")
        if len(question) > self.settings.max_question_chars:
            raise QuestionError(
                f"question is too long ({len(question)} characters; the limit is "
                f"{self.settings.max_question_chars})"
            )
        return question.strip()

    def analyze(self, question: str) -> QuestionAnalysis:
        qa = analyze(question)
        TermWeights(self.kb.bm25.df, self.kb.bm25.size, tokenize).weigh(qa)
        return qa

    def scope(self, qa: QuestionAnalysis) -> Scope:
        """The documents a question is about (years, regions, document types it names)."""
        return resolve_scope(qa, self.catalogue.docs())

    def retrieve(self, qa: QuestionAnalysis, k: int | None = None, scope: Scope | None = None) -> list[Document]:
        scope = scope if scope is not None else self.scope(qa)
        if scope.doc_ids == []:
            return []
        k = k or self.settings.top_k
        if scope.many:  # one answer per report: look further down the ranking
            k = max(k, 2 * self.settings.top_k)
        query, tokens = qa.search_text, qa.bm25_tokens
        redundant = scope.redundant_words()
        if redundant:  # the filter enforces them: search with the rest of the question
            for word in redundant:
                query = query.replace(word, "")
            drop = set(tokenize(" ".join(redundant)))
            tokens = [t for t in tokens if t not in drop] or tokens
        return self.kb.retriever.invoke(
            query, k=k, bm25_tokens=tokens, doc_ids=scope.doc_ids, where=scope.where()
        )

    def extract_scoped(self, qa: QuestionAnalysis, top_k: int | None = None) -> tuple[Extraction, list[Document]]:
        """Extractive answer within the question's scope: a refusal naming a missing year or
        region, per-document answers over many reports, a time filter widened when empty."""
        scope = self.scope(qa)
        if scope.refusal:
            return Extraction(scope.refusal, True, [], [], "scope"), []
        discount_scope_terms(qa, scope)
        docs = self.retrieve(qa, top_k, scope)
        result = extract(qa, docs, per_document=scope.many)
        if result.refused and scope.loose:
            wide = widened(qa, self.catalogue.docs(), scope)
            wide_docs = self.retrieve(qa, top_k, wide)
            wide_result = extract(qa, wide_docs)
            if not wide_result.refused:
                return wide_result, wide_docs
        return result, docs

    def search(self, query: str, k: int | None = None) -> list[Document]:
        return self.retrieve(self.analyze(self.validate(query)), k)

    def ask(
        self,
        question: Any,
        id: Any = None,
        top_k: int | None = None,
        history: list[dict[str, str]] | None = None,
    ) -> Answer:
        """Answer one question. ``history`` is the chat so far as ``{"role", "content"}``
        messages (oldest first); follow-ups are made standalone from it."""
        if self.settings.answer_mode != "extractive":
            final = None
            for event in self.stream(question, id=id, top_k=top_k, history=history):
                final = event.answer or final
            assert final is not None
            return final
        started = time.perf_counter()
        text = self.validate(question)
        qa = self.analyze(self.standalone(text, history))
        result, docs = self.extract_scoped(qa, top_k)
        nearest = [passage_citation(i, d) for i, d in enumerate(docs[:3], start=1)] if result.refused else []
        return Answer(
            id=id,
            question=text,
            answer=result.answer,
            refused=result.refused,
            mode="extractive",
            citations=result.citations,
            sentences=extractive_sentences(result.answer) if not result.refused else [],
            latency_ms=(time.perf_counter() - started) * 1000,
            nearest=nearest,
        )

    def standalone(self, question: str, history: list[dict[str, str]] | None, llm: LLM | None = None) -> str:
        """The question made standalone from the chat history (rules; the LLM when given and
        ``llm_rewrite`` is on, checked by the rules)."""
        if not history:
            return question
        rewriter = llm_rewriter(llm) if llm is not None and self.settings.llm_rewrite else None
        return standalone(question, history, rewriter)

    def stream(
        self,
        question: Any,
        id: Any = None,
        top_k: int | None = None,
        history: list[dict[str, str]] | None = None,
    ) -> Iterator[StreamEvent]:
        """Tokens as they are produced, then the final answer (see ``StreamEvent``)."""
        llm = self.llm()
        if llm is not None:
            yield from self._stream_generated(llm, question, id, top_k, history)
            return
        answer = self.ask(question, id=id, top_k=top_k, history=history)
        for piece in re.findall(r".{1,8}", answer.answer, flags=re.S):
            yield StreamEvent(type="token", text=piece)
        yield StreamEvent(type="answer", answer=answer)

    def _stream_generated(
        self, llm: LLM, question: Any, id: Any, top_k: int | None, history: list[dict[str, str]] | None
    ) -> Iterator[StreamEvent]:
        """Generative modes: real model tokens, then the answer the grounding guard let through."""
        started = time.perf_counter()
        text = self.validate(question)
        qa = self.analyze(self.standalone(text, history, llm))
        extraction, docs = self.extract_scoped(qa, top_k)  # scope: years, regions, per report
        state = Generation([])
        for token in generate(llm, qa, qa.text, docs, extraction, self.settings.llm_passage_tokens, state):
            yield StreamEvent(type="token", text=token)
        checked = state.guard
        assert checked is not None
        nearest = [passage_citation(i, d) for i, d in enumerate(docs[:3], start=1)] if checked.refused else []
        yield StreamEvent(type="answer", answer=Answer(
            id=id, question=text, answer=checked.answer, refused=checked.refused,
            mode=self.settings.answer_mode, citations=checked.citations, sentences=checked.sentences,
            latency_ms=(time.perf_counter() - started) * 1000, nearest=nearest,
        ))
