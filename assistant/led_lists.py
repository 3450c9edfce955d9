"""Lists that a sentence leads: a measure paragraph under its lead sentence (坚决打好蓝天保卫战。
一要…二要…), and the items a sentence announces (主要体会是：第一，…第二，…; 以下十个方面工作。
followed by headings); and runs of sentences that open or end alike (强化A，… 强化B，…).
Each item is a stored sentence, cited."""

from __future__ import annotations

import re
from os.path import commonprefix
from typing import TYPE_CHECKING

from assistant.compose import Composition
from assistant.evidence import Candidate, sentence_key
from assistant.extractive import citation_for, source_label
from assistant.list_counts import count_in
from assistant.list_parts import MAX_LIST_ITEMS, cited, count_note, outline_of, paragraphs
from assistant.planner import Plan
from assistant.schema import Citation
from assistant.scope import QUOTED_RE
from assistant.windows import term_matches
from common.textutils import split_clauses
from ingest.outline import OutlineNode, split_number
from vectorstore.docstore import StoredSentence

if TYPE_CHECKING:
    from assistant.service import PlanqaService

MAX_PARAGRAPH_ITEMS = 8  # sentences of a measure paragraph listed under its lead
MAX_LEAD_CHARS = 20  # a lead sentence names a measure in a few words (加快新兴产业集群发展。)
_NUMERAL = r"[一二三四五六七八九十]+"
# (also a paragraph numbered 1. 2. …, not a decimal: 1.5万亿元)
_ORDINAL_OPENING_RE = re.compile(rf"^(?:({_NUMERAL})(?:是|要|要求)|第({_NUMERAL})[，,、]|其({_NUMERAL})[，,、]|(\d{{1,2}})[.．、](?!\d))")
# A sentence announces what follows: it ends in a colon, or its colon opens the first item
# (…把握好以下政策原则：一是…), or it names a count of what follows (以下十个方面工作。).
_ANNOUNCED_BY_RE = re.compile(r"以下|如下")
# …注重以下几点。: the sentence ends on what it announces (not 控制在3%以下)
_ANNOUNCING_END_RE = re.compile(r"(?:以下|如下)[\u4e00-\u9fff]{0,8}[。：:]?$")
_MAX_SKIPPED = 2  # sentences between an announcement and its first item


def _numeral_value(numeral: str) -> int:
    """一 → 1, 十二 → 12, 2 → 2; 0 when it is no numeral."""
    import cn2an

    try:
        return int(cn2an.cn2an(numeral, "smart")) if numeral else 0
    except ValueError:
        return 0


def _section_number(number: str) -> int:
    """The number of a section's numbering (一、 → 1, （三） → 3, 2. → 2), else 0."""
    return _numeral_value(number.strip("、.．()（） "))


def _is_lead(text: str) -> bool:
    plain = text.strip().rstrip("。：:；;")
    return 0 < len(plain) <= MAX_LEAD_CHARS and not re.search(r"[，,、；;\d]", plain)


def ordinal_number(text: str) -> int:
    """The number of the ordinal a sentence opens with (一是 → 1, 第三， → 3), else 0."""
    match = _ORDINAL_OPENING_RE.match(text.strip())
    return _numeral_value(next(g for g in match.groups() if g)) if match is not None else 0


def _led(service: PlanqaService, p: Plan, best: Candidate, lead: str, first: str, body: list[StoredSentence],
         least: int) -> Composition | None:
    """The list of ``body`` (stored sentences) under ``lead``, the best sentence's words, which
    also holds the first item when ``first`` is given; each item cited."""
    english = p.question.is_english
    listed = cited(service, body, start=2)
    citations: list[Citation] = [citation_for(1, best), *(cite for _, cite in listed)]
    quotes = ([(first, 1)] if first else []) + [(cite.quote.rstrip("。；;"), cite.n) for _, cite in listed]
    items = [f"{quote}[{n}]" for quote, n in quotes]
    if len(items) < least:
        return None
    name = source_label(best.doc.metadata, english)
    head = f"According to {name}, under “{lead}”[1]:" if english else f"{name}在“{lead}”[1]之下列出："
    text = "\n".join(f"{i}. {item}" for i, item in enumerate(items, start=1))
    required = ([] if first else [(lead, [1])]) + [(quote, [n]) for quote, n in quotes]
    return Composition(f"{head}{count_note(p, len(items))}\n{text}", False, citations, items=items,
                       chosen=[best], required=required)


