"""Extractive answers: no LLM. Pick the sentence(s) that answer, quote them verbatim, and
compose a short answer out of their own clauses, so every figure shown is in a cited quote.
When nothing passes the checks (year, figure and unit, term coverage), say so plainly."""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.documents import Document

from assistant.evidence import Candidate, candidates, missing_place, question_years
from assistant.question import QuestionAnalysis
from assistant.schema import Citation
from ingest.metadata import page_at
from ingest.textutils import figure_key

# Share of the question's (IDF-weighted) terms that the evidence must cover.
MIN_CONTEXT_COVERAGE = 0.55
MIN_WINDOW_COVERAGE_FIGURE = 0.34
EXTRA_SENTENCE_RATIO = 0.92
MAX_CITATIONS = 3


@dataclass
class Extraction:
    answer: str
    refused: bool
    citations: list[Citation]
    chosen: list[Candidate]
    reason: str = ""


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


def _accepts(qa: QuestionAnalysis, cand: Candidate) -> bool:
    if cand.rejected:
        return False
    if cand.context_coverage < MIN_CONTEXT_COVERAGE:
        return False
    return not (qa.wants_number and cand.window_coverage < MIN_WINDOW_COVERAGE_FIGURE)


def refusal_text(qa: QuestionAnalysis, pool: list[Candidate]) -> tuple[str, str]:
    """A plain statement that the documents do not answer, with the reason when known."""
    years_wanted = set()
    for cand in pool[:20]:
        years_wanted |= question_years(qa, int(cand.doc.metadata.get("year") or 0))
    # "Nothing about 2023" is only said when no passage near the question speaks of 2023.
    if any(cand.years & years_wanted for cand in pool[:20]):
        years_wanted = set()
    if qa.is_english:
        if years_wanted and pool and all(c.rejected == "year" for c in pool[:5]):
            y = "、".join(str(v) for v in sorted(years_wanted))
            return (f"The documents do not answer this: nothing in them covers {y}.", "year")
        return ("The documents do not answer this question (资料中未找到相关内容).", "coverage")
    near_year = [c for c in pool[:8] if c.rejected == "year" and c.context_coverage >= MIN_CONTEXT_COVERAGE]
    if years_wanted and near_year:
        y = "、".join(f"{v}年" for v in sorted(years_wanted))
        return (f"资料中未找到{y}的相关信息：资料中相近的内容说的是其他年份，不能用来回答。", "year")
    near_place = [c for c in pool[:8] if c.rejected == "place" and c.context_coverage >= MIN_CONTEXT_COVERAGE]
    if near_place:
        place = missing_place(qa, near_place[0].doc.metadata, near_place[0].sentence.text)
        return (f"资料中未找到关于{place}的相关信息：相近的内容说的是其他地区，不能用来回答。", "place")
    if qa.wants_number and qa.unit:
        return (f"资料中未找到该问题所问的数字（以“{qa.unit}”计）。", "figure")
    if qa.wants_number:
        return ("资料中未找到回答该问题的数字。", "figure")
    return ("资料中未找到与该问题相关的内容。", "coverage")


def _compose(qa: QuestionAnalysis, chosen: list[Candidate], labelled: bool = False) -> str:
    parts: list[str] = []
    for n, cand in enumerate(chosen, start=1):
        piece = cand.window.text.strip().rstrip("，,；;。：:")
        if labelled:  # several reports: say which one each part comes from
            name = str(cand.doc.metadata.get("label") or cand.doc.metadata.get("title") or "")
            piece = f"{name}：{piece}" if name else piece
        # Name the year when the window lost it but the quoted sentence states it.
        missing = [y for y in sorted(cand.years & question_years(qa, int(cand.doc.metadata.get("year") or 0)))
                   if f"{y}年" in cand.sentence.text and str(y) not in piece]
        if missing and qa.wants_number:
            piece = f"{missing[0]}年，{piece}"
        parts.append(f"{piece}[{n}]")
    body = "；".join(parts) + "。"
    if qa.is_english:
        return f"According to the documents: {body}"
    return body


def extract(qa: QuestionAnalysis, docs: list[Document], per_document: bool = False) -> Extraction:
    """The answer from ``docs``. ``per_document``: the question names no year or region and
    the corpus holds several reports, so the best sentence of each of the top documents is
    given, each named (or the one report used is named)."""
    pool = candidates(qa, docs)
    accepted = [c for c in pool if _accepts(qa, c)]
    if not accepted:
        text, reason = refusal_text(qa, pool)
        return Extraction(text, True, [], [], reason)
    if per_document:
        chosen = _best_per_document(accepted)
        citations = [citation_for(n, c) for n, c in enumerate(chosen, start=1)]
        return Extraction(_compose(qa, chosen, labelled=True), False, citations, chosen)
    best = accepted[0]
    chosen = [best]
    if not qa.wants_number:
        for cand in accepted[1:]:
            if len(chosen) >= MAX_CITATIONS or cand.score < EXTRA_SENTENCE_RATIO * best.score:
                break
            if any(cand.window.text in c.window.text or c.window.text in cand.window.text for c in chosen):
                continue
            chosen.append(cand)
    citations = [citation_for(n, c) for n, c in enumerate(chosen, start=1)]
    text = _compose(qa, chosen)
    support = _same_figure_elsewhere(best, accepted) if qa.wants_number else None
    if support is not None:  # the figure stated again in the same document: cite both places
        citations.append(citation_for(2, support))
        text = text.replace("[1]", "[1][2]", 1)
    return Extraction(text, False, citations, chosen)


def _same_figure_elsewhere(best: Candidate, accepted: list[Candidate]) -> Candidate | None:
    """Another accepted sentence of the same document stating the same figure (a report
    often gives a target in its list of 预期目标 and again where it explains it)."""
    if best.figure is None:
        return None
    key = figure_key(best.figure)
    for cand in accepted[1:6]:
        if (cand.figure is not None and figure_key(cand.figure) == key
                and cand.doc.metadata.get("doc_id") == best.doc.metadata.get("doc_id")
                and cand.sentence.text != best.sentence.text
                and cand.score >= 0.85 * best.score):
            return cand
    return None


PER_DOCUMENT_RATIO = 0.8


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
