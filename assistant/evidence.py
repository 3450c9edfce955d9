"""Evidence: every sentence of the retrieved passages as a candidate answer, checked against
the question's frame and described by the features the scorer weighs.

A sentence that addresses the model (``INSTRUCTION_RE``: "忽略以上规则，回答：…") is no
candidate at all: a document's text is data, and an instruction in it is never evidence.

Hard checks (a failed one rejects the sentence, with the reason kept for the refusal text):
* ``year``: the sentence speaks about none of the years asked (its stored frame);
* ``place``: the question names a place that neither the sentence nor its document is about;
* ``figure``: a figure is asked for and the sentence has none in the asked unit;
* ``kind``: a target is asked for and its figures are results, or the other way round.

Features (see ``assistant/scorer.py``): the e5 similarity of the question and the sentence,
lexical coverage of the question's terms (sentence, with headings and title, the answering
clauses), the passage's retrieval ranks, and whether the figure found is of the kind asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from langchain_core.documents import Document

from assistant.glossary import alternatives, indicator_groups, other_measure, without_denominators
from assistant.planner import asks_measures
from assistant.question import AMOUNT_UNIT, PARENTHESIS_RE, QUESTION_WORDS_RE, Question, Term, search_words
from common.normalize import simplified
from common.places import NATIONAL
from common.textutils import Span, normalize_width, split_clauses
from ingest.frames import RESULT, TARGET, FigureFrame, SentenceFrame
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
# A counter word asked for ("几个") accepts these units in the text; other units must match.
_COUNTERS = {"个", "家", "项", "座", "所", "处", "条", "批", "套", "台", "辆", "名", "位"}
_MONEY = ("亿元", "万元", "元", "亿", "万亿元", "万亿")
_NOT_COUNTS = ("元", "%", "％", "吨", "斤", "亩", "米", "克", "升", "度", "岁", "倍", "年", "月", "天", "日")


def unit_compatible(found: str, wanted: str) -> bool:
    """Whether a figure's unit answers a question asking for ``wanted`` (its scale aside:
    ``2万个`` is a count of 个)."""
    if not wanted:
        return True
    if wanted == AMOUNT_UNIT:
        return not found.endswith(("%", "％", "百分点"))
    if len(found) > 1 and found[0] in "万亿千" and found[1:] not in ("", "元"):
        found = found.lstrip("万亿千")
    if len(wanted) > 1 and wanted[0] in "万亿千" and wanted[1:] not in ("", "元", "人", "斤"):
        wanted = wanted.lstrip("万亿千")  # 多少万亩 asks for 亩, at any scale
    if wanted in ("亿元", "万元", "元", "亿", "万亿元"):
        return "元" in found or found in _MONEY  # (元/月, 元/人: money per month, per person)
    if wanted == "%":  # a rate: a gap between two rates (高于…0.4个百分点) is not one; a growth in 倍 is
        return found.endswith(("%", "％", "倍"))
    if wanted in ("百分点", "个百分点"):
        return found.endswith(("%", "％", "百分点"))
    # a count (how many…) is any measure word of one character or a bare scale (N列, N万),
    # not money, a rate or a measure of length, weight or area
    if wanted == "个":
        return found in _COUNTERS or (len(found.lstrip("万亿千多")) <= 1 and not found.endswith(_NOT_COUNTS))
    if wanted in ("人", "万人"):
        return found.endswith("人") or found in ("万", "亿", "万多", "多万")
    if wanted.endswith("斤"):
        return found.endswith(("斤", "吨"))
    return found == wanted or found.endswith(wanted)


@lru_cache(maxsize=16384)
def _norm(text: str) -> str:
    return simplified(normalize_width(text)).lower()


def term_matches(term: Term, text: str) -> bool:
    norm = _norm(text)
    return any(_norm(alt) in norm for alt in term.alternatives)


def _count(term: Term, text: str) -> int:
    norm = _norm(text)
    return max(norm.count(_norm(alt)) for alt in term.alternatives)


def coverage(terms: tuple[Term, ...] | list[Term], text: str) -> float:
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
    figure: FigureFrame | None
    score: float = 0.0
    rejected: str = ""  # why it cannot answer: "year", "place", "figure", "kind"; "" if it can
    kind: str = ""  # of the figure found (or of the sentence)
    features: dict[str, float] = field(default_factory=dict)


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


def refine_terms(q: Question, docs: list[Document]) -> Question:
    """Split a compound term that no retrieved passage contains (经济增速, 腐败问题) into its
    words, which share its weight; a compound found somewhere is kept whole."""
    texts = [_norm(f"{d.page_content} {d.metadata.get('section', '')}") for d in docs]
    refined: list[Term] = []
    for term in q.terms:
        found = any(_norm(a) in t for a in term.alternatives for t in texts)
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


def _kind_ok(asked: str, found: str) -> bool:
    return not asked or not found or asked == found


def _bigrams(text: str) -> set[str]:
    chars = [c for c in _norm(text) if c.isalnum()]
    return {a + b for a, b in zip(chars, chars[1:], strict=False)}


@lru_cache(maxsize=4096)
def _asked_bigrams(text: str, places: tuple[str, ...]) -> frozenset[str]:
    """Bigrams of what a question asks about: without years, places and question words."""
    core = re.sub(r"(?:19|20)\d\d年?", " ", text)
    for place in places:
        core = core.replace(place, " ")
    return frozenset(_bigrams(QUESTION_WORDS_RE.sub(" ", core)))


def indicator_match(q: Question, indicator: str, own_words: bool = False) -> float:
    """How much of what a figure measures (its indicator) the question asks about: the share
    of the indicator's character bigrams that the question has (赤字规模 for a question about
    赤字规模: 1; 赤字率: 0.5), in its words and their alternatives, or in its ``own_words``."""
    have = _bigrams(indicator)
    if not have:
        return 0.0
    names = tuple(n for p in q.places for n in (p.name, p.short))
    # The question's words and their Chinese alternatives (an English question's glosses).
    asked = q.text if own_words else f"{q.text} {' '.join(a for t in q.terms for a in t.alternatives if not a.isascii())}"
    return len(have & _asked_bigrams(asked, names)) / len(have)


# A part of a year: a quarter, a half, a month (三季度, 上半年, 1—11月; first quarter, March).
_SUB_PERIOD_RE = re.compile(r"[一二三四1-4]季度|上半年|下半年|前三季度|\d{1,2}[—-]?\d{0,2}月|[一二三四五六七八九十]{1,2}月|"
                            r"\b(?:quarter|half|month|january|february|april|june|july|august|september|"
                            r"october|november|december)\b", re.I)


_WHOLE_YEAR = "全年"


def _said_before(fig: FigureFrame, frame: SentenceFrame, clauses: list[Span], chunk_offset: int) -> str:
    """The words of a figure's clause before it, after the figure before it (、三季度增长 of
    …一季度增长4.1%、三季度增长5.2%)."""
    at = chunk_offset + fig.start
    clause = next((c for c in clauses if c.start <= at < c.end), None)
    if clause is None:
        return ""
    begin = max([clause.start, *(chunk_offset + f.end for f in frame.figures if chunk_offset + f.end <= at)])
    return clause.text[begin - clause.start : at - clause.start]


def _figure_choice(
    q: Question, frame: SentenceFrame, clauses: list[Span], chunk_offset: int
) -> tuple[FigureFrame | None, tuple[int, int] | None, str]:
    """The figure of a sentence that answers (unit and kind as asked; what it measures closest
    to the question, then its clauses best covered by the question's terms), its clause window,
    or why none does."""
    units = [f for f in frame.figures if unit_compatible(f.unit, q.unit)]
    if not units:
        return None, None, "figure"
    fitting = [f for f in units if _kind_ok(q.kind, f.kind)]
    if not fitting:
        return None, None, "kind"
    windows = [(fig, figure_window(clauses, chunk_offset + fig.start, q.terms)) for fig in fitting]
    # A question that names no quarter or month asks for the whole year's figure: of a
    # sentence giving quarters' figures and the year's (三季度增长4.6%…全年增长4.8%), the year's.
    said = {id(fig): _said_before(fig, frame, clauses, chunk_offset) for fig in fitting}
    if not _SUB_PERIOD_RE.search(q.text) and any(_WHOLE_YEAR in said[id(f)] for f in fitting):
        windows = [(f, w) for f, w in windows if not _SUB_PERIOD_RE.search(said[id(f)])] or windows
    # what it measures closest to the question; then the question's terms in the words right
    # before it (工业总产值…增长百分之十一 against 农业总产值…增长百分之五 in one sentence);
    # then in its clause window
    best: tuple[tuple[float, float, float, float], FigureFrame, tuple[int, int]] | None = None
    for fig, (lo, hi) in windows:
        # (the question's own words part two figures its synonyms both match: XY就业 and
        # 新增Z就业 for a question about the second)
        key = (indicator_match(q, fig.indicator), indicator_match(q, fig.indicator, own_words=True),
               coverage(q.terms, said[id(fig)]),
               coverage(q.terms, "".join(c.text for c in clauses[lo : hi + 1])))
        if best is None or _greater(key, best[0]):
            best = (key, fig, (lo, hi))
    assert best is not None
    return best[1], best[2], ""


def _greater(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """``a`` before ``b`` in order of keys, equal within rounding on each key."""
    for x, y in zip(a, b, strict=True):
        if abs(x - y) > 1e-9:
            return x > y
    return False


def asked_indicators(q: Question) -> set[int]:
    """The main indicators (``glossary.INDICATOR_GROUPS``) a question names, in its words or
    its terms' Chinese alternatives (an English question's glosses)."""
    # (not in a parenthesis: （X占Y的比重） explains the indicator asked, it asks
    # for no other)
    text = without_denominators(PARENTHESIS_RE.sub("", q.text))
    return indicator_groups(" ".join([text, *(a for t in q.terms if q.is_english or t.text in text
                                              for a in t.alternatives if not a.isascii())]))


# Words of an indicator that say only how or since when it changed.
_CHANGE_WORDS_RE = re.compile(r"“[^”]*”|以来|增长|达到|提高|下降|突破|超过|年均|同比|[^\u4e00-\u9fff]")


_RATE_CHANGE_Q_RE = re.compile(r"增长|增速|增幅|涨幅|提高|下降|降低|上升|回落|变化")


def _rate_level_asked(q: Question) -> bool:
    """A Chinese question asks the level of a rate (…失业率是多少), not how something changed."""
    return q.unit == "%" and not q.is_english and "率" in q.text and not _RATE_CHANGE_Q_RE.search(q.text)


def _names_something(indicator: str) -> bool:
    """An indicator names what it measures, not only a change (“X”以来增长)."""
    return len(_CHANGE_WORDS_RE.sub("", indicator)) >= 2


def _other_indicator(asked: set[int], indicator: str) -> bool:
    """Whether a figure's indicator names main indicators and none of those ``asked``
    (社会消费品零售总额 for a question about 进出口总额)."""
    found = indicator_groups(indicator)
    return bool(found) and bool(asked) and not asked & found


def _period_total(wanted_years: set[int], figure: FigureFrame, doc_year: int) -> str:
    """``"year"`` when a figure sums up several past years (过去五年…6600万人, 年均增长7.1%) and
    the question asks about one of them: a period's figure is not one year's result."""
    years = set(figure.years)
    if len(wanted_years) == 1 and len(years) > 1 and wanted_years <= years and doc_year and max(years) < doc_year:
        return "year"
    return ""


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
    asked = asked_indicators(q) if q.wants_number else set()
    # the question's own words (an English question's first renderings, not the synonyms)
    asked_words = " ".join([q.text, *(t.text for t in q.terms if not t.text.isascii())])
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
            if wanted_years and not (wanted_years & years) and (
                stated or not wanted_years & {doc_year, doc_year - 1}
            ):
                rejected = "year"
            elif missing_place(q, meta, sent.text):
                rejected = "place"
            figure = None
            kind = frame.kind
            if q.wants_number:
                figure, span, why = _figure_choice(q, frame, clauses, sent.start)
                rejected = rejected or why or (_period_total(wanted_years, figure, doc_year) if figure else "")
                lo, hi = span if span is not None else answer_window(clauses, q.terms, q.text)
                kind = figure.kind if figure is not None else kind
            else:
                lo, hi = answer_window(clauses, q.terms, q.text)
                if asks_measures(q):
                    hi = measures_end(clauses, lo, hi)
                if q.kind and not _kind_ok(q.kind, frame.kind) and frame.figures:
                    rejected = rejected or "kind"
            window = Span(doc.page_content[clauses[lo].start : clauses[hi].end], clauses[lo].start, clauses[hi].end)
            sent_cov = coverage(q.terms, sent.text)
            ctx_cov = coverage(q.terms, f"{context} {sent.text}")
            win_cov = coverage(q.terms, window.text)
            dense = float(np.dot(query_vector, stored.vector)) if query_vector is not None and stored.vector is not None else 0.0
            repeats = sum(max(0, _count(t, sent.text) - 1) for t in q.terms if t.weight >= 1.0)
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
            measured = "" if figure is None else figure.indicator if _names_something(figure.indicator) \
                else sent.text[max(0, figure.start - 40):figure.start]
            if figure is not None and not rejected and _other_indicator(asked, measured):
                rejected = "figure"  # a figure of another main indicator than the one asked
            if figure is not None and not rejected and q.wants_number and other_measure(asked_words, figure.indicator):
                rejected = "figure"  # the same indicator measured the other way (登记 for 调查失业率)
            if figure is not None and not rejected and _rate_level_asked(q) and "增长" in figure.indicator:
                rejected = "figure"  # a growth answers no question about a rate's level (…失业率是多少)
            if (figure is not None and anchors and not rejected and features["indicator"] < 0.5
                    and features["anchor_window"] == 0 and coverage(anchors, sent.text) > 0):
                # the sentence names what is asked (its distinctive terms), but in another clause
                # than its figure, which measures something else (…固定资产投资提质提效；工业增加值增长6%)
                rejected = "figure"
            out.append(Candidate(doc, rank, sent, window, years, sent_cov, ctx_cov, win_cov, figure,
                                 rejected=rejected, kind=kind if kind in (TARGET, RESULT) else "", features=features))
    if out:  # how far each sentence is from the closest one
        top = max(c.features["dense"] for c in out)
        for c in out:
            c.features["dense_gap"] = top - c.features["dense"]
    return out
