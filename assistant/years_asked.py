"""Which years a question asks one by one (the parts of a comparison or a trend by year), and
which year each named report is asked about. Used by the planner (``assistant.planner``)."""

from __future__ import annotations

import re

from assistant.question import Question, years_named
from common.textutils import normalize_digits
from common.timeref import without_comparisons

SPAN_RE = re.compile(r"((?:19|20)\d\d)\s*年?\s*(?:至|到|-|—|–|~|～)\s*((?:19|20)\d\d)\s*年?")
_EN_SPAN_RE = re.compile(r"\b(?:from\s+)?((?:19|20)\d\d)\s*(?:to|through|until|-|–)\s*((?:19|20)\d\d)\b", re.I)
# A span named as one period (the period from 1950 to 2002, 1950年至2002年期间), not year by year.
_PERIOD_BEFORE_RE = re.compile(r"\bperiod\s+(?:of\s+|from\s+)?$", re.I)
_PERIOD_AFTER_RE = re.compile(r"\s*(?:期间|时期|这段时间)")
# Words that ask for each year, or which of them is higher (not for each thing compared).
_EACH_YEAR_WORDS = r"历年|逐年|(?<!平均)每年|各年|每一年|两年|几年|哪一年|高还是低|多还是少|增加还是减少|哪个更"
_EACH_YEAR_RE = re.compile(rf"{_EACH_YEAR_WORDS}|\b(?:which year|both years|higher|lower)\b", re.I)
# Words that ask for each of several years or places, or for a comparison of them.
EACH_RE = re.compile(rf"{_EACH_YEAR_WORDS}|变化|走势|趋势|分别|各是|各为|各有|各多少|各自|"
                     r"\b(?:respectively|each|both|which year|compare|compared|between|change|changed)\b", re.I)
# How much something grew between two years, or in one year compared with another: one change,
# not a figure for each year.
_EN_ONE_CHANGE_RE = re.compile(r"\bhow much\b[^?]*\b(?:grow|grew|rise|rose|increase|increased|fall|fell|drop|dropped|"
                               r"decline|declined)\b[^?]*\b(?:between|compared (?:with|to))\b", re.I)
_PREVIOUS_RE = re.compile(r"与(?:去年|上年|上一年)(?:相比|比较)|比(?:去年|上年)(?:高|低|多|少)|和(?:去年|上年)(?:比|相比)")
# A year after the words that compare with it (compared with 1964, than 1964): a base.
_EN_BASE_YEAR_RE = re.compile(r"\b(?:compared (?:with|to)|than)\s+(?:that (?:of|in)\s+|in\s+)?((?:19|20)\d\d)\b", re.I)


def years_asked(q: Question) -> list[int]:
    """The years of a question asked one by one: several reports named; or a span or several
    years with a word that asks for each (历年, 分别, 各, 高还是低…); or one year compared with the
    year before. A span asked as one period (``1949年至1952年…平均每年``, ``…期间``, the period
    from A to B) or a change from a base year (``比1952年增长``) is one question, and a year
    named only as the base of a comparison is no year asked one by one."""
    text = q.text
    if len(q.report_years) >= 2:
        return sorted(q.report_years)
    each = bool(EACH_RE.search(text)) and not _EN_ONE_CHANGE_RE.search(text)
    m = SPAN_RE.search(text) or (_EN_SPAN_RE.search(text) if q.is_english else None)
    if m and (_PERIOD_BEFORE_RE.search(text[: m.start()]) or _PERIOD_AFTER_RE.match(text[m.end():])):
        return []  # a span named as one period: one question
    if m and each:
        lo, hi = sorted((int(m.group(1)), int(m.group(2))))
        return list(range(lo, hi + 1))
    if len(q.years) >= 2 and each:
        # (a year named only as the base of a comparison, 1974年…比1964年分别增长多少, is no
        # year asked: the words that ask for each are about the things compared; unless the
        # question asks for each year or which is higher, 比B年多还是少？两年各…)
        asked = q.years if _EACH_YEAR_RE.search(text) else q.years - base_years(text)
        return sorted(asked) if len(asked) >= 2 else []
    years = sorted(q.years or q.report_years)
    if len(years) == 1 and _PREVIOUS_RE.search(text):
        return [years[0] - 1, years[0]]
    return []


def base_years(text: str) -> set[int]:
    """The years a question names only as the base of a comparison (比1964年, compared with 1964)."""
    return years_named(text) - years_named(_EN_BASE_YEAR_RE.sub("", without_comparisons(text)))


_WRITTEN_YEAR_RE = re.compile(r"((?:19|20)\d\d)\s*年")


def data_years(q: Question, reports: list[int]) -> dict[int, int]:
    """The year each report is asked about, when the question names as many years after the
    reports, in the order of the reports, each no later than its report (A年、B年和C年的报告…
    分别是a年、b年和c年的数字: report A is asked about year a); else none."""
    if not q.report_years or set(reports) != set(q.report_years):
        return {}
    written = [int(m.group(1)) for m in _WRITTEN_YEAR_RE.finditer(normalize_digits(q.text))]
    named, rest = written[: len(reports)], written[len(reports) :]
    if sorted(named) != sorted(reports) or len(rest) != len(named) or any(d > r for d, r in zip(rest, named, strict=True)):
        return {}
    return dict(zip(named, rest, strict=True))
