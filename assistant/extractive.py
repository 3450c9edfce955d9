"""Extractive answers: no LLM. The scorer picks the sentence(s) that answer; the answer is
composed from their own clauses, named by the report they come from (and, for a figure,
whether it is a target or a result), so every figure shown is in a cited quote. When no
sentence passes the checks and the scorer's threshold, the answer says so plainly, with the
reason when it is known (the year, the place, the figure asked for)."""

from __future__ import annotations

from dataclasses import dataclass, field

from langchain_core.documents import Document

from assistant.evidence import Candidate, missing_place, question_years
from assistant.question import AMOUNT_UNIT, Question
from assistant.schema import Citation
from assistant.scorer import LinearScorer
from common.places import NATIONAL, english_name, short_form
from common.textutils import figure_key
from ingest.frames import RESULT, TARGET
from ingest.metadata import page_at

MAX_CITATIONS = 3
PER_DOCUMENT_RATIO = 0.8


@dataclass
class Extraction:
    answer: str
    refused: bool
    citations: list[Citation]
    chosen: list[Candidate]
    reason: str = ""
    pool: list[Candidate] = field(default_factory=list)  # every candidate, scored (for packing and the guard)


def citation_for(n: int, cand: Candidate) -> Citation:
    meta = cand.doc.metadata
    section = str(meta.get("section") or "")
    if meta.get("kind") not in (None, "body", "heading"):
        label = str(meta.get("kind_label") or meta.get("kind"))
        section = f"{label} · {section}" if section else label
    page = page_at(meta, cand.sentence.start)
    if page:  # PDFs: the page the quoted sentence is on
        section = f"第{page}页 · {section}" if section else f"第{page}页"
    return Citation(
        n=n,
        doc_id=str(meta.get("doc_id", "")),
        source=str(meta.get("source", "")),
        title=str(meta.get("title", "")),
        section=section,
        text=cand.doc.page_content,
        quote=cand.sentence.text,
        start=cand.sentence.start,
        end=cand.sentence.end,
    )


def passage_citation(n: int, doc: Document) -> Citation:
    """A whole retrieved passage as a citation (for 'nearest passages' displays)."""
    meta = doc.metadata
    return Citation(
        n=n, doc_id=str(meta.get("doc_id", "")), source=str(meta.get("source", "")),
        title=str(meta.get("title", "")), section=str(meta.get("section", "")),
        text=doc.page_content, quote=doc.page_content, start=0, end=len(doc.page_content),
    )


def score_pool(q: Question, pool: list[Candidate], scorer: LinearScorer) -> list[Candidate]:
    """The pool with scores, best first."""
    for cand in pool:
        cand.score = scorer.score(cand.features, q.is_english)
    return sorted(pool, key=lambda c: c.score, reverse=True)


def understood(q: Question) -> bool:
    """Whether every content word of the question is rendered in the reports' words: an English
    word the glossary does not know (not a name, which weighs nothing) is not."""
    return not any(t.text.isascii() and t.weight > 0 and t.alternatives == (t.text,) for t in q.terms)


def _same_figure(a: Candidate, b: Candidate) -> bool:
    return a.figure is not None and b.figure is not None and figure_key(a.figure) == figure_key(b.figure)


def accepted_candidates(q: Question, ranked: list[Candidate], scorer: LinearScorer) -> list[Candidate]:
    """The scored candidates that may answer, best first: those at or above the threshold; or,
    when none is, the best one alone if it stands out from the best other sentence
    (``LinearScorer.stands_out``: a clear winner among weak lexical matches, as when a question
    is worded in everyday words the report does not use). Not for a question with words it
    could not render (``understood``): a winner among partial matches answers another question."""
    threshold = scorer.threshold_for(q.is_english)
    candidates = [c for c in ranked if not c.rejected]
    accepted = [c for c in candidates if c.score >= threshold]
    if accepted or not candidates or not understood(q):
        return accepted
    best = candidates[0]
    return [best] if scorer.stands_out(best.score, runner_up_score(best, candidates), q.wants_number) else []


def runner_up_score(best: Candidate, ranked: list[Candidate]) -> float:
    """The score the margin rule weighs ``best`` against: the best other sentence not rejected
    (a sentence giving the same figure agrees with the best: the margin is over the best one
    that says something else)."""
    return next((c.score for c in ranked if not c.rejected and c.sentence.text != best.sentence.text
                 and not _same_figure(c, best)), 0.0)


def refusal_text(q: Question, pool: list[Candidate], near: float) -> tuple[str, str]:
    """A plain statement that the documents do not answer, with the reason when known: a
    rejected sentence that would otherwise have scored above ``near``."""
    close = [c for c in pool[:12] if c.score >= near]
    years_wanted: set[int] = set()
    for cand in pool[:20]:
        years_wanted |= question_years(q, int(cand.doc.metadata.get("year") or 0))
    # "Nothing about 2023" is only said when no passage near the question speaks of 2023.
    if any(cand.years & years_wanted for cand in pool[:20]):
        years_wanted = set()
    near_year = [c for c in close if c.rejected == "year"]
    near_place = [c for c in close if c.rejected == "place"]
    near_kind = [c for c in close if c.rejected == "kind"]
    if q.is_english:
        if years_wanted and near_year:
            y = ", ".join(str(v) for v in sorted(years_wanted))
            return (f"The documents do not answer this: nothing in them covers {y}.", "year")
        return ("The documents do not answer this question (资料中未找到相关内容).", "coverage")
    if years_wanted and near_year:
        y = "、".join(f"{v}年" for v in sorted(years_wanted))
        return (f"资料中未找到{y}的相关信息：资料中相近的内容说的是其他年份，不能用来回答。", "year")
    if near_place:
        place = missing_place(q, near_place[0].doc.metadata, near_place[0].sentence.text)
        return (f"资料中未找到关于{place}的相关信息：相近的内容说的是其他地区，不能用来回答。", "place")
    if near_kind:
        asked, other = ("目标", "实际完成情况") if q.kind == TARGET else ("实际完成情况", "目标")
        return (f"资料中未找到所问的{asked}：相近的内容说的是{other}，不能用来回答。", "kind")
    if q.wants_number and q.unit and q.unit != AMOUNT_UNIT:
        return (f"资料中未找到该问题所问的数字（以“{q.unit}”计）。", "figure")
    if q.wants_number:
        return ("资料中未找到回答该问题的数字。", "figure")
    return ("资料中未找到与该问题相关的内容。", "coverage")


