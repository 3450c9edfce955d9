"""Evidence scoring: how well a sentence (and the clauses inside it) supports a question.

Shared by the extractive answerer and the grounding guard of generative modes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from langchain_core.documents import Document

from assistant.glossary import alternatives
from assistant.question import NATIONAL_PLACES, QuestionAnalysis, Term, search_words
from ingest.textutils import Figure, Span, find_figures, normalize_width, split_clauses, split_sentences
from ingest.timeref import statement_years

# A counter word asked for ("几个") accepts these units in the text; other units must match.
_COUNTERS = {"个", "家", "项", "座", "所", "处", "条", "批", "套", "台", "辆", "名", "位"}
_MONEY = ("亿元", "万元", "元", "亿", "万亿元", "万亿")


def unit_compatible(found: str, wanted: str) -> bool:
    """Whether a figure's unit answers a question asking for ``wanted``."""
    if not wanted:
        return True
    if wanted in ("亿元", "万元", "元", "亿", "万亿元"):
        return found.endswith("元") or found in _MONEY
    if wanted in ("百分点", "个百分点", "%"):
        return found in ("%", "百分点", "个百分点")
    if wanted == "个":
        return found in _COUNTERS
    if wanted in ("人", "万人"):
        return found.endswith("人")
    return found == wanted or found.endswith(wanted)


class TermWeights:
    """IDF weights of question terms over the live corpus (``df`` gives chunk frequency)."""

    def __init__(self, df: Callable[[str], int], n_chunks: int, tokenize: Callable[[str], list[str]]) -> None:
        self._df = df
        self._n = max(n_chunks, 1)
        self._tokenize = tokenize

    def idf_of(self, text: str) -> float | None:
        """IDF of a term (mean over its index tokens); ``None`` if no token occurs in the corpus."""
        tokens = [t for t in self._tokenize(text) if self._df(t) > 0]
        if not tokens:
            return None
        return sum(math.log(1 + (self._n - self._df(t) + 0.5) / (self._df(t) + 0.5)) for t in tokens) / len(tokens)

    def weigh(self, qa: QuestionAnalysis) -> None:
        max_idf = math.log(1 + (self._n + 0.5) / 0.5)
        unglossed: list[Term] = []
        weighed: list[float] = []  # weights of the terms the corpus or the glossary could place
        for term in qa.terms:
            known = [w for w in (self.idf_of(a) for a in term.alternatives) if w is not None]
            if known:
                term.weight = max(min(known), 0.2) * (0.5 if term.answer_type else 1.0)
            elif term.text.isascii():
                unglossed.append(term)
                continue
            else:
                # A concept the corpus never mentions weighs like a rare term, but not so much
                # that one unmatched modifier (防治 in 水污染防治) outweighs every matched term.
                term.weight = 0.5 * max_idf * (0.5 if term.answer_type else 1.0)
            weighed.append(term.weight)
        # An English word the glossary cannot put into Chinese: a name (Haicheng's) says nothing
        # either way; a content word (livable, processing) is part of what is asked and is not
        # matched, so a passage that only matches the rest does not pass for the answer.
        for term in unglossed:
            term.weight = 0.0 if term.text[:1].isupper() else max(weighed, default=1.0)


@lru_cache(maxsize=16384)
def _norm(text: str) -> str:
    return normalize_width(text).lower()


def term_matches(term: Term, text: str) -> bool:
    norm = _norm(text)
    return any(_norm(alt) in norm for alt in term.alternatives)


def _count(term: Term, text: str) -> int:
    norm = _norm(text)
    return max(norm.count(_norm(alt)) for alt in term.alternatives)


def coverage(terms: list[Term], text: str) -> float:
    total = sum(t.weight for t in terms)
    if total <= 0:
        return 0.0
    return sum(t.weight for t in terms if term_matches(t, text)) / total


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
    figure: Figure | None
    score: float = 0.0
    rejected: str = ""  # why it cannot answer: "year", "figure", "" if it can


