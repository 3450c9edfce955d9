"""The one service the CLI, the web chat and the API share: ingest, search and answer."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.documents import Document

from assistant.compose import Composition, compose_parts
from assistant.conversation import standalone
from assistant.english_words import unit_vectors
from assistant.evidence import Candidate, candidates, refine_terms
from assistant.extractive import Extraction, extract, passage_citation
from assistant.generative import LLM, Generation, generate, llm_rewriter, stream_tokens
from assistant.guard import extractive_sentences
from assistant.led_lists import lead_paragraph
from assistant.lists import compose_list
from assistant.planner import Plan, asks_measures, plan
from assistant.question import Question, Vocabulary, understand
from assistant.schema import Answer, StreamEvent
from assistant.scope import Catalogue, Scope, narrowed_to_quotes, widened
from assistant.scope import resolve as resolve_scope
from assistant.scorer import load_scorer
from assistant.settings import Settings
from assistant.summaries import compose_summary
from assistant.windows import term_matches
from common.cancel import checkpoint
from common.errors import DocumentError, NotFoundError, QuestionError
from common.memory import release_memory
from common.normalize import clean_chars, has_words
from common.places import Gazetteer, default_gazetteer
from common.tokens import tokenize
from ingest.figures import EXTRACTOR_VERSION as FIGURES_VERSION
from ingest.figures import extract_from_chunks as extract_figures
from ingest.loaders import LoadedFile, iter_bytes
from ingest.outline import OutlineNode
from ingest.pipeline import Ingestor, IngestProgress, IngestReport
from prompts import template
from vectorstore.docstore import StoredChunk, StoredDocument
from vectorstore.knowledge import KnowledgeBase
from vectorstore.retriever import SearchRequest

_SURROGATE = re.compile("[\ud800-\udfff]")
NOT_A_QUESTION = "这不是一个问题：请用文字提出关于报告的问题（例如“2024年财政赤字率是多少？”）。 This is not a question: please ask about the reports in words."


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
        self._vocabulary: tuple[int, Vocabulary] | None = None
        self._quoted_docs: tuple[int, dict[str, set[str]]] = (-1, {})
        self.scorer = load_scorer()

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
        try:
            return self.ingestor.ingest_paths(paths, lines=lines, lock=lock, progress=progress)
        finally:
            release_memory()  # a write's freed buffers back to the OS (common/memory.py)

    def ensure_default_corpus(self) -> IngestReport | None:
        """Ingest the default corpus when the collection is empty (first start); a collection
        of an older version (chunk vectors) is upgraded to sentence vectors."""
        if self.kb.is_empty:
            return self.ingest([self.settings.default_corpus])
        self.ingestor.upgrade()
        return None

    def documents(self) -> list[StoredDocument]:
        return self.kb.documents()

    def remove_document(self, doc_id: str) -> bool:
        try:
            return self.kb.remove(doc_id)
        finally:
            release_memory()

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

        try:
            return self.ingestor.ingest_loaded(loaded(), lock, progress)
        finally:
            release_memory()

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

    def outline(self, doc_id: str) -> list[OutlineNode]:
        """The heading tree of a live document."""
        if self.kb.docstore.document(doc_id) is None:
            raise NotFoundError(f"no document {doc_id}")
        return [OutlineNode.from_dict(n) for n in self.kb.docstore.outline(doc_id)]

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
        # A lone UTF-16 surrogate (JSON "\\ud800") is no character: shown as U+FFFD, it can be
        # echoed back and shown in the chat (UTF-8 cannot carry it); clean_chars drops it.
        return _SURROGATE.sub("\ufffd", question.strip())

    def vocabulary(self) -> Vocabulary:
        """Corpus statistics for question terms (rebuilt when the corpus changes)."""
        version = self.kb.docstore.version
        if self._vocabulary is None or self._vocabulary[0] != version:
            bm25 = self.kb.bm25
            self._vocabulary = (version, Vocabulary(bm25.df, bm25.size, bm25.vocabulary, self._embed_words))
        return self._vocabulary[1]

    def gazetteer(self) -> Gazetteer:
        """The gazetteer, knowing the regions of the live documents (a county such as 海城)."""
        gazetteer = default_gazetteer()
        gazetteer.add_known(d.region for d in self.catalogue.docs())
        return gazetteer

    def _embed_words(self, words: list[str]) -> np.ndarray:
        """Unit e5 vectors of short words, in one batch (each word alike as a passage)."""
        return unit_vectors(self.kb.embeddings.embed_documents(words))

    def analyze(self, question: str) -> Question:
        """The question understood, with ``今年``/``去年`` anchored: when it names no year and no
        report, ``今年`` is the year of the latest report it could be about."""
        q = understand(question, self.vocabulary(), self.gazetteer())
        if q.relative_year is None or q.years or q.report_years:
            return q
        scope = self.scope(q)
        pool = [d for d in self.catalogue.docs() if scope.doc_ids is None or d.doc_id in scope.doc_ids]
        latest = max((d.year for d in pool if d.year), default=0)
        if not latest:
            return q
        return replace(q, years=frozenset({latest + q.relative_year}), relative_year=None)

    def scope(self, q: Question) -> Scope:
        """The documents a question is about (years, regions, document types it names)."""
        docs = self.catalogue.docs()
        return narrowed_to_quotes(resolve_scope(q, docs), q, docs, self._documents_containing)

    def _documents_containing(self, phrase: str) -> set[str]:
        """The documents that have ``phrase`` verbatim, remembered until the corpus changes (a
        question's scope is worked out more than once; each lookup scans the stored text)."""
        version = self.kb.docstore.version
        if self._quoted_docs[0] != version:
            self._quoted_docs = (version, {})
        known = self._quoted_docs[1]
        if phrase not in known:
            if len(known) >= 256:
                known.clear()
            known[phrase] = self.kb.docstore.documents_containing(phrase)
        return known[phrase]

    def query_vector(self, q: Question) -> np.ndarray:
        """The question's e5 vector. An English question is also put in Chinese words (its
        places, years and glossed terms) and the two vectors are averaged: e5 matches across
        languages, but less closely than within one. A Chinese question is embedded as it is
        searched: a part of a question (one place, one year) without the other parts' names."""
        text = q.text if q.is_english else (q.search_text or q.text)
        vector = np.asarray(self.kb.embeddings.embed_query(text), dtype=np.float32)
        if not q.is_english:
            return vector
        words = [p.name for p in q.places] + [f"{y}年" for y in sorted(q.years | q.report_years)]
        words += [a for t in q.terms if not t.text.isascii() for a in t.alternatives[:2] if not a.isascii()]
        if not words:
            return vector
        chinese = np.asarray(self.kb.embeddings.embed_query(" ".join(dict.fromkeys(words))), dtype=np.float32)
        both = vector + chinese
        return both / max(float(np.linalg.norm(both)), 1e-9)

    def retrieve(
        self, q: Question, k: int | None = None, scope: Scope | None = None, vector: np.ndarray | None = None
    ) -> list[Document]:
        scope = scope if scope is not None else self.scope(q)
        if scope.doc_ids == []:
            return []
        k = k or self.settings.top_k
        if scope.many:  # one answer per report: look further down the ranking
            k = max(k, 2 * self.settings.top_k)
        query, tokens = q.search_text, list(q.bm25_tokens)
        redundant = scope.redundant_words()
        if redundant:  # the filter enforces them: search with the rest of the question
            for word in redundant:
                query = query.replace(word, "")
            drop = set(tokenize(" ".join(redundant)))
            tokens = [t for t in tokens if t not in drop] or tokens
        checkpoint()
        vector = vector if vector is not None else self.query_vector(q)
        checkpoint()
        return self.kb.retriever.search(SearchRequest(
            query=query, k=k, bm25_tokens=tokens, doc_ids=scope.doc_ids, where=scope.where(),
            vector=vector.tolist()))

    def pool(self, q: Question, docs: list[Document], vector: np.ndarray) -> tuple[Question, list[Candidate]]:
        """The candidate sentences of the retrieved passages (computed once per question)."""
        checkpoint()
        q = refine_terms(q, docs)
        spans = [(str(d.id), str(d.metadata.get("doc_id")), int(d.metadata.get("start", 0)),
                  int(d.metadata.get("end", 0))) for d in docs]
        return q, candidates(q, docs, self.kb.docstore.sentences_in_spans(spans), vector)

    def extract_scoped(self, q: Question, top_k: int | None = None) -> tuple[Extraction, list[Document]]:
        """Extractive answer within the question's scope: a refusal naming a missing year or
        region, per-document answers over many reports, a time filter widened when empty."""
        scope = self.scope(q)
        if scope.refusal:
            return Extraction(scope.refusal, True, [], [], "scope"), []
        vector = self.query_vector(q)
        docs = self.retrieve(q, top_k, scope, vector)
        refined, pool = self.pool(q, docs, vector)
        checkpoint()
        labelled = len(self.catalogue.docs()) > 1
        result = extract(refined, pool, self.scorer, per_document=scope.many, labelled=labelled)
        if result.refused and scope.loose:
            wide = widened(q, self.catalogue.docs(), scope)
            wide_docs = self.retrieve(q, top_k, wide, vector)
            refined, wide_pool = self.pool(q, wide_docs, vector)
            wide_result = extract(refined, wide_pool, self.scorer, labelled=labelled)
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
        if not has_words(clean_chars(text)):
            return self.not_a_question(text, id, started)
        checkpoint()  # each step stops here when the client that asked has gone away
        asked = self.standalone(text, history)
        checkpoint()
        qa = self.analyze(asked)
        checkpoint()
        result, docs = self.compose(plan(qa, self.analyze), top_k)
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
            table=result.table,
            items=result.items,
        )

    def composed(self, p: Plan) -> Composition | None:
        """The answer of a plan of several items (parts, a table, a list, a summary); ``None``
        for a single question, or when no section or enumeration fits a list or summary."""
        if p.kind in ("parts", "table"):
            return compose_parts(self, p)
        if p.kind == "list":
            return compose_list(self, p)
        if p.kind == "summary":
            return compose_summary(self, p)
        return None

    def compose(self, p: Plan, top_k: int | None = None) -> tuple[Composition, list[Document]]:
        """The extractive answer of a plan: parts, a table, a list, a summary, or one answer."""
        composed = self.composed(p)
        if composed is not None:
            return composed, []
        ext, docs = self.extract_scoped(p.question, top_k)
        led = self.measures_led(p, ext)
        if led is not None:
            return led, docs
        return Composition(ext.answer, ext.refused, ext.citations, chosen=ext.chosen), docs

    def measures_led(self, p: Plan, ext: Extraction) -> Composition | None:
        """A question about measures whose best answer is a lead sentence: the measures it
        leads, as a list (one is enough); ``None`` otherwise."""
        if ext.refused or not ext.chosen or not asks_measures(p.question):
            return None
        # (what it leads speaks of the question's topic: a lead closing its paragraph leads
        # the next paragraph's sentences, which say something else)
        return next((led for c in ext.chosen if (led := lead_paragraph(self, p, c, least=1)) is not None
                     and any(term_matches(t, " ".join(led.items)) for t in p.question.terms if t.weight > 0)), None)

    def extract_from_pool(self, q: Question, pool: list[Candidate], many: bool = False) -> Extraction:
        return extract(q, pool, self.scorer, per_document=many, labelled=len(self.catalogue.docs()) > 1)

    def not_a_question(self, text: str, id: Any, started: float) -> Answer:
        """The answer to a message with no words to ask with (punctuation, emoji, a link)."""
        return Answer(id=id, question=text, answer=NOT_A_QUESTION, refused=True, mode=self.settings.answer_mode,
                      citations=[], sentences=[], latency_ms=(time.perf_counter() - started) * 1000, nearest=[])

    def bounded_history(self, history: list[dict[str, str]] | None) -> list[dict[str, str]] | None:
        """The turns of ``history`` a follow-up is read against: the latest ``history_turns``.
        A history over ``max_history_messages`` messages or ``max_history_chars`` characters is
        refused (``QuestionError``): 1,000 messages used to take 22 s."""
        if not history:
            return history
        limit = self.settings.max_history_messages
        if len(history) > limit:
            raise QuestionError(f"history has {len(history)} messages; at most {limit} are accepted "
                                "(PLANQA_MAX_HISTORY_MESSAGES)")
        chars = sum(len(str(m.get("content") or "")) for m in history)
        if chars > self.settings.max_history_chars:
            raise QuestionError(f"history has {chars:,} characters; at most {self.settings.max_history_chars:,} "
                                "are accepted (PLANQA_MAX_HISTORY_CHARS)")
        return history[-2 * self.settings.history_turns :]

    def standalone(self, question: str, history: list[dict[str, str]] | None, llm: LLM | None = None) -> str:
        """The question made standalone from the chat history (rules; the LLM when given and
        ``llm_rewrite`` is on, checked by the rules); only the latest turns are read."""
        history = self.bounded_history(history)
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
        if not has_words(clean_chars(text)):
            yield StreamEvent(type="answer", answer=self.not_a_question(text, id, started))
            return
        checkpoint()
        asked = self.standalone(text, history, llm)
        checkpoint()
        qa = self.analyze(asked)
        checkpoint()
        asked_plan = plan(qa, self.analyze)
        composed = self.composed(asked_plan)
        extracted: tuple[Extraction, list[Document]] | None = None
        if composed is None:
            extracted = self.extract_scoped(qa, top_k)  # scope: years, regions, per report
            composed = self.measures_led(asked_plan, extracted[0])
        if composed is not None:  # parts, lists, tables: the model words the checked items
            raw: list[str] = []
            if not composed.refused:
                msgs = template("compose").format_messages(items=composed.answer, question=qa.text)
                for token in stream_tokens(llm.chat, msgs):
                    raw.append(token)
                    yield StreamEvent(type="token", text=token)
            prose = "".join(raw).strip()
            final = prose if prose and composed.prose_keeps_items(prose) else composed.answer
            if not raw:
                for piece in re.findall(r".{1,8}", final, flags=re.S):
                    yield StreamEvent(type="token", text=piece)
            yield StreamEvent(type="answer", answer=Answer(
                id=id, question=text, answer=final, refused=composed.refused,
                mode=self.settings.answer_mode, citations=composed.citations,
                sentences=extractive_sentences(final) if not composed.refused else [],
                latency_ms=(time.perf_counter() - started) * 1000, table=composed.table, items=composed.items,
            ))
            return
        assert extracted is not None  # worked out above whenever no composition answers
        extraction, docs = extracted
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