def _colon_split(text: str) -> tuple[int, str]:
    """Where a sentence's colon is (-1: none) and what follows it; without one, a semicolon or
    comma right before the first ordinal does a colon's work (…抓好N个方面；一是…)."""
    colon = max(text.find("："), text.find(":"))
    if colon < 0:
        colon = next((m.start() for m in re.finditer(r"[；;，,]", text) if ordinal_number(text[m.end():]) == 1), -1)
    return colon, text[colon + 1:].strip() if colon >= 0 else ""


_ASKED_NOUN_RE = re.compile(r"(?:哪些|哪几[个项类种条方面]*|什么)(?:样的|的)?([\u4e00-\u9fff]{2,4}?)(?:[？?。，,]|$)")
_COLON_REACH = 5  # best-scored sentences looked at for one that announces the clauses asked


def colon_clauses(p: Plan, pool: list[Candidate], floor: float) -> tuple[Candidate, list[str]] | None:
    """One of the best-scored sentences names what is asked before its colon and lists it in
    clauses after it (…哪些主要Y: 主要Y是：A，B，C。): those clauses, three or more (as many
    as asked, when a count is asked)."""
    nouns = [m.group(1) for m in _ASKED_NOUN_RE.finditer(p.question.text)]
    if not nouns:
        return None
    for cand in pool[:_COLON_REACH]:
        if cand.rejected or cand.score < floor:
            continue
        colon, tail = _colon_split(cand.sentence.text)
        if colon < 0 or not any(noun in cand.sentence.text[:colon] for noun in nouns):
            continue
        if ordinal_number(tail):
            return None  # a sentence announcing ordinals (…原则：一是…): those are the list
        clauses = [c.strip() for c in re.split(r"[，,；;]", tail.rstrip("。；;")) if c.strip()]
        if 3 <= len(clauses) <= MAX_LIST_ITEMS and (not p.count or len(clauses) == p.count):
            return cand, clauses
    return None


def _colon_opens_first(text: str) -> bool:
    """The sentence's colon opens the first of an enumeration (…措施：一要…)."""
    colon, tail = _colon_split(text)
    return colon >= 0 and ordinal_number(tail) == 1


def lead_paragraph(service: PlanqaService, p: Plan, best: Candidate, least: int = 2) -> Composition | None:
    """A list question whose best sentence leads a measure paragraph (a short sentence naming a
    measure, then 一要…二要…): the sentences it leads are the items, each cited. A lead is an outline lead or
    numbered paragraph without sub-headings, or a short sentence without a comma, which leads
    the sentences up to the next such one. When two or more of them open with an ordinal
    (一要, 二是), those are the items. ``least``: the fewest items that make a list."""
    doc_id, start = sentence_key(best.doc, best.sentence)
    nodes = outline_of(service, doc_id)
    node = next((n for n in nodes if n.title_start <= start < n.title_end), None)
    if node is not None and (node.kind == "heading" or any(n.parent == node.id for n in nodes)):
        return None
    if node is None and not _is_lead(best.sentence.text):
        return None
    sentences = [s for s in service.kb.docstore.sentences_of(doc_id, with_vectors=False)
                 if s.start > start and s.text.strip()]
    titles = {n.title_start for n in nodes}
    end = node.end if node is not None else None
    body: list[StoredSentence] = []
    for sentence in sentences:
        if (end is not None and sentence.start >= end) or sentence.start in titles \
                or (end is None and _is_lead(sentence.text)):
            break
        body.append(sentence)
    # (a sentence whose colon opens the first ordinal, …采取N项措施：一要…, is the first)
    ordinal = [s for s in body if _ORDINAL_OPENING_RE.match(s.text) or _colon_opens_first(s.text)]
    body = ordinal[:MAX_LIST_ITEMS] if len(ordinal) >= 2 else body[:MAX_PARAGRAPH_ITEMS]
    if len(body) < least:
        return None
    return _led(service, p, best, best.sentence.text.rstrip("。：:；;"), "", body, least)


