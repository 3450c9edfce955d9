"""Where in a sentence the answer is: which of the question's terms a text holds (in every
script and width), and the window of clauses that answers (the clauses holding its distinctive
terms, the clause of a figure, the run of measures after a topic)."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.question import Term
from common.normalize import simplified
from common.textutils import Span, normalize_width


@lru_cache(maxsize=16384)
def match_form(text: str) -> str:
    """The form texts are matched in: simplified characters, half-width, lower case."""
    return simplified(normalize_width(text)).lower()


def term_matches(term: Term, text: str) -> bool:
    norm = match_form(text)
    return any(match_form(alt) in norm for alt in term.alternatives)


def occurrences(term: Term, text: str) -> int:
    norm = match_form(text)
    return max(norm.count(match_form(alt)) for alt in term.alternatives)


def clause_at(clauses: list[Span], at: int) -> Span | None:
    """The clause that holds offset ``at``."""
    return next((c for c in clauses if c.start <= at < c.end), None)


def coverage(terms: tuple[Term, ...] | list[Term], text: str) -> float:
    total = sum(t.weight for t in terms)
    if total <= 0:
        return 0.0
    return sum(t.weight for t in terms if term_matches(t, text)) / total


def _novel_chars(text: str, question: str) -> int:
    """Characters of ``text`` (letters, digits, CJK) that the question does not already contain."""
    seen = set(question)
    return sum(1 for ch in text if (ch.isalnum() or "\u4e00" <= ch <= "\u9fff") and ch not in seen)


def _best_covering_window(clauses: list[Span], terms: tuple[Term, ...], hits: list[int], max_chars: int) -> tuple[int, int]:
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


# A clause that is only a prepositional frame (在…基础上, 对…的部分, 除了…外, 随着…): what it
# frames is said in the clause after it.
_FRAME_PHRASE_RE = re.compile(r"^(?:在|对于?|为了?|按照?|根据|通过|围绕|除了?|随着|经过|依据|针对|基于)[^，,；;。：:]*"
                              r"(?:上|下|中|外|时|后|前|方面|部分|之际|期间)[，,]?$")


def past_frame_phrases(clauses: list[Span], hi: int) -> int:
    """The window's last clause, moved past clauses that only set the frame of what follows (在X
    基础上, 对X的部分, 除了X外): a window never ends on one."""
    while hi + 1 < len(clauses) and _FRAME_PHRASE_RE.match(clauses[hi].text.strip()):
        hi += 1
    return hi


def answer_window(clauses: list[Span], terms: tuple[Term, ...], question: str, max_chars: int = 100) -> tuple[int, int]:
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
    hi = past_frame_phrases(clauses, hi)
    while _novel_chars("".join(c.text for c in clauses[lo : hi + 1]), question) < 6:
        if lo > 0:
            lo -= 1
        elif hi < len(clauses) - 1:
            hi += 1
        else:
            break
    return lo, hi


MEASURES_WINDOW_CHARS = 160  # a window of measures runs on to the end of its sentence, up to this


def measures_end(clauses: list[Span], lo: int, hi: int) -> int:
    """The last clause of an answer about measures: a sentence names its topic once and lists
    the measures after it (推进A国家公园设立，推动B基地建设，实施C工程。), so the window runs on
    past the clauses that hold the question's terms, to the sentence's end or the length cap."""
    while hi + 1 < len(clauses) and clauses[hi + 1].end - clauses[lo].start <= MEASURES_WINDOW_CHARS:
        hi += 1
    return hi


def figure_window(clauses: list[Span], fig_start: int, terms: tuple[Term, ...]) -> tuple[int, int]:
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
