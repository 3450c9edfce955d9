"""Answers that list, every item cited (the other half of ``assistant/compose.py``; summaries
are in ``assistant/summaries.py``): the child headings of the outline section that best matches
the question, or the items of an enumeration in the best sentence, or the sentences a measure
paragraph's lead sentence leads; a count the question states is checked against the items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from langchain_core.documents import Document

from assistant.compose import Composition, nothing_found
from assistant.evidence import Candidate, question_years, sentence_key
from assistant.extractive import accepted_candidates, citation_for, runner_up_score, source_label
from assistant.led_lists import (
    announced_list,
    colon_clauses,
    lead_paragraph,
    named_section_leads,
    ordinal_paragraphs,
    ordinal_run_of,
    parallel_run_of,
    quoted_section_body,
)
from assistant.list_counts import count_in
from assistant.list_naming import (
    counted_after,
    enumeration_asked,
    head_nouns,
    missing_key,
    names_list,
    terms_in_items,
)
from assistant.list_parts import MAX_LIST_ITEMS, cite_sentence, cited, count_note, outline_of
from assistant.planner import Plan, asks_measures
from assistant.question import QUESTION_WORDS_RE
from assistant.schema import Citation
from assistant.scope import QUOTED_RE
from assistant.windows import coverage, term_matches
from common.timeref import plan_periods
from common.tokens import tokenize
from ingest.outline import NAMELY, OutlineNode, split_number
from vectorstore.docstore import StoredSentence

if TYPE_CHECKING:
    from assistant.question import Question
    from assistant.service import PlanqaService

MIN_NODE_SCORE = 0.78  # least e5 similarity (plus coverage) of a section title to a list question


@dataclass
class _Section:
    node: OutlineNode
    kids: list[OutlineNode]
    title: StoredSentence | None
    score: float
    shares_term: bool = False  # its title path holds one of the question's terms (any weight)
    path: str = ""  # its title and its parents' titles


def scored_sections(service: PlanqaService, p: Plan, doc_ids: list[str], vector: np.ndarray) -> list[_Section]:
    """Outline sections of the documents, scored against the question: e5 similarity of the
    title, plus coverage of the question's terms by the title and its parents' titles; a
    section about another year than the one asked is left out."""
    q = p.question
    # the question's words (jieba, no stopwords, no numbers or single characters), for a title
    # that must share one of them
    words = {w for w in tokenize(QUESTION_WORDS_RE.sub(" ", q.text)) if len(w) >= 2 and not w.isdigit()}
    if q.is_english:  # its most specific words as the reports write them (a rendering of a
        # common word, 产业 for industries, names many sections)
        ranked = sorted((t for t in q.terms if not t.text.isascii()), key=lambda t: t.weight, reverse=True)[:2]
        words = {a for t in ranked for a in t.alternatives if len(a) >= 2 and not a.isascii()}
    out: list[_Section] = []
    for doc_id in doc_ids:
        nodes = outline_of(service, doc_id)
        by_id = {n.id: n for n in nodes}
        doc = service.kb.docstore.document(doc_id)
        doc_year = int((doc.meta if doc else {}).get("year") or 0)
        wanted = question_years(q, doc_year)
        sentences = {s.start: s for s in service.kb.docstore.sentences_of(doc_id)}
        for node in nodes:
            kids = [n for n in nodes if n.parent == node.id]
            # a section's parts are its sub-headings when it has them (not the lead sentences
            # of the paragraphs between them: 今年是…之年。 before （一）…（九）)
            headed = [n for n in kids if n.kind != "lead"]
            kids = headed if len(headed) >= 2 else kids
            # a numbered run's parts, not a heading without a number set apart after them (an
            # appendix such as a list of projects)
            numbered = [n for n in kids if n.number]
            kids = numbered if len(numbered) >= 2 and len(numbered) < len(kids) and all(
                n.kind != "lead" for n in kids) else kids
            title = sentences.get(node.title_start)
            if title is None or title.vector is None:
                continue
            years = set(title.frame.get("years") or [])
            path, parent, ancestors = [node.title], node.parent, []
            while parent is not None:
                path.append(by_id[parent].title)
                ancestors.append(by_id[parent])
                parent = by_id[parent].parent
            # A section is about the years its heading names; a lead's title, or a heading that
            # names none, speaks of those of the nearest heading above it that names some
            # (加强X。 under 二、2025年工作安排 is about 2025). About other years than asked: left out.
            own = years if node.kind != "lead" else set()
            stated = own or next((set(t.frame["years"]) for a in ancestors if a.kind != "lead"
                                  and (t := sentences.get(a.title_start)) is not None and t.frame.get("years")), set())
            if wanted and stated and not wanted & stated:
                continue
            joined = " ".join(path)
            score = float(np.dot(vector, title.vector)) + 0.1 * coverage(q.terms, joined)
            # (a part of the report named by the year asked, 2025年工作安排, 2024年工作回顾, shares
            # what a question about that year's work asks: 今年的重点工作从哪几方面部署)
            year_part = bool(wanted & years) and node.parent is None
            out.append(_Section(node, kids, title, score, year_part or any(w in joined for w in words), joined))
    return sorted(out, key=lambda s: s.score, reverse=True)


def scoped_passages(service: PlanqaService, q: Question) -> tuple[Composition | None, np.ndarray, list[Document]]:
    """A refusal when the question's scope names what the corpus lacks (a year, a region);
    else the question's vector and its retrieved passages."""
    scope = service.scope(q)
    if scope.refusal:
        return Composition(scope.refusal, True, []), np.zeros(0, dtype=np.float32), []
    vector = service.query_vector(q)
    return None, vector, service.retrieve(q, None, scope, vector)