def announced_list(service: PlanqaService, p: Plan, best: Candidate, counted_only: bool = False,
                   runner_up: float | None = None) -> Composition | None:
    """The items a best sentence announces (see ``_ANNOUNCED_BY_RE``): the run of sentences
    after its colon that open with consecutive ordinals (一是, 二是… or 第一，第二，…) up to the
    next heading; else the headings of its section that follow it, as many as it counts. A
    sentence that only states a count (办好N件实事。) announces a run of as many ordinals
    right after it; ``counted_only``: only such a run (for a sentence that scored low). A
    sentence with none of these cues announces the run that starts right after it when it stands
    out from the other sentences (``runner_up``, the best score of another) as the scorer's
    margin rule says."""
    text = best.sentence.text.strip()
    colon, tail = _colon_split(text)
    count = count_in(text[:colon] if colon >= 0 else text)
    cue = (colon >= 0 and (not tail or ordinal_number(tail) == 1)) or bool(count and _ANNOUNCED_BY_RE.search(text)) \
        or bool(_ANNOUNCING_END_RE.search(text))
    doc_id, start = sentence_key(best.doc, best.sentence)
    sentences: list[StoredSentence] | None = None  # (read once, and only when needed)
    if not (cue or count or counted_only) and runner_up is not None and service.scorer.stands_out(best.score, runner_up):
        # a sentence right before the first of a run (…还面临一些困难。一是…二是…) announces it
        sentences = service.kb.docstore.sentences_of(doc_id, with_vectors=False)
        following = next((s for s in sentences if s.start > start), None)
        cue = following is not None and ordinal_number(following.text) == 1
    if not (cue or count) or (counted_only and not count):
        return None
    if sentences is None:
        sentences = service.kb.docstore.sentences_of(doc_id, with_vectors=False)
    nodes = outline_of(service, doc_id)
    section = _section_holding(nodes, start)
    end = section.end if section is not None else None
    headings = {n.title_start for n in nodes if n.kind != "lead"}
    # (items numbered like sections, 一、…二、…, right after an announcement that ends in a colon:
    # a list that the outline took for sections, as its numbering starts again from one)
    numbered = {n.title_start: n for n in nodes if n.kind == "heading" and n.number} if colon >= 0 and not tail else {}
    run: list[StoredSentence] = []
    last = 1 if tail else 0
    skipped = 0  # sentences before the first item: the run starts right after the announcement
    numbered_run = False
    for i, sentence in enumerate(sentences):
        if sentence.start <= start:
            continue
        node = numbered.get(sentence.start)
        if node is not None and _section_number(node.number) == last + 1 and (run or not skipped) \
                and len(run) < MAX_LIST_ITEMS:
            # (a number alone on its line, 一、, has its item in the sentence after it)
            run.append(sentence if node.title.strip() or i + 1 >= len(sentences) else sentences[i + 1])
            last += 1
            numbered_run = True
            continue
        if numbered_run:  # the bodies of items numbered like sections, up to the next section
            if sentence.start in headings:
                break
            continue
        if (end is not None and sentence.start >= end) or sentence.start in headings or len(run) >= MAX_LIST_ITEMS:
            break
        number = ordinal_number(sentence.text)
        if number == last + 1:
            run.append(sentence)
            last = number
        elif number:
            break  # another enumeration begins
        elif not run and not tail:
            skipped += 1
            if skipped > _MAX_SKIPPED:
                break
    lead = (text[:colon] if colon >= 0 else text).rstrip("。：:；;")
    items = len(run) + (1 if tail else 0)
    if items >= 2 and (cue and not counted_only or items == count):
        return _led(service, p, best, lead, tail.rstrip("。；;"), run, 2)
    if not cue or counted_only:
        return None
    kids = [n for n in nodes if section is not None and n.parent == section.id and n.kind != "lead" and n.title_start > start]
    if len(kids) < 2 or (count and len(kids) != count):
        return None
    titles = {s.start: s for s in sentences}
    return _led(service, p, best, lead, "", [titles[k.title_start] for k in kids if k.title_start in titles], 2)


