"""Chinese-aware chunking: whole sentences packed up to a token budget, overlap in whole
sentences, never across a heading boundary. Every chunk records its offsets into the cleaned
text, so ``clean.text[chunk.start:chunk.end] == chunk.text``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from common.textutils import Span, split_clauses, split_sentences
from ingest.cleaning import Block, CleanDocument

TokenCounter = Callable[[str], int]


@dataclass(frozen=True)
class ChunkDraft:
    text: str
    start: int
    end: int
    paragraph: int
    kind: str
    headings: tuple[str, ...]


_SOFT_BREAKS = " \t\n、/|·-—"


def split_at_token_limit(span: Span, count: TokenCounter, max_tokens: int) -> list[Span]:
    """Cut a piece with no sentence or clause punctuation into pieces of at most ``max_tokens``
    (at a space or 、 near the limit when there is one). Each piece is found by a binary search
    over a window of the text, so a long run is tokenised in windows, never again as a whole."""
    text, out, pos = span.text, [], 0
    while pos < len(text):
        window = max_tokens * 4
        while pos + window < len(text) and count(text[pos : pos + window]) <= max_tokens:
            window *= 2  # tokens much longer than a character (ASCII runs): look further
        if pos + window >= len(text) and count(text[pos:]) <= max_tokens:
            out.append(Span(text[pos:], span.start + pos, span.end))
            break
        lo, hi = 1, min(window, len(text) - pos)  # longest prefix within the budget
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if count(text[pos : pos + mid]) <= max_tokens:
                lo = mid
            else:
                hi = mid - 1
        cut = max(text.rfind(c, pos + lo * 3 // 4, pos + lo) for c in _SOFT_BREAKS)
        end = cut + 1 if cut > pos else pos + lo
        out.append(Span(text[pos:end], span.start + pos, span.start + end))
        pos = end
    return [s for s in out if s.text.strip()]


def _units(block: Block, count: TokenCounter, max_tokens: int) -> list[Span]:
    """Sentences of a block; a sentence over budget is cut at clause boundaries instead, and a
    clause still over budget (text without punctuation) at the token limit."""
    units: list[Span] = []

    def add(piece: Span) -> None:
        if count(piece.text) <= max_tokens:
            units.append(piece)
        else:
            units.extend(split_at_token_limit(piece, count, max_tokens))

    for sent in split_sentences(block.text, block.start):
        if count(sent.text) <= max_tokens:
            units.append(sent)
            continue
        piece: Span | None = None
        for clause in split_clauses(sent.text, sent.start):
            if piece is None:
                piece = clause
            elif count(piece.text + clause.text) <= max_tokens:
                piece = Span(piece.text + clause.text, piece.start, clause.end)
            else:
                add(piece)
                piece = clause
        if piece is not None:
            add(piece)
    return units


def _segments(blocks: list[Block]) -> list[list[Block]]:
    """Runs of blocks that share a heading path and a kind; non-body blocks stand alone.
    A heading opens the run of the body that follows it."""
    segments: list[list[Block]] = []
    pending_heading: list[Block] = []
    for block in blocks:
        if block.kind == "heading":
            pending_heading.append(block)
            continue
        if block.kind != "body":
            if pending_heading:
                segments.append(pending_heading)
                pending_heading = []
            segments.append([block])
            continue
        section = block.headings[:-1] if block.lead else block.headings
        current = segments[-1] if segments and not pending_heading else None
        if (
            current
            and current[-1].kind == "body"
            and not block.lead
            and (current[-1].headings[:-1] if current[-1].lead else current[-1].headings) == section
        ):
            current.append(block)
        else:
            segments.append([*pending_heading, block])
            pending_heading = []
    if pending_heading:
        segments.append(pending_heading)
    return segments


def chunk_document(
    doc: CleanDocument, count: TokenCounter, max_tokens: int = 160, overlap_sentences: int = 1
) -> list[ChunkDraft]:
    """Pack whole sentences into chunks of at most ``max_tokens`` (a longer sentence is cut at
    its clauses, a longer clause at the token limit), with ``overlap_sentences`` sentences
    repeated at the start of the next chunk."""
    drafts: list[ChunkDraft] = []
    for segment in _segments(doc.blocks):
        body = [b for b in segment if b.kind != "heading"] or segment
        kind = body[0].kind
        headings = body[0].headings if kind != "heading" else segment[-1].headings
        units: list[tuple[Span, int]] = []
        for block in segment:
            units.extend((u, block.index) for u in _units(block, count, max_tokens))
        i = 0
        while i < len(units):
            j = i + 1
            start = units[i][0].start
            # Measure the real span (paragraph breaks count too), adding whole units.
            while j < len(units) and count(doc.text[start : units[j][0].end]) <= max_tokens:
                j += 1
            end = units[j - 1][0].end
            drafts.append(
                ChunkDraft(doc.text[start:end], start, end, units[i][1], kind, tuple(headings))
            )
            if j >= len(units):
                break
            i = max(j - overlap_sentences, i + 1)
    return drafts
