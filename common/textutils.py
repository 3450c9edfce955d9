"""Chinese text helpers shared by ingest, retrieval and answering: width normalisation,
sentence and clause splitting with offsets, and figure (number + unit) extraction."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

_FULL_TO_HALF = {
    **{chr(0xFF10 + i): str(i) for i in range(10)},
    "％": "%",
    "．": ".",
    "，": ",",
    "＋": "+",
    "－": "-",
    "　": " ",
}
_WIDTH_TABLE = str.maketrans(_FULL_TO_HALF)
_DIGIT_TABLE = str.maketrans({k: v for k, v in _FULL_TO_HALF.items() if v.isdigit() or v in "%."})


def normalize_width(text: str) -> str:
    """Full-width digits, percent sign, comma, dot and space to half-width."""
    return text.translate(_WIDTH_TABLE)


def normalize_digits(text: str) -> str:
    """Only digits, ``%`` and ``.`` to half-width (punctuation kept), for number comparison."""
    return text.translate(_DIGIT_TABLE)


_MARKER_RE = re.compile(r"\[\d+(?:[,，]\s*\d+)*\]")


def strip_markers(text: str) -> str:
    """Remove citation markers like ``[1]`` or ``[1,2]``."""
    return _MARKER_RE.sub("", text)


def compact(text: str) -> str:
    """Width-normalised text without whitespace, for substring comparisons."""
    return re.sub(r"\s+", "", normalize_width(text))


SENTENCE_END = "。！？!?"
_CLOSERS = "”’」』）)】》\"'"
# A sentence ends at 。！？ (plus closing quotes/brackets) or at a line break.
_SENTENCE_RE = re.compile(rf"[^{SENTENCE_END}\n]*(?:[{SENTENCE_END}]+[{_CLOSERS}]*|\n|$)")
# Clause separators: Chinese/Western comma (not between digits), semicolon, colon (not between
# digits: a ratio 2.3:1).
_CLAUSE_SPLIT_RE = re.compile(r"(?<=[，；;])|(?<=[：:])(?<!\d[：:])|(?<=[：:])(?!\d)|(?<=,)(?!\d)|(?<=[。！？!?])")


@dataclass(frozen=True)
class Span:
    """A piece of a text with its ``[start, end)`` character offsets in that text."""

    text: str
    start: int
    end: int


def split_sentences(text: str, offset: int = 0) -> list[Span]:
    """Split into sentences, each a verbatim slice; whitespace-only pieces are dropped.

    Offsets are relative to ``text`` plus ``offset``. Leading/trailing whitespace is trimmed
    from each sentence (offsets follow the trimmed slice)."""
    spans: list[Span] = []
    for match in _SENTENCE_RE.finditer(text):
        raw = match.group()
        if not raw.strip():
            continue
        lead = len(raw) - len(raw.lstrip())
        trail = len(raw) - len(raw.rstrip())
        start = match.start() + lead
        end = match.end() - trail
        spans.append(Span(text[start:end], start + offset, end + offset))
    return spans


def split_clauses(sentence: str, offset: int = 0) -> list[Span]:
    """Split a sentence at commas, semicolons and colons (not inside numbers like 1,000)."""
    spans: list[Span] = []
    pos = 0
    for piece in _CLAUSE_SPLIT_RE.split(sentence):
        if not piece:
            continue
        start, end = pos, pos + len(piece)
        pos = end
        if spans and _THOUSANDS_RE.match(spans[-1].text[-2:] + piece[:4]):
            # ３，６８０亿斤: a full-width comma inside a number does not end a clause
            last = spans.pop()
            spans.append(Span(last.text + piece, last.start, end + offset))
        elif piece.strip():
            spans.append(Span(piece, start + offset, end + offset))
    return spans


def iter_paragraphs(text: str) -> Iterator[Span]:
    """Non-empty lines of a cleaned text, with offsets."""
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            lead = len(line) - len(line.lstrip())
            stripped = line.strip()
            yield Span(stripped, pos + lead, pos + lead + len(stripped))
        pos += len(line) + 1


# ---------------------------------------------------------------- numbers and figures

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}


def chinese_to_number(text: str) -> float | None:
    """``"二十"`` → 20, ``"三"`` → 3, ``"一百二十"`` → 120; ``None`` if not a Chinese numeral."""
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS and ch not in _CN_BIG for ch in text):
        return None
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (digit or 1) * _CN_UNITS[ch]
            digit = 0
        else:
            section += digit
            total += (section or 1) * _CN_BIG[ch]
            section, digit = 0, 0
    return float(total + section + digit)


# Units and measure words that make a number a figure. Longest first.
UNITS = sorted(
    [
        "万亿元", "亿元", "万元", "千元", "元", "万美元", "亿美元", "美元",
        "万吨", "吨", "公斤", "千克", "斤", "立方米", "标准箱", "万千瓦", "千瓦", "千瓦时", "万千瓦时", "亿千瓦时",
        "公里", "千米", "米", "平方公里", "平方米", "万平方米", "亩", "万亩", "公顷",
        "个百分点", "百分点", "%", "‰", "倍",
        "万人次", "人次", "万人", "人", "万户", "户", "名", "位",
        "个", "项", "家", "所", "座", "条", "处", "批", "类", "级", "种", "套", "台", "辆",
        "件", "场", "次", "天", "年", "岁", "张", "间", "张床", "床", "小时", "分钟", "列", "艘", "架",
        "头",  # (livestock: 生猪存栏N万头)
        "档",  # (tiers: 电价由五档并为三档)
        "成",  # (tenths, after a Chinese numeral only: 接近六成)
        "担",  # (the older reports' weight of crops: 棉花产量N万担)
    ],
    key=len,
    reverse=True,
)
# (tenths, 成, only after a Chinese numeral: after digits it opens a word, 3成品油)
_UNIT_ALT = "|".join(r"(?<![\d.,])成" if u == "成" else re.escape(u) for u in UNITS)
_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CN_NUM = r"[零〇一二两三四五六七八九十百千]+"
# An approximate figure says "and more" after its number or its scale (N多万人次, 一百多个,
# 3000余万元, 2万多个): the figure is the number as written, its unit read past the word.
_APPROX = r"多|余"
_CN_FIGURE = r"[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?"
FIGURE_RE = re.compile(
    rf"(?P<percent>百分之|千分之)(?P<pvalue>{_CN_FIGURE})|"
    rf"(?P<value>{_ARABIC}|{_CN_FIGURE})(?:{_APPROX})?(?P<scale>万亿|亿|万|千)?(?:(?<=[万亿千]){_APPROX})?(?P<unit>{_UNIT_ALT})?"
)
_THOUSANDS_RE = re.compile(r"^[\d０-９]，[\d０-９]{3}(?![\d０-９])")
_FULL_COMMA_RE = re.compile(r"(?<=\d)，(?=\d{3}(?!\d))")
_YEAR_LIKE_RE = re.compile(r"^(1[89]\d\d|20\d\d)$")
_CN_YEAR_RE = re.compile(r"^[一二][〇零一二三四五六七八九]{3}$")  # 一九八四(年)
# Two figures joined as one range: 6%－6.5%, 6-6.5%, 8%至9%, 2%~3%.
# A ratio written a:b (城乡居民收入比2.31:1) is one figure, not two; a time (8:30:00) is none.
_RATIO_TAIL_RE = re.compile(r"[:：∶](\d+(?:\.\d+)?)(?![\d:：∶.])")
RANGE_JOIN_RE = re.compile(r"^\s*(?:[-－—–~～至到]|－－|——)\s*$")


@dataclass(frozen=True)
class Figure:
    """A number found in a text: its verbatim form, numeric value (scaled) and unit."""

    text: str
    value: float
    unit: str
    start: int
    end: int

    @property
    def is_year(self) -> bool:
        if self.unit not in ("", "年"):
            return False
        written = normalize_digits(self.text).rstrip("年")
        return bool(_YEAR_LIKE_RE.match(written) or _CN_YEAR_RE.match(written))


def _chinese_value(numeral: str) -> float | None:
    """Value of a Chinese numeral, also with inner 万/亿 and a decimal part (``三亿六千万``,
    ``七点五``), through ``cn2an``; the plain reader handles the common short forms."""
    if "点" not in numeral and not any(big in numeral[:-1] for big in "万亿"):
        value = chinese_to_number(numeral)
        if value is not None:
            return value
    import cn2an

    try:
        return float(cn2an.cn2an(numeral, "smart"))
    except (ValueError, KeyError, TypeError, IndexError):
        return None


# Numerals, scales and units in traditional characters (a report printed so, 百分之三點二, 三千億斤),
# one character for one: the figure's text stays as written, its value and unit are read.
_TRADITIONAL_NUMERALS = str.maketrans("點萬億兩噸個項種條臺輛張處級類", "点万亿两吨个项种条台辆张处级类")
# Roman numerals of one character up to nine (classes of water: 水质达Ⅱ类) read as their digits.
_ROMAN_NUMERALS = str.maketrans("ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅰⅱⅲⅳⅴⅵⅶⅷⅸ", "123456789123456789")


def find_figures(text: str, require_unit_for_chinese: bool = True) -> list[Figure]:
    """Numbers in ``text``: Arabic numbers always; Chinese numerals only with a unit
    (``三级``, ``四种``, ``二十项``, ``三百五十五元``) or as ``百分之六``, because bare ones are
    part of words (一批, 统一)."""
    # A full-width comma between digits is a thousands separator (３，６８０亿斤): same length.
    norm = _FULL_COMMA_RE.sub(",", normalize_digits(text)).translate(_TRADITIONAL_NUMERALS).translate(_ROMAN_NUMERALS)
    figures: list[Figure] = []
    ratio_end = 0
    for m in FIGURE_RE.finditer(norm):
        if m.start() < ratio_end:
            continue  # the second term of a ratio read with the first
        if m.group("percent"):
            parsed = _chinese_value(m.group("pvalue"))
            if parsed is not None:
                per = "%" if m.group("percent") == "百分之" else "‰"  # (千分之: per mille, 人口自然增长率)
                figures.append(Figure(text[m.start() : m.end()], parsed, per, m.start(), m.end()))
            continue
        raw_value, scale, unit = m.group("value"), m.group("scale") or "", m.group("unit") or ""
        if unit == "成" and raw_value == "一":
            continue  # (一成不变: an idiom; tenths are written from 两成 up)
        if raw_value[0].isdigit():
            if m.start() > 0 and (norm[m.start() - 1].isalpha() and norm[m.start() - 1].isascii()):
                continue  # part of an identifier like C919
            if not unit and not scale and m.end() < len(norm) and norm[m.end()].isascii() and norm[m.end()].isupper():
                continue  # part of a name (N before a capital letter: 4K, 3D), not a quantity
            value = float(raw_value.replace(",", ""))
            ratio = _RATIO_TAIL_RE.match(norm, m.end()) if not unit and not scale else None
            if ratio is not None and norm[m.start() - 1 : m.start()] not in (":", "：", "∶") and float(ratio.group(1)):
                ratio_end = ratio.end()
                figures.append(Figure(text[m.start() : ratio_end], value / float(ratio.group(1)), ":", m.start(), ratio_end))
                continue
        else:
            # (a numeral of some length ending in a scale is a figure without a unit, as in
            # digits: 约三十二万; not a word of emphasis or an idiom, 十万火急)
            scaled_only = not unit and len(raw_value) >= 3 and raw_value[-1] in "万亿"
            if require_unit_for_chinese and not unit and not scaled_only:
                continue
            if m.start() > 0 and norm[m.start() - 1] == "第":
                continue  # 第六个五年计划: an ordinal in a name, not a quantity
            if not any(ch in _CN_DIGITS and ch not in "两" for ch in raw_value) and not raw_value.startswith("十"):
                continue  # 千万, 亿万: words of emphasis, not figures
            if unit in ("年", "天", "次", "位", "名", "场", "件", "处", "批", "类") and len(raw_value) == 1 \
                    and (unit != "天" or raw_value == "一"):
                continue  # 一年, 一次, 一批: idioms, not figures (N天 of days is a duration: 管N天)
            parsed = _chinese_value(raw_value + scale)
            if parsed is None:
                continue
            figures.append(Figure(text[m.start() : m.end()], parsed, unit or (raw_value[-1] if scaled_only else ""),
                                  m.start(), m.end()))
            continue
        scaled = value * {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3, "": 1}[scale]
        figures.append(Figure(text[m.start() : m.end()], scaled, scale + unit, m.start(), m.end()))
    return figures


def figure_ranges(text: str, figures: list[Figure]) -> list[tuple[Figure, Figure]]:
    """Pairs of figures written as one range (``6%－6.5%``, ``6-6.5%``, ``8%至9%``)."""
    pairs: list[tuple[Figure, Figure]] = []
    for a, b in zip(figures, figures[1:], strict=False):
        if RANGE_JOIN_RE.match(text[a.end : b.start]) and (not a.unit or a.unit == b.unit):
            pairs.append((a, b))
    return pairs


class Measured(Protocol):
    """Anything with a value and a unit (a ``Figure``, a stored figure frame)."""

    @property
    def value(self) -> float: ...

    @property
    def unit(self) -> str: ...


def figure_key(fig: Measured) -> tuple[float, str]:
    """Comparable identity of a figure: rounded value and unit (scale folded into value)."""
    unit = fig.unit
    for scale in ("万亿", "亿", "万", "千"):
        if unit.startswith(scale) and unit != scale:
            unit = unit[len(scale) :]
            break
        if unit == scale:
            unit = ""
            break
    return (round(fig.value, 6), unit)