MIN_ORDINAL_PARAGRAPHS = 3


def ordinal_paragraphs(service: PlanqaService, doc_id: str, start: int, end: int) -> list[StoredSentence]:
    """The opening sentences of the paragraphs in ``[start, end)`` of a document that open with
    consecutive ordinals from the first (一是…, 二是…, 三是…): at least three, else none."""
    inside = [s for s in service.kb.docstore.sentences_of(doc_id, with_vectors=False) if start <= s.start < end]
    run: list[StoredSentence] = []
    for paragraph in paragraphs(inside):
        if ordinal_number(paragraph[0].text) == len(run) + 1:
            run.append(paragraph[0])
            if len(run) >= MAX_LIST_ITEMS:
                break
    return run if len(run) >= MIN_ORDINAL_PARAGRAPHS else []


def ordinal_run_of(service: PlanqaService, pool: list[Candidate]) -> tuple[str, list[StoredSentence]] | None:
    """Two or more of the three best-scored sentences open with ordinals (二是…, 四是…) in one
    document: the run of paragraphs opening 一是…二是… in the section that holds them, when it
    holds them all."""
    top = [sentence_key(c.doc, c.sentence) for c in pool[:3] if not c.rejected and ordinal_number(c.sentence.text)]
    if len(top) < 2 or len({doc_id for doc_id, _ in top}) > 1:
        return None
    doc_id = top[0][0]
    section = _section_holding(outline_of(service, doc_id), top[0][1])
    lo, hi = (section.title_end, section.end) if section is not None else (0, 1 << 40)
    run = ordinal_paragraphs(service, doc_id, lo, hi)
    starts = {s.start for s in run}
    return (doc_id, run) if run and all(start in starts for _, start in top) else None


def _section_holding(nodes: list[OutlineNode], start: int) -> OutlineNode | None:
    """The innermost heading (or numbered paragraph) whose section holds the position ``start``."""
    holding = [n for n in nodes if n.kind != "lead" and n.start <= start < n.end]
    return max(holding, key=lambda n: n.level, default=None)


def named_section_leads(service: PlanqaService, p: Plan, doc_ids: list[str]) -> tuple[str, OutlineNode, list[StoredSentence]] | None:
    """A list question that names a section by the first clause of its title (…“X”部分…哪三个方面
    Y) when the section has no sub-headings: the opening sentences of its paragraphs that hold
    a word of the question its title lacks (坚持A做Y…, 坚持B做Y… for …哪几个方面做Y), when
    they are as many as asked, or two or more when no count is asked."""
    q = p.question
    for doc_id in doc_ids:
        nodes = outline_of(service, doc_id)
        for node in nodes:
            first = re.split(r"[，,。；;：:]", node.title)[0]
            if node.kind == "lead" or len(first) < 4 or first not in q.text \
                    or any(n.parent == node.id and n.kind != "lead" for n in nodes):
                continue
            words = [t for t in q.terms if t.weight > 0 and not t.answer_type and t.text not in node.title
                     and not count_in(t.text)]
            inside = [s for s in service.kb.docstore.sentences_of(doc_id, with_vectors=False)
                      if node.title_end <= s.start < node.end]
            leads = [para[0] for para in paragraphs(inside) if any(term_matches(t, para[0].text) for t in words)]
            if (len(leads) == p.count) if p.count else 2 <= len(leads) <= MAX_LIST_ITEMS:
                return doc_id, node, leads
    return None