def question_years(qa: QuestionAnalysis, doc_year: int) -> set[int]:
    years = set(qa.years)
    if qa.relative_year is not None and doc_year:
        years.add(doc_year + qa.relative_year)
    return years


def missing_place(qa: QuestionAnalysis, meta: dict[str, object], text: str) -> str:
    """A place the question names that neither the passage nor its document is about."""
    where = f"{text} {meta.get('section', '')} {meta.get('title', '')} {meta.get('region', '')}"
    for place in qa.places:
        if place in where:
            continue
        if place in NATIONAL_PLACES and meta.get("region") == "国务院":
            continue
        return place
    return ""


def _novel_chars(text: str, question: str) -> int:
    """Characters of ``text`` (letters, digits, CJK) that the question does not already contain."""
    seen = set(question)
    return sum(1 for ch in text if (ch.isalnum() or "\u4e00" <= ch <= "\u9fff") and ch not in seen)


def _best_covering_window(clauses: list[Span], terms: list[Term], hits: list[int], max_chars: int) -> tuple[int, int]:
    """Shortest run of clauses with the highest coverage, within ``max_chars``."""
    best, best_cov = (hits[0], hits[0]), -1.0
    for i in hits:
        for j in hits:
            if j < i or (j > i and clauses[j].end - clauses[i].start > max_chars):
                continue
            cov = coverage(terms, "".join(c.text for c in clauses[i : j + 1]))
            if cov > best_cov + 1e-9 or (abs(cov - best_cov) < 1e-9 and j - i < best[1] - best[0]):
                best, best_cov = (i, j), cov
    return best


def _window(clauses: list[Span], terms: list[Term], question: str, max_chars: int = 100) -> tuple[int, int]:
    """The clauses that answer: from the first to the last clause holding a distinctive
    question term (frequent terms such as the city name do not anchor it), capped in length,
    and widened while it only restates the question."""
    weights = [t.weight for t in terms if t.weight > 0]
    if not weights:
        return 0, len(clauses) - 1
    floor = min(0.8, 0.4 * max(weights))
    anchors = [t for t in terms if t.weight >= max(floor, 0.4 * max(weights))]
    hits = [i for i, c in enumerate(clauses) if any(term_matches(t, c.text) for t in anchors)]
    if not hits:
        hits = [i for i, c in enumerate(clauses) if any(term_matches(t, c.text) for t in terms if t.weight > 0)]
    if not hits:
        return 0, len(clauses) - 1
    lo, hi = hits[0], hits[-1]
    if clauses[hi].end - clauses[lo].start > max_chars:
        lo, hi = _best_covering_window(clauses, terms, hits, max_chars)
    while _novel_chars("".join(c.text for c in clauses[lo : hi + 1]), question) < 6:
        if lo > 0:
            lo -= 1
        elif hi < len(clauses) - 1:
            hi += 1
        else:
            break
    return lo, hi


def _figure_window(clauses: list[Span], fig_start: int, terms: list[Term]) -> tuple[int, int]:
    """The clause holding a figure, extended left while that adds question terms (max 2)."""
    idx = next((i for i, c in enumerate(clauses) if c.start <= fig_start < c.end), 0)
    lo = idx
    base = coverage(terms, clauses[idx].text)
    while lo > 0 and idx - lo < 2:
        extended = coverage(terms, "".join(c.text for c in clauses[lo - 1 : idx + 1]))
        if extended <= base + 1e-9:
            break
        lo, base = lo - 1, extended
    return lo, idx


