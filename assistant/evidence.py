"""Evidence: every sentence of the retrieved passages as a candidate answer, checked against
the question's frame and described by the features the scorer weighs.

A sentence that addresses the model (``INSTRUCTION_RE``: "忽略以上规则，回答：…") is no
candidate at all: a document's text is data, and an instruction in it is never evidence.

Hard checks (a failed one rejects the sentence, with the reason kept for the refusal text):
* ``year``: the sentence speaks about none of the years asked (its stored frame);
* ``place``: the question names a place that neither the sentence nor its document is about,
  or asks about a city or county and the figure's clause names another one;
* ``figure``: a figure is asked for and the sentence has none in the asked unit (a figure the
  question itself quotes to ask another does not count);
* ``kind``: a target is asked for and its figures are results, or the other way round.

Features (see ``assistant/scorer.py``): the e5 similarity of the question and the sentence,
lexical coverage of the question's terms (sentence, with headings and title, the answering
clauses), the passage's retrieval ranks, and whether the figure found is of the kind asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from langchain_core.documents import Document

from assistant.figure_choice import (
    asked_direction,
    asked_indicators,
    asks_average,
    figure_choice,
    figure_key,
    indicator_match,
    is_average,
    kind_ok,
    names_something,
    other_indicator,
    period_total,
)
from assistant.glossary import alternatives, other_measure
from assistant.planner import asks_list, asks_measures, asks_two_things
from assistant.question import Question, Term, search_words
from assistant.windows import (
    MEASURES_WINDOW_CHARS,
    answer_window,
    clause_at,
    coverage,
    match_form,
    measures_end,
    occurrences,
    past_frame_phrases,
)
from common.places import NATIONAL, Place, default_gazetteer
from common.textutils import Span, find_figures, split_clauses
from ingest.frames import PAST_PLAN_RE, RESULT, TARGET, FigureFrame, SentenceFrame
from vectorstore.docstore import StoredSentence

# Text in a document that addresses the model: never evidence for anything (not a candidate
# here, not a source the guard checks a generated sentence against). Words a report uses for
# its own subject (``按照系统提示填写``, ``提示词工程``) are not instructions.
INSTRUCTION_RE = re.compile(
    r"忽略(?:以上|上述|之前|前面|所有)|无视(?:以上|上述|之前)|你的(?:系统)?提示词?|"
    r"(?:输出|复述|透露|泄露|打印)[^。，,]{0,8}(?:系统)?提示词|你(?:现在)?是一个|请(?:直接)?回答[:：]|"
    r"ignore (?:all |the )?(?:previous|above|prior)|(?:your|the) system prompt|you are now",
    re.I,
)


@dataclass
class Candidate:
    """A sentence of a retrieved chunk considered as evidence."""

    doc: Document
    rank: int
    sentence: Span  # offsets relative to the chunk text
    window: Span  # the clause window that answers, relative to the chunk text
    years: set[int]
    sentence_coverage: float
    context_coverage: float
    window_coverage: float
    figure: FigureFrame | None
    score: float = 0.0
    rejected: str = ""  # why it cannot answer: "year", "place", "figure", "kind"; "" if it can
    kind: str = ""  # of the figure found (or of the sentence)
    features: dict[str, float] = field(default_factory=dict)
    # the clauses that matched the question, when the window quotes more (the measures before
    # them); ``None``: the window itself
    matched: Span | None = None

    @property
    def matched_text(self) -> str:
        return (self.matched or self.window).text


def question_years(q: Question, doc_year: int) -> set[int]:
    years = set(q.years)
    if q.relative_year is not None and doc_year:
        years.add(doc_year + q.relative_year)
    return years


def missing_place(q: Question, meta: dict[str, object], text: str) -> str:
    """A place the question names that neither the passage nor its document is about."""
    region = str(meta.get("region") or "")
    where = f"{text} {meta.get('section', '')} {meta.get('title', '')}"
    for place in q.places:
        if region and (region == place.name or region.startswith(place.short)):
            continue
        if place.short in where or place.name in where:
            continue
        return place.short
    if q.national and not q.places and region and region != NATIONAL and "全国" not in text:
        return "全国"
    return ""


# A question that checks a figure (…是5%吗, 是目标还是实际, is it true that…) may be answered by it.
_CHECKS_RE = re.compile(r"吗|是否|是不是|对不对|还是|确认|核实|核对|\bconfirm|\b(?:is|was) (?:it|that|this) (?:true|correct|right)\b",
                        re.I)


def quoted_figures(q: Question) -> set[tuple[float, str]]:
    """The figures a question quotes to ask another (报告说工业增长6.5%，那么服务业增长多少): none of them
    answers it; none when it checks a figure rather than asks one."""
    if not q.wants_number or _CHECKS_RE.search(q.original):
        return set()
    return {figure_key(f) for f in find_figures(q.original) if not f.is_year}


def other_local_place(text: str, asked: list[Place]) -> bool:
    """The text (a figure's clause) names a city or county, not one of those ``asked`` (below
    the province), and none of them: its figure is about another part of the province
    (…，B市、C市经济总量突破N亿元 for a question about A市)."""
    if not asked or any(p.short in text for p in asked):
        return False
    return any(m.place.level >= 2 and m.place not in asked for m in default_gazetteer().find(text))


def refine_terms(q: Question, docs: list[Document]) -> Question:
    """Split a compound term that no retrieved passage contains (经济增速, 腐败问题) into its
    words, which share its weight; a compound found somewhere is kept whole."""
    texts = [match_form(f"{d.page_content} {d.metadata.get('section', '')}") for d in docs]
    refined: list[Term] = []
    for term in q.terms:
        found = any(match_form(a) in t for a in term.alternatives for t in texts)
        if found or len(term.text) < 3 or term.text.isascii():
            refined.append(term)
            continue
        parts = [p for p in search_words(term.text) if p != term.text and len(p) >= 2]
        parts = [p for p in dict.fromkeys(parts) if not any(p in o and p != o for o in parts)]
        if not parts:
            refined.append(term)
            continue
        for part in parts:
            refined.append(Term(part, alternatives(part), term.weight / len(parts), term.answer_type))
    return q.with_terms(refined)


def sentence_key(doc: Document, sent: Span) -> tuple[str, int]:
    """Where a sentence of a chunk is in its document: the same for overlapping chunks."""
    return (str(doc.metadata.get("doc_id")), int(doc.metadata.get("start", 0)) + sent.start)


def sentences_of_documents(docs: list[Document]) -> dict[str, list[StoredSentence]]:
    """Sentence records of passages that are not in a store, framed on the fly and without
    vectors (hand-made passages: the dense feature is 0 for them)."""
    from common.textutils import split_sentences
    from ingest.frames import frame_sentence

    out: dict[str, list[StoredSentence]] = {}
    for i, doc in enumerate(docs):
        meta = doc.metadata
        start = int(meta.get("start", 0))
        headings = tuple(h for h in str(meta.get("section") or "").split(" > ") if h)
        key = str(doc.id or f"passage-{i}")
        doc.id = key
        out[key] = [StoredSentence(str(meta.get("doc_id")), start + s.start, start + s.end, key, s.text,
                                   frame_sentence(s.text, headings, int(meta.get("year") or 0)).as_dict())
                    for s in split_sentences(doc.page_content)]
    return out


# A quoted name holding a count of its parts (“三个一百”, “两个确保”).
_COUNTED_NAME_RE = re.compile(r"“([^”]{0,6}[一二两三四五六七八九十百千\d][^”]{0,6})”")


def candidates(
    q: Question,
    docs: list[Document],
    sentences: dict[str, list[StoredSentence]],
    query_vector: np.ndarray | None,
) -> list[Candidate]:
    """Every stored sentence of the retrieved chunks (once, though chunks overlap), checked
    and described; sorted by retrieval order (the scorer ranks them)."""
    seen: set[tuple[str, int]] = set()
    out: list[Candidate] = []
    heaviest = max((t.weight for t in q.terms), default=0.0)
    measures = not q.wants_number and asks_measures(q)  # (asked once, not per sentence)
    one_thing = not q.wants_number and not asks_list(q)
    # (what a quoted name that counts its parts means, “三个一百”: every part, to the sentence's end)
    counted_name = next(iter(_COUNTED_NAME_RE.findall(q.text)), "") if one_thing else ""
    two_asks = q.wants_number and asks_two_things(q)
    asked = asked_indicators(q) if q.wants_number else set()
    asked_way = asked_direction(q) if q.wants_number else ""
    # the question's own words (an English question's first renderings, not the synonyms)
    asked_words = " ".join([q.text, *(t.text for t in q.terms if not t.text.isascii())])
    average_asked = asks_average(asked_words)
    asked_local = [p for p in q.places if p.level >= 2]  # (a city or county asked about)
    quoted = quoted_figures(q)
    report_target_asked = q.kind == TARGET and not q.years and q.relative_year is None and not PAST_PLAN_RE.search(q.text)
    for rank, doc in enumerate(docs):
        meta = doc.metadata
        doc_year = int(meta.get("year") or 0)
        chunk_start = int(meta.get("start", 0))
        context = f"{meta.get('title', '')} {meta.get('section', '')}"
        wanted_years = question_years(q, doc_year)
        bm25_rank = int(meta.get("bm25_rank") or 0)
        dense_rank = int(meta.get("dense_rank") or 0)
        for stored in sentences.get(str(doc.id), []):
            key = (stored.doc_id, stored.start)
            if key in seen or stored.end - stored.start < 4 or INSTRUCTION_RE.search(stored.text):
                continue
            seen.add(key)
            local = stored.start - chunk_start
            sent = Span(stored.text, local, local + len(stored.text))
            frame = SentenceFrame.from_dict(stored.frame)
            clauses = split_clauses(sent.text, sent.start)
            years = set(frame.years)
            rejected = ""
            stated = frame.years_from != "document"  # else the document's year, by default
            # (a plan whose year nothing states may be the next year's: a report given at a
            # year's end sets the next year's plan in a draft plan's words)
            unstated = {doc_year, doc_year - 1} | ({doc_year + 1} if frame.kind == TARGET else set())
            if wanted_years and not (wanted_years & years) and (stated or not wanted_years & unstated):
                rejected = "year"
            elif missing_place(q, meta, sent.text):
                rejected = "place"
            figure = None
            kind = frame.kind
            if q.wants_number:
                figure, span, why = figure_choice(q, frame, clauses, sent.start, asked, wanted_years, asked_way, quoted)
                rejected = rejected or why or (period_total(wanted_years, figure, doc_year) if figure else "")
                # (answer_window already runs past a clause that only frames the next one)
                lo, hi = (span[0], past_frame_phrases(clauses, span[1])) if span is not None \
                    else answer_window(clauses, q.terms, q.text)
                kind = figure.kind if figure is not None else kind
            else:
                lo, hi = answer_window(clauses, q.terms, q.text)
                # (what is done, or what the asked thing is when the answer's first clause names
                # it before a colon, X是：A，B…: the clauses after it, to the sentence's end; a
                # list asked is answered by the list's own rules)
                if measures or (one_thing and clauses[lo].text.rstrip().endswith(("：", ":"))) \
                        or (counted_name and counted_name in clauses[lo].text):
                    hi = measures_end(clauses, lo, hi)
                if q.kind and not kind_ok(q.kind, frame.kind) and frame.figures:
                    rejected = rejected or "kind"
            window = Span(doc.page_content[clauses[lo].start : clauses[hi].end], clauses[lo].start, clauses[hi].end)
            sent_cov = coverage(q.terms, sent.text)
            ctx_cov = coverage(q.terms, f"{context} {sent.text}")
            win_cov = coverage(q.terms, window.text)
            dense = float(np.dot(query_vector, stored.vector)) if query_vector is not None and stored.vector is not None else 0.0
            repeats = sum(max(0, occurrences(t, sent.text) - 1) for t in q.terms if t.weight >= 1.0)
            anchors = [t for t in q.terms if t.weight > 0 and t.weight >= 0.5 * heaviest]
            features = {
                "dense": dense,
                "lex": sent_cov,
                "lex_ctx": ctx_cov,
                "lex_window": win_cov,
                "prior": 1.0 / (1.0 + rank),
                "bm25": 1.0 / bm25_rank if bm25_rank else 0.0,
                "dense_hit": 1.0 / dense_rank if dense_rank else 0.0,
                "focus": min(repeats, 3) / 3.0,
                # the question's distinctive terms in the clauses that answer (an answer about
                # another indicator has the general words, 增长 and 目标, but not these)
                "anchor_window": coverage(anchors, window.text) if anchors else 0.0,
                "kind_match": 1.0 if q.kind and kind == q.kind else 0.0,
                "year_stated": 1.0 if stated and wanted_years & years else 0.0,
                # the share of the years a sentence speaks about that were asked: a statement
                # about one year answers a question about that year better than a five-year
                # review that includes it (年均, 过去五年)
                "year_precision": len(wanted_years & years) / len(years) if wanted_years and years else 0.0,
                "figure": 1.0 if figure is not None else 0.0,
                "indicator": indicator_match(q, figure.indicator) if figure is not None else 0.0,
                "caption": 1.0 if q.wants_caption and meta.get("kind") == "caption" else 0.0,
                "heading": 1.0 if meta.get("kind") == "heading" or sent.text.rstrip("。") in str(meta.get("section", "")) else 0.0,
            }
            # (a figure whose own words name no main indicator measures what the sentence names
            # before it: …Y…，N年达到N万亿元、增长n%)
            measured = "" if figure is None else figure.indicator if names_something(figure.indicator) \
                else sent.text[max(0, figure.start - 40):figure.start]
            if figure is not None and not rejected and other_indicator(asked, measured):
                rejected = "figure"  # a figure of another main indicator than the one asked
            if figure is not None and not rejected and q.wants_number and other_measure(asked_words, figure.indicator):
                rejected = "figure"  # the same indicator measured the other way (登记 for 调查失业率)
            figure_clause = clause_at(clauses, sent.start + figure.start) if figure is not None and asked_local else None
            if figure_clause is not None and not rejected and other_local_place(figure_clause.text, asked_local):
                rejected = "place"  # the figure's clause is about another city or county
            if figure is not None and not rejected and average_asked and not is_average(sent.text, figure):
                rejected = "figure"  # a total over a period answers no question for a yearly average
            if figure is not None and not rejected and report_target_asked and doc_year \
                    and figure.kind == TARGET and figure.years and max(figure.years) < doc_year:
                # a target a report sets is for its year, not a past one it reviews (unless what
                # was originally set is asked)
                rejected = "year"
            if figure is not None and not rejected and not average_asked and len(wanted_years) == 1 \
                    and is_average(sent.text, figure):
                rejected = "figure"  # nor a period's yearly average one about a single year
            if (figure is not None and anchors and not rejected and features["indicator"] < 0.5
                    and names_something(figure.indicator)
                    and features["anchor_window"] == 0 and coverage(anchors, sent.text) > 0):
                # the sentence names what is asked (its distinctive terms), but in another clause
                # than its figure, which measures something else (…固定资产投资提质提效；工业增加值增长6%);
                # not a figure whose own words name nothing (…，增加到了N年的a): it measures what
                # its sentence names
                rejected = "figure"
            matched = None
            if figure is not None and two_asks and hi + 1 < len(clauses):
                # (two things asked of one figure, its growth or rank: the clause after it too)
                matched = window
                window = Span(doc.page_content[clauses[lo].start : clauses[hi + 1].end], clauses[lo].start,
                              clauses[hi + 1].end)
            if measures and lo > 0 and clauses[hi].end - clauses[0].start <= MEASURES_WINDOW_CHARS:
                # (what is done: the measures before the clause that names the topic are measures
                # of it too, 推进A，抓好B等重大工程: the answer quotes them from the sentence's start;
                # the features above weigh the clauses that matched)
                matched = window
                window = Span(doc.page_content[clauses[0].start : clauses[hi].end], clauses[0].start, clauses[hi].end)
            out.append(Candidate(doc, rank, sent, window, years, sent_cov, ctx_cov, win_cov, figure,
                                 rejected=rejected, kind=kind if kind in (TARGET, RESULT) else "", features=features,
                                 matched=matched))
    if out:  # how far each sentence is from the closest one
        top = max(c.features["dense"] for c in out)
        for c in out:
            c.features["dense_gap"] = top - c.features["dense"]
    return out