def compose_list(service: PlanqaService, p: Plan) -> Composition | None:
    """The items of the answer's own enumeration, or of the best matching outline section;
    ``None`` when neither fits (the question is then answered as a single question).

    * the sentence the scorer accepts has an enumeration: its items;
    * else a section whose title is close to the question (e5, and its terms) lists its
      children's titles, when it is closer than the best sentence;
    * a count in the question (``哪四个``) picks the section or enumeration that has it."""
    q = p.question
    refusal, vector, docs = scoped_passages(service, q)
    if refusal is not None:
        return refusal
    missing = missing_key(service, q, docs)
    if missing is not None:
        if missing.text not in {t.text for t in q.terms}:
            # a name the passages never write (X新区): about something else, no sentence of
            # theirs answers either
            return nothing_found(q)
        return None  # answered, or refused, as a single question
    refined, pool = service.pool(q, docs, vector)
    ext = service.extract_from_pool(refined, pool, many=False)
    if q.places and ext.pool and all(c.rejected for c in ext.pool) and any(c.rejected == "place" for c in ext.pool):
        return None  # the place asked about is in none of the passages: no section of them answers
    accepted = accepted_candidates(q, ext.pool, service.scorer)
    doc_ids = list(dict.fromkeys(str(d.metadata.get("doc_id")) for d in docs))[:3]
    sections = [s for s in scored_sections(service, p, doc_ids, vector) if len(s.kids) >= 2]
    # a section named by its title, without sub-headings: its paragraphs that speak of what is asked
    named_leads = named_section_leads(service, p, doc_ids) or quoted_section_body(service, p, doc_ids)
    if named_leads is not None:
        doc_id, node, leads = named_leads
        return _sentences_list(service, p, doc_id, leads, (f"{{name}}“{_short_title(node)}”部分提出：",
                                                            f"According to {{name}}, “{_short_title(node)}” says:"))
    # the best-scored sentences open or end alike, in words the question has (强化A，… 强化B，…;
    # …，加快发展A。…，加快发展B。): those clauses
    parallel = parallel_run_of(service, p, ext.pool, NAMED_LIST_FLOOR)
    if parallel is not None and (not p.count or len(parallel[1]) == p.count):
        doc_id, run = parallel
        return _sentences_list(service, p, doc_id, [s for s, _ in run], ("{name}列出以下各项：", "According to {name}:"),
                               labels=[item for _, item in run])
    announced_clauses = colon_clauses(p, ext.pool, NAMED_LIST_FLOOR)
    if announced_clauses is not None:
        return _inline_list(service, p, *announced_clauses)
    if p.count:
        # an enumeration of the count asked that the question names (…哪N个…Y: …A、B、C等Y) is
        # the answer; else a section and an enumeration of that
        # count: the one closer to the question (a section's title score against the sentence's
        # e5 similarity, as below)
        named = _named_enumeration(service, q, ext.pool, p.count)
        if named is not None and not any(_names_title(q, s.node) for s in sections[:1]):
            return _inline_list(service, p, *named)
        # a sentence near the top announces that many items (…重点抓好N件事：一是…): those
        announcing = _counted_announcement(service, p, ext.pool, p.count)
        if announcing is not None:
            return announcing
        # or one announces, without stating a count, a run of as many items as asked (…做了以下工作：
        # 一是…五是…): those, before a section of that count
        announcing = _counted_announcement(service, p, ext.pool, p.count, stated=False)
        if announcing is not None:
            return announcing
        counted = next((s for s in sections[:5] if len(s.kids) == p.count), None)
        enumerated = next(((cand, items) for cand in accepted[:5] for items in _stored_enums(service, cand)
                           if len(items) == p.count), None)
        if counted is not None and (enumerated is None or counted.score > enumerated[0].features.get("dense", 0.0)):
            return _section_list(service, p, counted)
        if enumerated is not None:
            return _inline_list(service, p, *enumerated)
    # the best-scored sentences are items of one ordinal run (二是…, 一是…): the whole run
    ordinal_run = ordinal_run_of(service, ext.pool)
    if ordinal_run is not None and (not p.count or len(ordinal_run[1]) == p.count):
        return _sentences_list(service, p, *ordinal_run, ("{name}列出以下各项：", "According to {name}:"))
    quoted = _headings_quoting(service, q, doc_ids)
    if quoted is not None:
        return quoted
    best = accepted[0] if accepted else None
    # a section is the answer only when its title path shares a term with the question: e5
    # similarity alone rates any two passages of the genre close
    section = sections[0] if sections and sections[0].score >= MIN_NODE_SCORE and sections[0].shares_term else None
    if section is not None and p.count and len(section.kids) != p.count and not _names_title(q, section.node):
        section = None  # another number of parts than asked, and not named: another section
    titled = _titled_section(best, sections) if best is not None else None
    if titled is not None and (not p.count or len(titled.kids) == p.count or _names_title(q, titled.node)):
        return _section_list(service, p, titled)  # the best sentence is a section's heading: its parts
    best_enums = _stored_enums(service, best) if best is not None else []
    named_elsewhere = None
    if not best_enums:
        # no sentence answers outright: one whose list the question names, unless the question
        # names a section; or the one that does lists nothing: one whose list the question names
        # by its head noun (…哪几方面的优势: A优势、B优势、C优势), when no section matches at all
        # (found once: it is also the last resort below)
        named_elsewhere = _named_enumeration(service, q, ext.pool, by_noun=best is not None)
        naming = head_nouns(q.terms, named_elsewhere[0].sentence.text, named_elsewhere[1]) if named_elsewhere else []
        if best is not None and naming and all(term_matches(t, best.matched_text) for t in naming):
            # the accepted clauses themselves name the kind of thing asked, in every word the list
            # is named by (…等重大生态Y), and lists nothing: another sentence's list of Y is
            # about another matter of that kind
            named_elsewhere = None
        if named_elsewhere is not None and (section is None or (best is None and not _names_title(q, section.node))):
            return _inline_list(service, p, *named_elsewhere)
    if best is not None and not (section is not None and _names_title(q, section.node)):
        # the best sentence's enumeration that the question names by its head noun (…哪些Y:
        # …A、B、C等Y), before any section
        enums_named = [(rank, items) for items in best_enums if len(items) >= 2
                       and (rank := names_list(q.terms, best.sentence.text, items, nouns_only=True))]
        named_items = max(enums_named, key=lambda e: (e[0], terms_in_items(q, e[1])))[1] if enums_named else None
        if named_items is not None:
            return _inline_list(service, p, best, named_items)
    announced = _announced_section(service, best, sections) if best is not None else None
    if announced is not None:
        return _section_list(service, p, announced)
    led = announced_list(service, p, best, runner_up=runner_up_score(best, ext.pool)) if best is not None else None
    if led is not None:
        return led
    # a sentence near the top that states a count of what follows (办好N件实事。) and is
    # followed by as many ordinals (一是…十是): those
    announcing = _counted_announcement(service, p, ext.pool)
    if announcing is not None:
        return announcing
    enums = [items for items in best_enums if len(items) >= 2]
    if best is not None and enums:
        # the enumeration in the best sentence, unless a section with children is closer to
        # the question than that sentence (the same comparison as for a count above)
        # (an English question's section must share one of its specific words: e5 rates an
        # English question close to any title of the genre)
        listed = next((s for s in sections[:5] if s.score >= MIN_NODE_SCORE and (s.shares_term or not q.is_english)
                       and (not p.count or len(s.kids) == p.count or _names_title(q, s.node))), None)
        if listed is not None and section_over_sentence(q, listed, best):
            return _section_list(service, p, listed)
        return _inline_list(service, p, best, enumeration_asked(q, best, enums))
    if section is not None and (best is None or section.score > best.features.get("dense", 0.0)):
        return _section_list(service, p, section)
    led_by_best = lead_paragraph(service, p, best) if best is not None else None
    if led_by_best is not None or best is None or best_enums:
        return led_by_best
    # last, before a single answer: an enumeration another best-scored sentence lists, named by
    # the head noun of the question (…哪几方面的Y: A Y、B Y、C Y; found above, as the best sentence
    # lists nothing), when the section that matched gave no list
    return _inline_list(service, p, *named_elsewhere) if named_elsewhere is not None else None




