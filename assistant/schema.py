"""The answer format shared by the CLI (``ask --json``, ``batch``), the API and the web chat."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Citation(BaseModel):
    n: int = Field(description="Marker number used in the answer text as [n].")
    doc_id: str
    source: str = Field(description="Path or name of the source file.")
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


class Answer(BaseModel):
    id: Any = None
    question: str
    answer: str
    refused: bool
    mode: str
    citations: list[Citation] = Field(default_factory=list)
    latency_ms: float = 0.0
    # Not part of the public JSON; used by the web chat for "not found" answers.
    nearest: list[Citation] = Field(default_factory=list, exclude=True)

    def public(self) -> dict[str, Any]:
        """The documented JSON object (key order fixed)."""
        return {
            "id": self.id,
            "question": self.question,
            "answer": self.answer,
            "refused": self.refused,
            "mode": self.mode,
            "citations": [c.model_dump() for c in self.citations],
            "latency_ms": round(self.latency_ms, 1),
        }