def quoted_section_body(service: PlanqaService, p: Plan, doc_ids: list[str]) -> tuple[str, OutlineNode, list[StoredSentence]] | None:
    """A list question that quotes the whole title of a section with no parts under it (…的N方面
    中，“X方面”包括哪几项): the sentences of its body, each an item (as many as asked, when a
    count is asked)."""
    phrases = {m.group(1).strip() for m in QUOTED_RE.finditer(p.question.text) if len(m.group(1)) >= 3}
    if not phrases:
        return None
    for doc_id in doc_ids:
        nodes = outline_of(service, doc_id)
        for node in nodes:
            if split_number(node.title)[1].rstrip("。：:；;") not in phrases or any(n.parent == node.id for n in nodes):
                continue
            body = [s for s in service.kb.docstore.sentences_of(doc_id, with_vectors=False)
                    if node.title_end <= s.start < node.end and s.start != node.title_start]
            if 2 <= len(body) <= MAX_LIST_ITEMS and (not p.count or len(body) == p.count):
                return doc_id, node, body
    return None


_PARALLEL_MIN = 3  # sentences of a parallel run (…，加快发展A。…，加快发展B。…，加快发展C。)


def _last_clause(text: str) -> str:
    clauses = split_clauses(text.rstrip("。；;！!"))  # (not at the comma of a number: １６，０５５元)
    return clauses[-1].text.strip(" ，,；;：:") if clauses else ""


def _first_clause(text: str) -> str:
    clauses = split_clauses(text)
    return clauses[0].text.strip().rstrip("，,；;：:。") if clauses else ""


def parallel_run_of(service: PlanqaService, p: Plan, pool: list[Candidate],
                    floor: float) -> tuple[str, list[tuple[StoredSentence, str]]] | None:
    """Two or more of the three best-scored sentences end in a clause that opens with the same
    words, which the question has (…，加快发展A产业。…，加快发展B产业。 for …加快发展哪几类), or
    open with such a clause (强化A建设，… 强化B建设，… for …“强化”哪几个方面): the
    sentences of their paragraph (ends) or section (openings) whose clause opens so (with the
    question's words and at least two characters after them), each item that clause, when
    there are three or more."""
    top = [c for c in pool[:3] if not c.rejected and c.score >= floor]
    for clause_of in (_last_clause, _first_clause):
        # the best-scored sentences whose clause opens like another's
        clauses = {id(c): clause_of(c.sentence.text) for c in top}
        alike = [c for c in top if sum(clauses[id(o)][:2] == clauses[id(c)][:2] for o in top) >= 2]
        keys = [sentence_key(c.doc, c.sentence) for c in alike]
        if len(alike) < 2 or len({doc_id for doc_id, _ in keys}) > 1:
            continue
        opening = _asked_opening(p, commonprefix([clauses[id(c)] for c in alike]))
        doc_id = keys[0][0]
        sentences = service.kb.docstore.sentences_of(doc_id, with_vectors=False)
        starts = {start for _, start in keys}
        if clause_of is _last_clause:
            scope = next((para for para in paragraphs(sentences) if starts <= {s.start for s in para}), [])
        else:
            section = _section_holding(outline_of(service, doc_id), min(starts))
            lo, hi = (section.title_end, section.end) if section is not None else (0, 1 << 40)
            scope = [s for s in sentences if lo <= s.start < hi]
        run = [(s, clause) for s in scope
               if (clause := clause_of(s.text)).startswith(opening) and len(clause) >= len(opening) + 2]
        if opening and starts <= {s.start for s, _ in run} and len(run) >= _PARALLEL_MIN:
            return doc_id, run[:MAX_LIST_ITEMS]
    return None


def _asked_opening(p: Plan, shared: str) -> str:
    """A shared opening up to the end of the question's words in it (加快发展 of 加快发展新兴);
    empty when it has none."""
    ends = [m.end() for t in p.question.terms if t.weight > 0 and len(t.text) >= 2
            for m in re.finditer(re.escape(t.text), shared)]
    return shared[: max(ends)] if ends else ""