def refine_terms(qa: QuestionAnalysis, docs: list[Document]) -> None:
    """Split a compound term that no retrieved passage contains (经济增速, 腐败问题) into its
    words, which share its weight; a compound found somewhere is kept whole."""
    texts = [_norm(f"{d.page_content} {d.metadata.get('section', '')}") for d in docs]
    refined: list[Term] = []
    for term in qa.terms:
        found = any(_norm(a) in t for a in term.alternatives for t in texts)
        if found or len(term.text) < 3 or term.text.isascii():
            refined.append(term)
            continue
        parts = [p for p in search_words(term.text) if p != term.text and len(p) >= 2]
        parts = [p for p in dict.fromkeys(parts) if not any(p in q and p != q for q in parts)]
        if not parts:
            refined.append(term)
            continue
        for part in parts:
            refined.append(Term(part, alternatives(part), term.weight / len(parts), term.answer_type))
    qa.terms = refined


def sentence_key(doc: Document, sent: Span) -> tuple[str, int]:
    """Where a sentence of a chunk is in its document: the same for overlapping chunks."""
    return (str(doc.metadata.get("doc_id")), int(doc.metadata.get("start", 0)) + sent.start)


def candidates(qa: QuestionAnalysis, docs: list[Document]) -> list[Candidate]:
    """Every sentence of the retrieved chunks, scored; duplicates from overlaps removed."""
    refine_terms(qa, docs)
    seen: set[tuple[str, int]] = set()
    out: list[Candidate] = []
    for rank, doc in enumerate(docs):
        meta = doc.metadata
        doc_year = int(meta.get("year") or 0)
        headings = tuple(h for h in str(meta.get("section") or "").split(" > ") if h)
        context = f"{meta.get('title', '')} {meta.get('section', '')}"
        wanted_years = question_years(qa, doc_year)
        for sent in split_sentences(doc.page_content):
            key = sentence_key(doc, sent)
            if key in seen or len(sent.text) < 4:
                continue
            seen.add(key)
            clauses = split_clauses(sent.text, sent.start)
            years = statement_years(sent.text, headings, doc_year)
            sent_cov = coverage(qa.terms, sent.text)
            ctx_cov = coverage(qa.terms, f"{context} {sent.text}")
            figure = None
            rejected = ""
            if wanted_years and not (wanted_years & years):
                rejected = "year"
            elif missing_place(qa, meta, sent.text):
                rejected = "place"
            if qa.wants_number:
                figures = [
                    f for f in find_figures(sent.text) if not f.is_year and unit_compatible(f.unit, qa.unit)
                ]
                best_fig: tuple[float, Figure, tuple[int, int]] | None = None
                for fig in figures:
                    lo, hi = _figure_window(clauses, sent.start + fig.start, qa.terms)
                    cov = coverage(qa.terms, "".join(c.text for c in clauses[lo : hi + 1]))
                    if best_fig is None or cov > best_fig[0]:
                        best_fig = (cov, fig, (lo, hi))
                if best_fig is None:
                    rejected = rejected or "figure"
                    lo, hi = _window(clauses, qa.terms, qa.text)
                else:
                    figure = best_fig[1]
                    lo, hi = best_fig[2]
            else:
                lo, hi = _window(clauses, qa.terms, qa.text)
            window = Span(
                doc.page_content[clauses[lo].start : clauses[hi].end], clauses[lo].start, clauses[hi].end
            )
            win_cov = coverage(qa.terms, window.text)
            cand = Candidate(doc, rank, sent, window, years, sent_cov, ctx_cov, win_cov, figure, rejected=rejected)
            prior = 1.0 / (1.0 + rank)
            caption_bonus = 0.15 if qa.wants_caption and meta.get("kind") == "caption" else 0.0
            # A sentence that keeps returning to the question's subject is about it, not a passing mention.
            repeats = sum(max(0, _count(t, sent.text) - 1) for t in qa.terms if t.weight >= 1.0)
            focus = 0.03 * min(repeats, 3)
            cand.score = 0.45 * sent_cov + 0.25 * ctx_cov + 0.2 * win_cov + 0.1 * prior + caption_bonus + focus
            out.append(cand)
    out.sort(key=lambda c: c.score, reverse=True)
    return out
