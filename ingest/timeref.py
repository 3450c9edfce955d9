"""Time references: explicit years (``2023年``) and relative ones (``今年``, ``去年``, ``上年``,
``明年``, ``过去一年``) resolved against the document's year."""

from __future__ import annotations

import re

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


# "比去年有所下调", "较上年增长", "与上年同期相比": last year as a baseline of comparison, not
# the year a statement is about ("今年赤字率拟按2.8%左右安排、比去年有所下调" speaks of this year).
_COMPARISON_RE = re.compile(
    r"(?:比|较|同比|相比|高于|低于|多于|少于)(?:去年|上年|上一年|前一年)(?:同期|末|底)?|"
    r"与(?:去年|上年|上一年)(?:同期|末|底)?(?:相比|比较|持平)|(?:去年|上年)同期"
)


def relative_years(text: str, doc_year: int) -> list[int]:
    """Relative references resolved against ``doc_year`` (empty when the year is unknown)."""
    if not doc_year:
        return []
    text = _COMPARISON_RE.sub("", text)
    return [doc_year + delta for pattern, delta in _RELATIVE if pattern.search(text)]


def years_of(text: str, doc_year: int) -> set[int]:
    """Every year a text refers to, explicitly or relatively."""
    return set(explicit_years(text)) | set(relative_years(text, doc_year))


def statement_years(sentence: str, headings: tuple[str, ...] | list[str], doc_year: int) -> set[int]:
    """The year(s) a sentence speaks about: its own references, else its headings'
    (``一、2023年工作回顾``), else the document's year."""
    own = years_of(sentence, doc_year)
    if own:
        return own
    for heading in reversed(list(headings)):
        found = years_of(heading, doc_year)
        if found:
            return found
    return {doc_year} if doc_year else set()
