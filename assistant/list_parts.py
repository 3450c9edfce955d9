"""Building blocks of answers that list (``assistant/lists.py``, ``assistant/led_lists.py``):
citations of stored sentences, paragraphs, a document's outline, the note on a count that
differs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from langchain_core.documents import Document

from assistant.evidence import Candidate
from assistant.extractive import citation_for
from assistant.planner import Plan
from assistant.schema import Citation
from common.textutils import Span
from ingest.outline import OutlineNode
from vectorstore.docstore import StoredSentence

if TYPE_CHECKING:
    from assistant.service import PlanqaService

MAX_LIST_ITEMS = 30


def _chunk_doc(service: PlanqaService, sentence: StoredSentence) -> Document | None:
    chunk = service.kb.docstore.get_chunk(sentence.chunk_id)
    if chunk is None:
        return None
    return Document(page_content=chunk.text, metadata=dict(chunk.metadata), id=chunk.id)


def cite_sentence(service: PlanqaService, sentence: StoredSentence, n: int) -> Citation | None:
    """A citation of a stored sentence, quoted inside the chunk that holds it."""
    doc = _chunk_doc(service, sentence)
    if doc is None:
        return None
    local = sentence.start - int(doc.metadata.get("start", 0))
    span = Span(sentence.text, local, local + len(sentence.text))
    cand = Candidate(doc, 0, span, span, set(), 0.0, 0.0, 0.0, None)
    return citation_for(n, cand)


def cited(service: PlanqaService, sentences: list[StoredSentence], start: int = 1) -> list[tuple[StoredSentence, Citation]]:
    """Stored sentences with their citations, numbered from ``start`` (a sentence whose chunk is
    gone, deleted while the question ran, is left out)."""
    out: list[tuple[StoredSentence, Citation]] = []
    for sentence in sentences:
        cite = cite_sentence(service, sentence, start + len(out))
        if cite is not None:
            out.append((sentence, cite))
    return out


def paragraphs(sentences: list[StoredSentence]) -> list[list[StoredSentence]]:
    """Stored sentences (in document order) grouped by paragraph: a paragraph's sentences follow
    one another without a gap; a line break parts paragraphs."""
    out: list[list[StoredSentence]] = []
    for sentence in sentences:
        if out and sentence.start <= out[-1][-1].end:
            out[-1].append(sentence)
        else:
            out.append([sentence])
    return out


def outline_of(service: PlanqaService, doc_id: str) -> list[OutlineNode]:
    """The outline of a retrieved document; empty when it was deleted while the question ran
    (a concurrent delete must not turn a question into an error)."""
    return [OutlineNode.from_dict(n) for n in service.kb.docstore.outline(doc_id)]


def count_note(p: Plan, n: int) -> str:
    """What an answer says when the question's count (哪四个) differs from the items listed."""
    if not p.count or p.count == n:
        return ""
    # No digits here: a count planqa made is not a figure of the documents (the numbered
    # items below show how many there are).
    if p.question.is_english:
        return " (the documents list a different number of items than the question says)"
    return "（资料所列项数与问题所说的不一致）"
