"""Which figure of a sentence answers a figure question: its unit and kind as asked, what it
measures (its indicator) closest to what the question names, a whole year's figure before a
quarter's; and the figures that answer another question than the one asked (another main
indicator, a rate's growth for its level, a period's total for one year)."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.glossary import indicator_groups, without_denominators
from assistant.question import AMOUNT_UNIT, PARENTHESIS_RE, QUESTION_WORDS_RE, Question
from assistant.windows import clause_at, coverage, figure_window, match_form
from assistant.years_asked import EACH_RE
from common.textutils import Figure, Span
from ingest.frames import FigureFrame, SentenceFrame

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
        return not found.endswith(("%", "％", "‰", "百分点"))
    if len(found) > 1 and found[0] in "万亿千" and found[1:] not in ("", "元"):
        found = found.lstrip("万亿千")
    if len(wanted) > 1 and wanted[0] in "万亿千" and wanted[1:] not in ("", "元", "人", "斤"):
        wanted = wanted.lstrip("万亿千")  # 多少万亩 asks for 亩, at any scale
    if wanted in ("亿元", "万元", "元", "亿", "万亿元"):
        return "元" in found or found in _MONEY  # (元/月, 元/人: money per month, per person)
    if wanted in ("%", "成"):  # a rate: a gap between two rates (高于…0.4个百分点) is not one; a
        # growth in 倍 is, a rate per mille (人口自然增长率) and a share in tenths (接近六成) too
        return found.endswith(("%", "％", "‰", "倍", "成"))
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


def kind_ok(asked: str, found: str) -> bool:
    return not asked or not found or asked == found


def _bigrams(text: str) -> set[str]:
    chars = [c for c in match_form(text) if c.isalnum()]
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
_DOWN_RE = re.compile(r"下降|降低|减少|回落|下调|压减|降至|减为|缩小|下跌")
_UP_RE = re.compile(r"增长|上升|提高|增加|上涨|增至|扩大|上调")


def asked_direction(q: Question) -> str:
    """Which way the question asks something moved (``direction`` of its words and its terms'
    Chinese renderings)."""
    return direction(" ".join([q.text, *(a for t in q.terms for a in t.alternatives[:1] if not a.isascii())]))


def direction(text: str) -> str:
    """Which way ``text`` says something moved: ``down``, ``up``, or ``""`` (neither, or both)."""
    down, up = bool(_DOWN_RE.search(text)), bool(_UP_RE.search(text))
    return "down" if down and not up else "up" if up and not down else ""


_CONNECTIVES_RE = re.compile(r"[、，,；;和及与\s]")  # words that join figures, saying nothing of one


def _said_before(fig: FigureFrame, frame: SentenceFrame, clauses: list[Span], chunk_offset: int) -> str:
    """The words of a figure's clause before it, after the figure before it (、三季度增长 of
    …一季度增长4.1%、三季度增长5.2%)."""
    at = chunk_offset + fig.start
    clause = clause_at(clauses, at)
    if clause is None:
        return ""
    begin = max([clause.start, *(chunk_offset + f.end for f in frame.figures if chunk_offset + f.end <= at)])
    return clause.text[begin - clause.start : at - clause.start]


def figure_key(fig: Figure | FigureFrame) -> tuple[float, str]:
    """What a figure is compared by, as a question quotes it: its value and unit."""
    return round(fig.value, 6), fig.unit


def figure_choice(
    q: Question, frame: SentenceFrame, clauses: list[Span], chunk_offset: int, asked: set[int] | None = None,
    wanted_years: set[int] | frozenset[int] = frozenset(), asked_way: str | None = None,
    quoted: set[tuple[float, str]] | frozenset[tuple[float, str]] = frozenset(),
) -> tuple[FigureFrame | None, tuple[int, int] | None, str]:
    """The figure of a sentence that answers (unit and kind as asked; in a unit asked, not of
    another main indicator than those ``asked``, when others are left; what it measures closest to the
    question, then its clauses best covered by the question's terms), its clause window, or
    why none does. ``asked``, ``asked_way``: the question's ``asked_indicators`` and
    ``asked_direction``, worked out once per question by a caller that asks of many sentences.
    ``quoted``: figures the question quotes to ask another (value, unit): none of them answers."""
    units = [f for f in frame.figures if unit_compatible(f.unit, q.unit) and figure_key(f) not in quoted]
    if not units:
        return None, None, "figure"
    fitting = [f for f in units if kind_ok(q.kind, f.kind)]
    if not fitting:
        return None, None, "kind"
    # (a sentence of many figures in the unit asked, …全年增长a%…社会消费品零售总额增长b%,
    # answers a question about one indicator with a figure that may measure it; a question that
    # names no unit is answered by no other figure than the closest, 是一个…目标 is none)
    if q.unit:
        fitting = [f for f in fitting if not other_indicator(asked or set(), f.indicator)] or fitting
    windows = [(fig, figure_window(clauses, chunk_offset + fig.start, q.terms)) for fig in fitting]
    # A question that names no quarter or month asks for the whole year's figure: of a
    # sentence giving quarters' figures and the year's (三季度增长4.6%…全年增长4.8%), the year's.
    said = {id(fig): _said_before(fig, frame, clauses, chunk_offset) for fig in fitting}
    if not _SUB_PERIOD_RE.search(q.text) and any(_WHOLE_YEAR in said[id(f)] for f in fitting):
        windows = [(f, w) for f, w in windows if not _SUB_PERIOD_RE.search(said[id(f)])] or windows
    # A question about one year is answered by a figure of that year rather than by one of a
    # period that includes it (“N五”期间a，今年b).
    if len(wanted_years) == 1:
        windows = [(f, w) for f, w in windows if not set(f.years) - set(wanted_years)] or windows
    # A question asking which way something moved (下降, 提高) is answered by a figure said to
    # move that way, not by one of the same sentence said to move the other (由上升a%转为下降b%).
    asked_way = asked_direction(q) if asked_way is None else asked_way
    if asked_way:
        # (a figure after 、 moves as its indicator says, 上升a%、b%)
        windows = [(f, w) for f, w in windows
                   if (direction(said[id(f)]) or direction(f.indicator)) in ("", asked_way)] or windows
    # A question asking a level (…达到多少, …率是多少) is answered by a figure that is no growth
    # (增长a%，达到b: a growth by its own words, or, with none after the figure before it, by its
    # indicator's, 增长a%、b%). When none is left, or only the level of another indicator than
    # a growth's, none answers.
    # (how closely each figure's indicator matches the question: worked out once, read here
    # and in the order below)
    matches = {id(f): indicator_match(q, f.indicator) for f, _ in windows}
    if level_asked(q):
        levels = [(f, w) for f, w in windows
                  if _REACHED_RE.search(said[id(f)].rstrip())
                  or not _CHANGE_SAID_RE.search(_CONNECTIVES_RE.sub("", said[id(f)]) or f.indicator)]
        if not levels or max(matches[id(f)] for f, _ in levels) < max(matches.values()):
            return None, None, "figure"
        windows = levels
    # what it measures closest to the question; then the question's terms in the words right
    # before it (工业总产值…增长百分之十一 against 农业总产值…增长百分之五 in one sentence);
    # then in its clause window
    best: tuple[tuple[float, float, float, float], FigureFrame, tuple[int, int]] | None = None
    for fig, (lo, hi) in windows:
        # (the question's own words part two figures its synonyms both match: XY就业 and
        # 新增Z就业 for a question about the second)
        key = (matches[id(fig)], indicator_match(q, fig.indicator, own_words=True),
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


# Words of an indicator that say only how, to when or since when it changed (增加到了一九五九年的).
_CHANGE_WORDS_RE = re.compile(r"“[^”]*”|以来|增长|增加|减少|达到|提高|上升|下降|降低|回落|突破|超过|年均|同比|"
                              r"(?:[一二][〇零一二三四五六七八九]{3}|\d{4})年|[了的到至从由即]|[^\u4e00-\u9fff]")


# Words that say something changed, in a question (…增长了多少) or before a figure (增加了a).
_CHANGE_SAID_RE = re.compile(r"增长|增加|减少|增速|增幅|涨幅|提高|下降|降低|上升|回落|变化")
# A change word right before the figure with 到/至 says the level reached (上升到a%, 提高至b).
_REACHED_RE = re.compile(r"(?:增长|增加|减少|提高|下降|降低|上升|回落)(?:到|至)$")


def level_asked(q: Question) -> bool:
    """A Chinese question asks the level of a rate (…失业率是多少) or the level something reached
    (…X达到多少), not how it changed."""
    if q.is_english or _CHANGE_SAID_RE.search(q.text):
        return False
    return (q.unit == "%" and "率" in q.text) or re.search(r"达到了?多少", q.text) is not None


# A yearly average (年均增长, 平均每年, average annual growth rendered 年均).
_AVERAGE_RE = re.compile(r"年均|平均每年|每年平均|年平均")


def asks_average(asked_words: str) -> bool:
    """A question asks a yearly average (not one asking several figures, 分别…: its average may
    be asked of one of them)."""
    return bool(_AVERAGE_RE.search(asked_words)) and not EACH_RE.search(asked_words)


def is_average(sentence: str, figure: FigureFrame) -> bool:
    """The figure is a yearly average: its words before it say 年均/平均每年 (a total over the
    period, 五年内增长N%, answers no question for an average)."""
    return bool(_AVERAGE_RE.search(f"{figure.indicator} {sentence[max(0, figure.start - 12):figure.start]}"))


def names_something(indicator: str) -> bool:
    """An indicator names what it measures, not only a change (“X”以来增长)."""
    return len(_CHANGE_WORDS_RE.sub("", indicator)) >= 2


def other_indicator(asked: set[int], indicator: str) -> bool:
    """Whether a figure's indicator names main indicators and none of those ``asked``
    (社会消费品零售总额 for a question about 进出口总额)."""
    found = indicator_groups(indicator)
    return bool(found) and bool(asked) and not asked & found


def period_total(wanted_years: set[int], figure: FigureFrame, doc_year: int) -> str:
    """``"year"`` when a figure sums up several past years (过去五年…6600万人, 年均增长7.1%) and
    the question asks about one of them: a period's figure is not one year's result."""
    years = set(figure.years)
    if len(wanted_years) == 1 and len(years) > 1 and wanted_years <= years and doc_year and max(years) < doc_year:
        return "year"
    return ""