def section_over_sentence(q: Question, section: _Section, best: Candidate) -> bool:
    """Whether a section's parts answer a list question rather than the enumeration of the best
    sentence: the section is closer to the question (its title score against the sentence's e5
    similarity), unless the sentence names the kind of thing asked (哪些「Y」) and the section's
    titles do not (e5 rates the titles of the genre close to any question of it), or the
    sentence holds every term of the question, three at least, and the section's titles none
    (the question quotes the sentence; one or two words held are no sign of that)."""
    if section.score <= best.features.get("dense", 0.0):
        return False
    named_kind = [t for t in q.terms if t.answer_type and term_matches(t, best.sentence.text)]
    if not all(term_matches(t, section.path) for t in named_kind):
        return False
    quoted = len(q.terms) >= 3 and best.sentence_coverage >= 1.0
    return not (quoted and coverage(q.terms, section.path) == 0.0)


def _short_title(node: OutlineNode) -> str:
    """A heading's title up to its first full stop (a numbered paragraph runs on), without a
    number the paragraph opens with (``1.``: no figure of the answer)."""
    return split_number(node.title)[1].split("。")[0].rstrip("：:；;，,")


def _names_title(q: Question, node: OutlineNode) -> bool:
    """The question names the section by its title (…<the title>，…有哪些)."""
    title = _short_title(node)
    return len(title) >= 4 and title in q.text


