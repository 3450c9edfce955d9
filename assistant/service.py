"""The one service the CLI, the web chat and the API share: ingest, search and answer."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from langchain_core.documents import Document

from assistant.errors import QuestionError
from assistant.evidence import TermWeights
from assistant.extractive import extract, passage_citation
from assistant.question import QuestionAnalysis, analyze
from assistant.schema import Answer, StreamEvent
from assistant.settings import Settings
from ingest.pipeline import Ingestor, IngestReport
from vectorstore.bm25 import tokenize
from vectorstore.docstore import StoredDocument
from vectorstore.knowledge import KnowledgeBase


class PlanqaService:
    def __init__(self, settings: Settings, kb: KnowledgeBase, ingestor: Ingestor) -> None:
        self.settings = settings
        self.kb = kb
        self.ingestor = ingestor

    # ------------------------------------------------------------------ documents
    def ingest(self, paths: Iterable[Path]) -> IngestReport:
        return self.ingestor.ingest_paths(paths)

    def ensure_default_corpus(self) -> IngestReport | None:
        """Ingest the default corpus when the collection is empty (first start)."""
        if self.kb.is_empty:
            return self.ingest([self.settings.default_corpus])
        return None

    def documents(self) -> list[StoredDocument]:
        return self.kb.documents()

    def remove_document(self, doc_id: str) -> bool:
        return self.kb.remove(doc_id)

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

    def retrieve(self, qa: QuestionAnalysis, k: int | None = None) -> list[Document]:
        return self.kb.retriever.invoke(
            qa.search_text, k=k or self.settings.top_k, bm25_tokens=qa.bm25_tokens
        )

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
        started = time.perf_counter()
        text = self.validate(question)
        qa = self.analyze(text)
        docs = self.retrieve(qa, top_k)
        result = extract(qa, docs)
        nearest = [passage_citation(i, d) for i, d in enumerate(docs[:3], start=1)] if result.refused else []
        return Answer(
            id=id,
            question=text,
            answer=result.answer,
            refused=result.refused,
            mode="extractive",
            citations=result.citations,
            latency_ms=(time.perf_counter() - started) * 1000,
            nearest=nearest,
        )

    def stream(
        self,
        question: Any,
        id: Any = None,
        top_k: int | None = None,
        history: list[dict[str, str]] | None = None,
    ) -> Iterator[StreamEvent]:
        """Tokens as they are produced, then the final answer (see ``StreamEvent``)."""
        answer = self.ask(question, id=id, top_k=top_k, history=history)
        for piece in re.findall(r".{1,8}", answer.answer, flags=re.S):
            yield StreamEvent(type="token", text=piece)
        yield StreamEvent(type="answer", answer=answer)
