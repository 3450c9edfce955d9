"""Time references: explicit years (``2023年``) and relative ones (``今年``, ``去年``, ``上年``,
``明年``, ``过去一年``) resolved against the document's year."""

from __future__ import annotations

import re

from common.textutils import chinese_to_number

# "2023年", "2024 年" (docx exports put spaces around digits), "2021—2025年"
_EXPLICIT_RE = re.compile(r"(?<![\d.])(1[89]\d\d|20\d\d)(?=\s?年|\s*[-—–～~至到]\s*(?:1[89]|20)\d\d\s?年)")
_FULL_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_RELATIVE: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"今年|本年度|本年|年内|全年目标|今后一年"), 0),
    (re.compile(r"去年|上年|上一年|过去一年|过去的一年|前一年"), -1),
    (re.compile(r"前年"), -2),
    (re.compile(r"明年|下一年|来年"), 1),
]
_CN_YEAR_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_CN_YEAR_RE = re.compile(r"([一二][〇零一二三四五六七八九]{3})年")


def explicit_years(text: str) -> list[int]:
    """Years written out: ``2023年``, ``2021—2025年``, ``一九九八年``."""
    text = text.translate(_FULL_DIGITS)
    years = [int(y) for y in _EXPLICIT_RE.findall(text)]
    years += [int(m.group(1).translate(_CN_YEAR_DIGITS)) for m in _CN_YEAR_RE.finditer(text)]
    return [y for y in years if 1900 <= y <= 2100]


# "比去年有所下调", "较上年增长", "与上年同期相比", "比1954年增长9%", "比一九六四年增长",
# "在2020年基础上": a base year
# of comparison, not the year a statement is about ("今年赤字率拟按2.8%左右安排、比去年有所下调"
# speaks of this year).
_BASE_YEAR = r"(?:去年|上年|上一年|前一年|(?:19|20)\d\d\s?年|[一二][〇零一二三四五六七八九]{3}年)"
COMPARISON_RE = re.compile(
    rf"(?:比|较|同比|相比|高于|低于|多于|少于){_BASE_YEAR}(?:同期|末|底)?|"
    rf"与{_BASE_YEAR}(?:同期|末|底)?(?:相比|比较|持平)|(?:去年|上年)同期|"
    # 在2020年基础上降低13.5%, 在一九五九年粮食总产量的基础上再增加: a base, not the period
    rf"在{_BASE_YEAR}[^，,。；;]{{0,12}}?基础上|"
    # 按一九五二年不变价格计算, 按2020年价格: the prices' base year, not the period
    rf"按(?:照)?{_BASE_YEAR}(?:的)?(?:不变|可比)?价格|"
    # 为X年以来最高, 创X年以来新高, X年以来同期最好: the record's span, not the period
    rf"{_BASE_YEAR}以来(?:的)?(?:同期)?(?:最|新|首次)|"
    # 是X年的2.2倍, 相当于X年的60%: the base of a ratio, not the period
    rf"(?:是|为|相当于){_BASE_YEAR}(?:同期|末|底)?的(?=[^，,。；;]{{0,8}}?(?:倍|%|％))"
)


def without_comparisons(text: str) -> str:
    """``text`` without its base years of comparison (比上年, 比1954年, 与去年相比)."""
    return COMPARISON_RE.sub("", text.translate(_FULL_DIGITS))


def relative_years(text: str, doc_year: int) -> list[int]:
    """Relative references resolved against ``doc_year`` (empty when the year is unknown)."""
    if not doc_year:
        return []
    text = without_comparisons(text)
    return [doc_year + delta for pattern, delta in _RELATIVE if pattern.search(text)]


def years_of(text: str, doc_year: int) -> set[int]:
    """Every year a text refers to, explicitly or relatively (base years of comparison aside)."""
    text = without_comparisons(text)
    return set(explicit_years(text)) | set(relative_years(text, doc_year))


# Five-year plans: the first two ran 1953–1957 and 1958–1962; after the 1963–1965 adjustment
# the third began in 1966, and every later one five years after the one before.
_PLAN_CONTEXT_RE = re.compile(r"[“\"]([一二三四五六七八九十]{1,3})五[”\"]|第([一二三四五六七八九十]{1,3})个五年(?:计划|规划)|"
                              r"(?<![一二三四五六七八九十])([一二三四五六七八九十]{1,3})五(?:计划|规划|时期|期间)")
# Spans counted back or forward from the report's year.
_SPAN_RE: list[tuple[re.Pattern[str], int, int]] = [
    (re.compile(r"过去五年|五年来|近五年|过去的五年"), -5, -1),
    (re.compile(r"今后五年|未来五年"), 0, 4),
]


def plan_periods(text: str) -> list[tuple[int, int]]:
    """Five-year plan periods named in ``text``: ``“十四五”`` → (2021, 2025), ``第六个五年计划``
    and ``六五计划`` → (1981, 1985)."""
    out: list[tuple[int, int]] = []
    for m in _PLAN_CONTEXT_RE.finditer(text):
        n = chinese_to_number(next(g for g in m.groups() if g))
        if n and 1 <= n <= 20:
            start = 1953 + 5 * (int(n) - 1) if n <= 2 else 1966 + 5 * (int(n) - 3)
            out.append((start, start + 4))
    return out


def spans_of(text: str, doc_year: int) -> set[int]:
    """Years of the multi-year periods a text names: plans (十四五), 过去五年, 今后五年."""
    years: set[int] = set()
    for lo, hi in plan_periods(text):
        years.update(range(lo, hi + 1))
    if doc_year:
        for pattern, lo, hi in _SPAN_RE:
            if pattern.search(text):
                years.update(range(doc_year + lo, doc_year + hi + 1))
    return years


def statement_years(sentence: str, headings: tuple[str, ...] | list[str], doc_year: int) -> set[int]:
    """The year(s) a sentence speaks about: its own references (a year, 今年/去年, a plan
    period, 过去五年), else its headings' (``一、2023年工作回顾``), else the document's year."""
    return dated(sentence, headings, doc_year)[0]


def dated(sentence: str, headings: tuple[str, ...] | list[str], doc_year: int) -> tuple[set[int], str]:
    """``statement_years`` and where they come from: ``sentence``, ``heading`` or ``document``
    (the document's year by default, when nothing says otherwise)."""
    own = years_of(sentence, doc_year) or spans_of(without_comparisons(sentence), doc_year)
    if own:
        return own, "sentence"
    for heading in reversed(list(headings)):
        found = years_of(heading, doc_year) or spans_of(heading, doc_year)
        if found:
            return found, "heading"
    return ({doc_year} if doc_year else set()), "document"