def source_label(meta: dict[str, object], english: bool = False) -> str:
    """``2024年国务院政府工作报告`` / ``Jiangsu, 2025 government work report``."""
    if not english:
        return str(meta.get("label") or meta.get("title") or "")
    year = int(str(meta.get("year") or 0) or 0)
    region = str(meta.get("region") or "")
    place = "China (State Council)" if region == NATIONAL else (english_name(short_form(region)) if region else "")
    kind = "government work report" if "工作报告" in str(meta.get("doc_type", "")) else "report"
    name = f"{year} {kind}" if year else kind
    return f"{place}, {name}" if place else name


def _kind_label(cand: Candidate, english: bool) -> str:
    if cand.figure is None or cand.kind not in (TARGET, RESULT):
        return ""
    if english:
        return " (target)" if cand.kind == TARGET else " (actual)"
    return "（目标）" if cand.kind == TARGET else "（实际）"


def compose(q: Question, chosen: list[Candidate], labelled: bool = True) -> str:
    """The answer text: each chosen sentence's answering clauses with its citation marker,
    named by its report when ``labelled`` (and as a target or a result for a figure)."""
    parts: list[str] = []
    for n, cand in enumerate(chosen, start=1):
        piece = cand.window.text.strip().rstrip("，,；;。：:")
        # Name the year when the window lost it but the quoted sentence states it.
        missing = [y for y in sorted(cand.years & question_years(q, int(cand.doc.metadata.get("year") or 0)))
                   if f"{y}年" in cand.sentence.text and str(y) not in piece]
        if missing and q.wants_number:
            piece = f"{missing[0]}年，{piece}"
        if labelled:
            name = source_label(cand.doc.metadata, q.is_english)
            if name:
                sep = ": " if q.is_english else "："
                piece = f"{name}{_kind_label(cand, q.is_english)}{sep}{piece}"
        parts.append(f"{piece}[{n}]")
    body = "；".join(parts) + "。"
    return f"According to {body}" if q.is_english and labelled else body


def extract(q: Question, pool: list[Candidate], scorer: LinearScorer, per_document: bool = False,
            labelled: bool = True) -> Extraction:
    """The answer from a scored candidate pool. ``per_document``: the question names no year
    or region and the corpus holds several reports, so the best sentence of each of the top
    documents is given, each named. ``labelled``: name the report each sentence comes from
    (a corpus of one document needs no names)."""
    ranked = score_pool(q, pool, scorer)
    threshold = scorer.threshold_for(q.is_english)
    accepted = accepted_candidates(q, ranked, scorer)
    if not accepted:
        text, reason = refusal_text(q, ranked, threshold)
        return Extraction(text, True, [], [], reason, ranked)
    if per_document:
        chosen = _best_per_document(accepted)
        citations = [citation_for(n, c) for n, c in enumerate(chosen, start=1)]
        return Extraction(compose(q, chosen), False, citations, chosen, pool=ranked)  # always named
    best = accepted[0]
    chosen = [best]
    if not q.wants_number:
        for cand in accepted[1:]:
            if len(chosen) >= MAX_CITATIONS or cand.score < scorer.extra_ratio * best.score:
                break
            if any(cand.window.text in c.window.text or c.window.text in cand.window.text for c in chosen):
                continue
            chosen.append(cand)
    citations = [citation_for(n, c) for n, c in enumerate(chosen, start=1)]
    text = compose(q, chosen, labelled)
    support = _same_figure_elsewhere(best, accepted) if q.wants_number else None
    if support is not None:  # the figure stated again in the same document: cite both places
        citations.append(citation_for(2, support))
        text = text.replace("[1]", "[1][2]", 1)
    return Extraction(text, False, citations, chosen, pool=ranked)


def _same_figure_elsewhere(best: Candidate, accepted: list[Candidate]) -> Candidate | None:
    """Another accepted sentence of the same document stating the same figure (a report
    often gives a target in its list of 预期目标 and again where it explains it)."""
    if best.figure is None:
        return None
    for cand in accepted[1:6]:
        if (cand.figure is not None and (cand.figure.value, cand.figure.unit) == (best.figure.value, best.figure.unit)
                and cand.doc.metadata.get("doc_id") == best.doc.metadata.get("doc_id")
                and cand.sentence.text != best.sentence.text
                and cand.score >= 0.85 * best.score):
            return cand
    return None


def _best_per_document(accepted: list[Candidate]) -> list[Candidate]:
    """The best accepted sentence of each document, best documents first, while they score
    close to the overall best."""
    best = accepted[0]
    chosen: list[Candidate] = []
    docs: set[str] = set()
    for cand in accepted:
        doc = str(cand.doc.metadata.get("doc_id"))
        if doc in docs:
            continue
        if len(chosen) >= MAX_CITATIONS or cand.score < PER_DOCUMENT_RATIO * best.score:
            break
        docs.add(doc)
        chosen.append(cand)
    return chosen

