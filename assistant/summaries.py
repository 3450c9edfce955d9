"""Summaries of a section (总体要求, 指导思想, 主要预期目标…): the opening sentences of the body
under the matching heading, then the opening sentence of each later paragraph, never the
heading itself; every sentence cited."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.compose import Composition, nothing_found
from assistant.extractive import source_label
from assistant.list_naming import lacks_key_term
from assistant.list_parts import cited, outline_of, paragraphs
from assistant.lists import MIN_NODE_SCORE, scoped_passages, scored_sections
from assistant.planner import Plan, summary_term
from assistant.windows import coverage
from ingest.frames import RESULT, says_results
from ingest.outline import OutlineNode
from vectorstore.docstore import StoredSentence

if TYPE_CHECKING:
    from assistant.service import PlanqaService

SUMMARY_SENTENCES = 3
SUMMARY_CHARS = 600
SUMMARY_MAX_CHARS = 900  # with the opening sentences of the section's later paragraphs
# A summary of a topic no summary term names (请概括…的主要内容) holds at least this share of the
# question's key-term weight in its heading and sentences.
TOPIC_COVERAGE = 0.5


def _introduces(sentence: str, term: str) -> bool:
    """The sentence says what ``term`` is: ``今年政府工作的总体要求是：…``, ``指导思想：…``,
    ``综合考虑国内外各种因素，今年经济社会发展主要预期目标是：…`` (near its start)."""
    at = sentence.find(term)
    if at < 0:
        return False
    after = sentence[at + len(term):]
    # (a colon announces what follows, wherever the term stands in the sentence's opening)
    if re.match(r"(?:主要)?(?:是|为|就是)?[：:]", after):
        return at < _ANNOUNCING_REACH
    return at < _NAMING_REACH and re.match(r"(?:主要)?(?:是|为|就是)", after) is not None


_NAMING_REACH = 32  # where a sentence that says what a summary's term is (X是…) names it, at most
_ANNOUNCING_REACH = 80  # the same for a sentence whose term is followed by a colon (X是：…)


def compose_summary(service: PlanqaService, p: Plan) -> Composition | None:
    """The opening sentences of the body under the section that best matches (its title
    names what is asked: 总体要求, 指导思想…), never the title itself."""
    q = p.question
    term = summary_term(q.text)
    # a summary of a topic no summary term names (请概括…的主要内容) is its passage or nothing:
    # one sentence near the topic is no summary of it
    nothing = None if term else nothing_found(q)
    refusal, vector, docs = scoped_passages(service, q)
    if refusal is not None:
        return refusal
    if lacks_key_term(service, q, docs):
        return nothing
    doc_ids = list(dict.fromkeys(str(d.metadata.get("doc_id")) for d in docs))[:3]
    sections = scored_sections(service, p, doc_ids, vector)
    if not sections or sections[0].score < MIN_NODE_SCORE:
        return nothing
    section = sections[0]
    node = section.node
    doc_id = section.title.doc_id if section.title else ""
    body = [s for s in service.kb.docstore.sentences_of(doc_id, with_vectors=False)
            if node.title_end <= s.start < node.end and s.start != node.title_start]
    if term and term not in node.title:
        # no heading names it: a sentence that introduces it (今年工作的总体要求是：…) starts the
        # summary, in the best section's document or the next retrieved ones
        for other in dict.fromkeys([doc_id, *doc_ids]):
            sentences = service.kb.docstore.sentences_of(other, with_vectors=False)
            at = next((i for i, s in enumerate(sentences) if _introduces(s.text, term)), None)
            if at is not None:
                # (what it introduces ends at the next heading: another section speaks of
                # something else)
                start = sentences[at].start
                end = min((n.title_start for n in outline_of(service, other)
                           if n.kind == "heading" and n.title_start > start), default=sentences[-1].end + 1)
                doc_id, body = other, [s for s in sentences[at:] if s.start < end]
                node = OutlineNode(id=-1, level=0, number="", title=term, parent=None, kind="lead", start=start,
                                   end=body[-1].end, title_start=-1, title_end=start)
                break
    # (a body that fits is given whole: its last sentences are often what is asked, the year's
    # last figures)
    chosen: list[StoredSentence] = list(body) if sum(len(s.text) for s in body) <= SUMMARY_MAX_CHARS else []
    for sentence in body[len(chosen):]:
        # (short sentences, a figure each, count as one: the sentences are a number, up to half
        # the characters)
        chars = sum(len(s.text) for s in chosen)
        if chars >= SUMMARY_CHARS or (len(chosen) >= SUMMARY_SENTENCES and chars >= SUMMARY_CHARS // 2):
            break
        chosen.append(sentence)
    if node.id >= 0:
        # then the opening sentence of each later paragraph of the section (its key phrase):
        # a section often opens on the year's setting before what it requires
        for paragraph in paragraphs(body)[1:]:
            if paragraph[0] in chosen:
                continue
            if sum(len(s.text) for s in chosen) + len(paragraph[0].text) > SUMMARY_MAX_CHARS:
                break
            chosen.append(paragraph[0])
    # (a summary of what happened is asked in words of results, 取得的成效, 主要成就: they say
    # what is asked of the topic, not the topic)
    topic = tuple(t for t in q.terms if q.kind != RESULT or not says_results(t.text)) or q.terms
    if not term and coverage(topic, node.title + "".join(s.text for s in chosen)) < TOPIC_COVERAGE:
        return nothing  # a passage on another topic than the one asked
    quoted = cited(service, chosen)
    citations = [cite for _, cite in quoted]
    parts = [f"{sentence.text.rstrip('。')}[{cite.n}]" for sentence, cite in quoted]
    required: list[tuple[str, list[int]]] = [("", [cite.n]) for cite in citations]
    if not citations:
        return nothing
    meta = service.kb.docstore.document(doc_id)
    name = source_label(meta.meta if meta else {}, q.is_english)
    head = (f"According to {name}, “{node.title}”: " if q.is_english else f"{name}“{node.number}{node.title}”：")
    return Composition(head + "。".join(parts) + "。", False, citations, required=required)