def _titled_section(best: Candidate, sections: list[_Section]) -> _Section | None:
    """The section (with parts) whose heading is the best sentence."""
    key = sentence_key(best.doc, best.sentence)
    return next((s for s in sections if s.title is not None and (s.title.doc_id, s.title.start) == key), None)


def _announced_section(service: PlanqaService, best: Candidate, sections: list[_Section]) -> _Section | None:
    """The section whose parts the best sentence announces (重点做好N方面工作：): a sentence
    ending in a colon that states a count, inside a section with that many parts."""
    text = best.sentence.text.strip()
    count = count_in(text)
    if not count or not text.endswith(("：", ":")):
        return None
    doc_id, start = sentence_key(best.doc, best.sentence)
    return next((s for s in sections if s.title is not None and s.title.doc_id == doc_id
                 and s.node.start <= start < s.node.end and len(s.kids) == count), None)


def _headings_quoting(service: PlanqaService, q: Question, doc_ids: list[str]) -> Composition | None:
    """A list question that quotes a phrase (在哪些方面“下功夫、求实效”) is answered by the
    headings of one document that contain it, when there are two or more: a report's headings
    often repeat such a phrase, one per area."""
    # (a phrase of three characters or more: a quoted word of two, 哪几种“X”, names a kind of
    # item, which headings use in passing; a five-year plan, “十四五”, says when, not what)
    phrases = [m.group(1) for m in QUOTED_RE.finditer(q.text)
               if len(m.group(1)) >= 3 and not plan_periods(m.group(0))]
    if not phrases:
        return None
    for doc_id in doc_ids:
        nodes = [n for n in outline_of(service, doc_id) if n.kind != "lead" and any(ph in n.title for ph in phrases)]
        if len(nodes) >= 2:
            return _nodes_list(service, q, doc_id, nodes, (f"{{name}}中含“{phrases[0]}”的标题有：",
                                                           f"According to {{name}}, the headings with “{phrases[0]}” are:"), None)
    return None


