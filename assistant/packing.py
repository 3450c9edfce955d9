"""What a generative prompt shows of the retrieved passages.

On a CPU the time to the first token is the time llama.cpp needs to read the prompt (about
35 tokens/s for the 1.5B model on 2 cores; the system prompt stays cached), so the prompt shows
the *sentences* that bear on the question, not whole chunks:

1. the sentences of the extractive evidence, always (when one does not fit the token budget, its
   answering clauses stand in for it), then other sentences that cover the question about as
   well, best first, while they fit;
2. grouped by passage in order of first use, each passage's sentences in text order, with
   ``……`` where sentences were left out, so the model sees what is contiguous;
3. a sentence shown by an overlapping chunk is not shown again; a title is shown once.

``pack_whole`` is the plain alternative (whole chunks in retrieval order) used by the naive
baseline of ``benchmarks/answers.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from langchain_core.documents import Document

from assistant.evidence import Candidate, sentence_key
from assistant.extractive import Extraction
from assistant.question import Question
from common.textutils import Span
from prompts import format_passage

# Besides the evidence, a sentence is shown when it covers at least this share of the question
# (its terms' weight, the passage's title and section counted with it) ...
MIN_CONTEXT_COVERAGE = 0.5
# ... and its own text at least this share (a heading alone does not make a sentence relevant).
MIN_SENTENCE_COVERAGE = 0.25
# ... and at least this share of what the best evidence sentence covers.
RELATIVE_COVERAGE = 0.8
GAP = "……"


@dataclass
class Packed:
    """The passages of one prompt, numbered from 1, and the text the prompt shows for each."""

    docs: list[Document]
    texts: list[str]


@dataclass
class _Passage:
    doc: Document
    spans: list[Span] = field(default_factory=list)


def _relevant(cands: list[Candidate], extraction: Extraction) -> tuple[list[Candidate], list[Candidate]]:
    """(the evidence sentences, other sentences worth showing best first). Another sentence must
    cover the question about as well as the evidence does: a passing mention of one term is noise
    a small model readily copies."""
    evidence = list(extraction.chosen) or cands[:1]  # no evidence chosen: the best sentence stands in
    best = max((c.sentence_coverage for c in extraction.chosen), default=0.0)
    floor = max(MIN_SENTENCE_COVERAGE, RELATIVE_COVERAGE * best)
    others = [
        c for c in cands
        if not c.rejected and c.context_coverage >= MIN_CONTEXT_COVERAGE and c.sentence_coverage >= floor
    ]
    return evidence, others


def _heading(meta: dict) -> str:
    """The nearest heading of a passage (the full path costs prompt tokens and says little more)."""
    return str(meta.get("section", "")).split(" > ")[-1]


def _render(passages: list[_Passage]) -> list[str]:
    texts: list[str] = []
    last_title = ""
    for n, passage in enumerate(passages, start=1):
        meta = passage.doc.metadata
        content = passage.doc.page_content
        parts: list[str] = []
        prev_end: int | None = None
        for span in sorted(passage.spans, key=lambda s: s.start):
            if prev_end is not None:
                gap = content[prev_end : span.start]
                parts.append(GAP if gap.strip() else ("\n" if "\n" in gap else ""))
            elif span.start > 0 and content[: span.start].strip():
                parts.append(GAP)
            parts.append(span.text)
            prev_end = span.end
        if prev_end is not None and content[prev_end:].strip():
            parts.append(GAP)
        title = str(meta.get("title", ""))
        texts.append(format_passage(n, title if title != last_title else "", _heading(meta), "".join(parts)))
        last_title = title
    return texts


def pack(
    qa: Question,
    docs: list[Document],
    extraction: Extraction,
    count_tokens: Callable[[str], int],
    budget: int,
) -> Packed:
    """The sentences of ``docs`` that bear on the question, within ``budget`` tokens."""
    cands = extraction.pool
    evidence, others = _relevant(cands, extraction)
    passages: list[_Passage] = []
    shown: set[tuple[str, int]] = set()
    used = 0
    for is_evidence, cand in [(True, e) for e in evidence] + [(False, o) for o in others]:
        doc, sentence = cand.doc, cand.sentence
        key = sentence_key(doc, sentence)
        if key in shown:
            continue
        passage = next((p for p in passages if p.doc is doc), None)
        head = 0 if passage else count_tokens(format_passage(1, "", _heading(doc.metadata), ""))
        cost = count_tokens(sentence.text)
        if used + head + cost > budget:
            if not is_evidence:
                continue  # a shorter sentence further down may still fit
            if cand.window.text != sentence.text:  # evidence always goes in: its answering clauses at least
                sentence, cost = cand.window, count_tokens(cand.window.text)
        if passage is None:
            passage = _Passage(doc)
            passages.append(passage)
        passage.spans.append(sentence)
        shown.add(key)
        used += head + cost
    return Packed([p.doc for p in passages], _render(passages))


def pack_whole(docs: list[Document], count_tokens: Callable[[str], int], budget: int) -> Packed:
    """Whole chunks in retrieval order within ``budget`` tokens (the first always)."""
    out = Packed([], [])
    used = 0
    for doc in docs:
        meta = doc.metadata
        text = format_passage(len(out.docs) + 1, str(meta.get("title", "")), str(meta.get("section", "")), doc.page_content)
        tokens = count_tokens(text)
        if out.docs and used + tokens > budget:
            break
        out.docs.append(doc)
        out.texts.append(text)
        used += tokens
    return out
