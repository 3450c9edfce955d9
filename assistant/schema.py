"""The answer format shared by the CLI (``ask --json``, ``batch``), the API and the web chat."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from assistant.public import public_source


class Citation(BaseModel):
    n: int = Field(description="Marker number used in the answer text as [n].")
    doc_id: str
    source: str = Field(description="The source file (its name, an archive member or a line kept: "
                        "'bundle.zip!/a.txt', 'news.txt#L12', in the API and the web chat; the CLI shows its path).")
    title: str
    section: str = Field(description="Heading path of the passage; non-body passages carry their label.")
    text: str = Field(description="The cited chunk as stored.")
    quote: str = Field(description="The supporting sentence(s): a verbatim substring of text.")
    start: int = Field(description="Offset of quote in text.")
    end: int = Field(description="End offset of quote in text (text[start:end] == quote).")


class SentenceCheck(BaseModel):
    """One sentence of a generated answer and whether its figures were found in its citations."""

    text: str
    citations: list[int]
    verified: bool


class Table(BaseModel):
    """A table of an answer (a trend over years, a comparison): its rows are lists of cells,
    the last cell of a row is the citation marker (``[n]``) or empty when the row is missing."""

    columns: list[str]
    rows: list[list[str]]
    note: str = Field(default="", description="What the table leaves out (rows capped), if anything.")


class Answer(BaseModel):
    id: Any = None
    question: str
    answer: str
    refused: bool
    mode: str
    citations: list[Citation] = Field(default_factory=list)
    sentences: list[SentenceCheck] = Field(
        default_factory=list,
        description="Each sentence of the answer, the citations it rests on and whether its figures "
        "were found in them (extractive sentences are verbatim clauses, verified by construction).",
    )
    latency_ms: float = 0.0
    table: Table | None = Field(default=None, description="Structured rows of a trend or comparison answer.")
    items: list[str] = Field(default_factory=list, description="The items of a list answer, each with its [n].")
    # Not part of the public JSON; used by the web chat for "not found" answers.
    nearest: list[Citation] = Field(default_factory=list, exclude=True)

    def public(self, server_paths: bool = False) -> dict[str, Any]:
        """The documented JSON object (key order fixed). Sources are file names, not paths on
        the server, unless ``server_paths`` (the CLI: the operator's own tool)."""
        citations = [c.model_dump() for c in self.citations]
        if not server_paths:
            citations = [{**c, "source": public_source(c["source"])} for c in citations]
        return {
            "id": self.id,
            "question": self.question,
            "answer": self.answer,
            "refused": self.refused,
            "mode": self.mode,
            "citations": citations,
            "sentences": [s.model_dump() for s in self.sentences],
            "latency_ms": round(self.latency_ms, 1),
            **({"table": self.table.model_dump()} if self.table is not None else {}),
            **({"items": list(self.items)} if self.items else {}),
        }


class StreamEvent(BaseModel):
    """One event of ``PlanqaService.stream``: ``token`` events carry answer text as it is
    produced (``text``); the last event is ``answer`` and carries the final, checked ``Answer``.
    The final answer may differ from the concatenated tokens (the grounding guard can repair
    or replace a generated answer); clients must show the final one."""

    type: str  # "token" | "answer"
    text: str = ""
    answer: Answer | None = None