def _stored_enums(service: PlanqaService, cand: Candidate, anywhere: bool = False) -> list[list[str]]:
    """The enumerations stored with the candidate's sentence that open in the clauses it answers
    with (an enumeration elsewhere in a long sentence answers something else), or ``anywhere``."""
    doc_id, start = sentence_key(cand.doc, cand.sentence)
    found = service.kb.docstore.sentences_in_spans([("s", doc_id, start, start + len(cand.sentence.text))])
    window = cand.sentence.text if anywhere else cand.matched_text + _namely_clause(cand)
    # (one that opens in those clauses runs on past them: a window ends at the words it matched)
    return [list(e) for s in found.get("s", []) for e in s.frame.get("enums") or []
            if e and str(e[0]) in window]


# A clause that says what the one before it names (…发展X，即A、B和C，…).
_NAMELY_RE = re.compile(rf"[，,：:]\s*((?:{NAMELY}|包括|分别是)[^，,；;。]*)")


def _namely_clause(cand: Candidate) -> str:
    """The clause right after the candidate's answering clauses when it says what they name."""
    text = cand.sentence.text
    at = text.find(cand.matched_text)
    if at < 0 or not cand.matched_text:
        return ""
    m = _NAMELY_RE.match(text, at + len(cand.matched_text.rstrip("，,：:")))
    return m.group(1) if m else ""


NAMED_LIST_FLOOR = 0.2  # least score of a sentence whose enumeration the question names
_COUNTED_REACH = 3  # best-scored sentences looked at for a counted announcement


def _counted_announcement(service: PlanqaService, p: Plan, pool: list[Candidate], count: int = 0,
                          stated: bool = True) -> Composition | None:
    """The items announced by one of the best-scored sentences that states a count of what
    follows and is followed by as many ordinals (``led_lists.announced_list``, counted only);
    ``count``: only a sentence stating that count; ``stated=False``: any announcing sentence
    whose run has ``count`` items."""
    for cand in pool[:_COUNTED_REACH]:
        if cand.rejected or cand.score < NAMED_LIST_FLOOR \
                or (count and stated and count_in(cand.sentence.text) != count):
            continue
        led = announced_list(service, p, cand, counted_only=stated)
        if led is not None and (stated or len(led.items) == count):
            return led
    return None


def _named_enumeration(service: PlanqaService, q: Question, pool: list[Candidate],
                       count: int = 0, by_noun: bool = False) -> tuple[Candidate, list[str]] | None:
    """A list question's answer when no sentence scores high enough: the best-scored sentence
    with an enumeration that the question names, i.e. a question term of two or more
    characters right before its first item or right after its last (健全A、B、C工作链条 for
    …工作链条包括哪些环节, 坚定走好A之路、B之路 for 坚定走好哪几条路); ``by_noun``: only by its
    head noun, a noun term right after its last item (or ending it)."""
    for cand in pool[:10]:
        if cand.rejected or cand.score < NAMED_LIST_FLOOR:
            continue
        # (an enumeration followed by the count asked, A、B、C和D四个方面, is named by it wherever
        # it stands in the sentence)
        named = next((items for items in _stored_enums(service, cand)
                      if (names_list(q.terms, cand.sentence.text, items, nouns_only=True) == 2 if by_noun
                          else names_list(q.terms, cand.sentence.text, items))
                      and (not count or len(items) == count)), None)
        named = named or next((items for items in _stored_enums(service, cand, anywhere=True)
                               if counted_after(cand.sentence.text, items, count)), None)
        if named is not None:
            return cand, named
    return None


def _section_list(service: PlanqaService, p: Plan, section: _Section) -> Composition:
    doc_id = section.title.doc_id if section.title else ""
    node = section.node
    # the title as far as its first full stop, and not at all if it holds a figure: the lead
    # quotes no figure that no citation holds
    title = _short_title(node)
    title = "" if re.search(r"\d+(?!\d|年)", title) else title  # a year (2025年) is no figure
    zh = f"{{name}}“{node.number}{title}”部分包括：" if title or node.number else "{name}中的这一部分包括："
    en = f"According to {{name}}, “{title}” has these parts:" if title else "According to {name}, this part has:"
    if all(k.kind == "lead" for k in section.kids):
        # no sub-headings: paragraphs that open 一是…二是…三是… are its parts, when there are
        # such (the lead sentences of its other paragraphs are not)
        run = ordinal_paragraphs(service, doc_id, node.title_end, node.end)
        if run:
            return _sentences_list(service, p, doc_id, run, (zh, en))
    return _nodes_list(service, p.question, doc_id, section.kids, (zh, en), p)


def _sentences_list(service: PlanqaService, p: Plan, doc_id: str, sentences: list[StoredSentence],
                    leads: tuple[str, str], labels: list[str] | None = None) -> Composition:
    """Stored sentences as the items of a list, each cited, after a lead (see ``_nodes_list``);
    ``labels``: each item is that part of its sentence, not the whole sentence."""
    english = p.question.is_english
    quoted = cited(service, sentences)
    label_of = dict(zip((s.start for s in sentences), labels, strict=True)) if labels else {}
    shown = [label_of.get(s.start) or cite.quote.rstrip("。；;") for s, cite in quoted]
    items = [f"{text}[{cite.n}]" for text, (_, cite) in zip(shown, quoted, strict=True)]
    meta = service.kb.docstore.document(doc_id)
    name = source_label(meta.meta if meta else {}, english)
    head = (leads[1] if english else leads[0]).format(name=name)
    body = "\n".join(f"{i}. {item}" for i, item in enumerate(items, start=1))
    return Composition(f"{head}{count_note(p, len(items))}\n{body}", False, [c for _, c in quoted], items=items,
                       required=[(text, [c.n]) for text, (_, c) in zip(shown, quoted, strict=True)])


def _nodes_list(service: PlanqaService, q: Question, doc_id: str, nodes: list[OutlineNode], leads: tuple[str, str],
                p_count: Plan | None) -> Composition:
    """The titles of ``nodes`` (headings of ``doc_id``), each cited, after a lead (Chinese,
    English; ``{name}`` is the document) that says what they are: the parts of a section, or
    the headings sharing a phrase; a count the question states is checked (``p_count``)."""
    english = q.is_english
    sentences = {s.start: s for s in service.kb.docstore.sentences_of(doc_id, with_vectors=False)}
    citations: list[Citation] = []
    items: list[str] = []
    required: list[tuple[str, list[int]]] = []
    for kid in nodes[:MAX_LIST_ITEMS]:
        sentence = sentences.get(kid.title_start)
        cite = cite_sentence(service, sentence, len(citations) + 1) if sentence else None
        if cite is None:
            continue
        citations.append(cite)
        # a title that runs on past its first sentence (（九）在…上下功夫。办好20项…) is shown as
        # far as the cited sentence goes: nothing in an item that its quote does not hold
        title = kid.title if kid.title in cite.quote else kid.title.split("。")[0]
        title = title if title in cite.quote else cite.quote.rstrip("。")
        items.append(f"{kid.number}{title}[{cite.n}]" if not title.startswith(kid.number) else f"{title}[{cite.n}]")
        required.append((title, [cite.n]))
    meta = service.kb.docstore.document(doc_id)
    name = source_label({**(meta.meta if meta else {}), "label": (meta.meta if meta else {}).get("label")}, english)
    head = (leads[1] if english else leads[0]).format(name=name)
    note = count_note(p_count, len(items)) if p_count is not None else ""
    body = "\n".join(f"{i}. {item}" for i, item in enumerate(items, start=1))
    return Composition(f"{head}{note}\n{body}", False, citations, items=items, required=required)


def _inline_list(service: PlanqaService, p: Plan, cand: Candidate, items: list[str]) -> Composition:
    english = p.question.is_english
    cite = citation_for(1, cand)
    name = source_label(cand.doc.metadata, english)
    listed = [f"{item}[1]" for item in items]
    head = f"According to {name}:" if english else f"{name}列出以下各项："
    if asks_measures(p.question):  # what is done: the measure's own words around its items first
        head = (f"According to {name}: {cite.quote}[1]. It lists:" if english
                else f"{name}：{cite.quote.rstrip('。；;')}[1]。其中列出：")
    body = "\n".join(f"{i}. {item}" for i, item in enumerate(listed, start=1))
    return Composition(f"{head}{count_note(p, len(items))}\n{body}", False, [cite], items=listed, chosen=[cand],
                       required=[(item, [1]) for item in items])
