"""Figures and targets: every quantitative statement of a document, extracted at ingest.

A figure is a number with what it measures (the *indicator*), its unit, the period it speaks
about and its kind: ``目标`` (a target: 今年/年内/力争/确保/预期目标…) or ``实际`` (a result:
a past year, 据初步核算, 比上年…). Rules, all general:

* Arabic numbers with or without a unit; Chinese numerals only with a measurement unit
  (``五亿元``), because counted Chinese numerals are slogans (三个区分开来, 四大方面, 两条主线);
* years, numbers inside quoted names (“4+4+3+N”, “2023中国西柳…”), ordinal parts of names
  (第3届, 十届八次) and counts of a just-enumerated list (目标、节点、结果3个导向) are not figures;
* the indicator is the clause text before the number (without leading subject, time words and
  hedges like 努力实现), plus the noun after it when the number sits mid-phrase (实施20项民生保障工程);
* the period is the year the sentence speaks about (its own 2023年/今年/年内, else its headings',
  else the document's year);
* only a figure with a *named* indicator is a row: an indicator that is only a verb (新增, 培育),
  a hedge (左右) or punctuation, a count of parts of a speech (9个方面), a bare scale word used
  as an adjective (千亩示范片, 每千人口, 400亿级) and an age bound (3岁以下) are not figures.

Figures are extracted from stored chunks (so existing documents can be back-filled) and
de-duplicated by their offset in the document (chunks overlap by whole sentences).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from common.textutils import UNITS, find_figures, split_clauses, split_sentences
from common.timeref import statement_years, years_of
from ingest.frames import LEAD_TRIM_RE, RESULT, TRAIL_TRIM_RE, clean_indicator, kind_of
from ingest.frames import TARGET as TARGET  # the figures tab and API name kinds from here

# Bump when the rules change: stored figures of older versions are re-extracted.
EXTRACTOR_VERSION = "3"

ACTUAL = RESULT

# Measurement units that make a Chinese numeral a figure (counted classifiers do not).
_MEASURE_UNITS = (
    "元", "美元", "吨", "公斤", "千克", "千瓦", "千瓦时", "公里", "千米", "米", "平方公里", "平方米",
    "亩", "公顷", "百分点", "%", "‰", "倍", "人次", "人", "户",
)
# Comparisons name a base year, not the year a statement is about.
_COMPARISON_RE = re.compile(r"(?:比|较|同比|与)(?:上年|去年|上一年|前一年)(?:同期)?")
_CHANGE_ONLY_RE = re.compile(r"^(?:(?:比|较)(?:上年|去年)(?:同期)?)?(?:增长|下降|提高|降低|上涨|增加|减少|扩大|缩小)")
# Units the shared figure pattern does not know, taken when they follow a number directly.
_EXTRA_UNITS_RE = re.compile(r"^(?:立方米|标准箱|万斤|斤|千公顷|万辆|亿件|人民币)")
_QUALIFIER_RE = re.compile(r"^(?:以上|以下|左右|以内|之内|上下|多|余)")
_CHANGE_TAIL_RE = re.compile(r"(?:(?:比|较)(?:上年|去年)(?:同期)?)?(?:增长|下降|提高|降低|上涨|增加|减少)$")
_ORDINAL_BEFORE_RE = re.compile(r"(?:第|十届|届|次|号|第[一二三四五六七八九十]+)$")
_ENUM_UNITS = ("个", "大", "项", "类", "种", "条", "方面", "大类")
_CN_NUMERAL_RE = re.compile(r"^[零〇一二两三四五六七八九十百千万亿]+")
# A scale word alone (千亩示范片, 每千人口, 百亿级) is an adjective, not a quantity.
_SCALE_ONLY_RE = re.compile(r"^[十百千万亿]+$")
# Counts of the parts of a speech or plan (重点做好9个方面工作), and class or age bounds.
_STRUCTURE_AFTER_RE = re.compile(r"^(?:个|大)?(?:方面|领域|板块|维度|层面)")
_DESCRIPTOR_UNITS = ("级", "岁", "周岁", "周年")
# Leading enumerators of a list item (一是…, 十一是…, （1）, ⑤, 3．).

# Words that name no indicator on their own: verbs of doing, hedges, connectors.
_VERB_ONLY = frozenset(
    "在 为 过 超 达 有 具有 新增 新建 新开工 新发布 发布 获批 再获批 建设 建成 实施 培育 打造 推进 推动 推出 遴选 "
    "布局 设立 改造 搬迁 投资 投入 惠及 受益 完工 完成 废止 提升 提高 增长 增 降 下降 左右 以上 累计 其中 共 合计 "
    "总计 分别 开工 开展 引进 办理 举办 制定 出台 组织 支持 争取 安排 形成 启动 建 成 执行好 坚持".split()
)
# Prepositions and place words that open a clause before its subject (在全省…, 把其中…, 全疆77%…).
_LEAD_FUNCTION_RE = re.compile(r"^(?:坚持将|持续将|在|把|将|对|向|为|其中|全省|全市|全区|全疆|全国)+")


def named_indicator(indicator: str) -> bool:
    """Whether ``indicator`` names what a figure measures: not a bare verb, hedge, unit,
    year or a fragment of a fraction (1/3) or of a class (400亿级)."""
    text = indicator.strip()
    if not text or text.endswith("/") or re.match(r"^[A-Za-z]{1,2}[、，,]", text):
        return False
    if re.fullmatch(r"\d{4}年", text) or re.search(r"\d+[万亿]?级", text):
        return False
    core = re.sub(r"[^\u4e00-\u9fff]", "", _LEAD_FUNCTION_RE.sub("", text))
    is_unit = core in UNITS or core in _MEASURE_UNITS or bool(_EXTRA_UNITS_RE.fullmatch(core))
    return len(core) >= 2 and core not in _VERB_ONLY and not is_unit


@dataclass
class FigureRow:
    """One extracted figure. ``start``/``end`` locate ``sentence`` in the chunk's text."""

    doc_id: str
    chunk_id: str
    indicator: str
    value: str  # as written (``6.7``, ``1,200``, ``五``)
    number: float  # numeric value, scale folded in (``1.3万亿`` → 1.3e12)
    unit: str
    qualifier: str  # 以上 / 左右 / …
    period: str  # ``2023年`` or ``2021—2025年`` or ``""``
    kind: str  # 目标 | 实际
    section: str
    sentence: str
    start: int
    end: int
    position: int  # offset of the number in the document (ordering, de-duplication)

    def public(self) -> dict[str, Any]:
        return asdict(self)


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"“[^”]{0,40}”|\"[^\"]{0,40}\"|《[^》]{0,60}》", text)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < pos < b for a, b in spans)


def _enumeration_count(before: str) -> int:
    """How many ``、``-separated items end right before a number (目标、节点、结果 → 3)."""
    tail = re.split(r"[，,；;：:。（(]", before)[-1]
    return len(tail.split("、")) if "、" in tail else 0


def _period(years: set[int]) -> str:
    if not years:
        return ""
    low, high = min(years), max(years)
    return f"{low}年" if low == high else f"{low}—{high}年"


def _strip_region(text: str, region: str) -> str:
    if region:
        short = region.rstrip("市县区省")
        text = re.sub(rf"^(?:{re.escape(region)}|{re.escape(short)}(?:市|县|区)?)", "", text)
    return text


def extract_from_text(
    text: str,
    *,
    doc_id: str = "",
    chunk_id: str = "",
    section: str = "",
    doc_year: int = 0,
    region: str = "",
    offset: int = 0,
) -> list[FigureRow]:
    """Figures of one passage (``offset``: where the passage starts in its document)."""
    headings = [h for h in section.split(" > ") if h]
    rows: list[FigureRow] = []
    for sent in split_sentences(text):
        sentence_years = statement_years(_COMPARISON_RE.sub("", sent.text), headings, doc_year)
        quoted = _quoted_spans(sent.text)
        for clause in split_clauses(sent.text):
            # 今年…，到2027年…: a clause's own year wins over the sentence's
            years = years_of(_COMPARISON_RE.sub("", clause.text), doc_year) or sentence_years
            local = clause.start
            prev_end = 0
            for fig in find_figures(clause.text):
                if fig.is_year or _inside(local + fig.start, quoted):
                    continue
                before_all = clause.text[: fig.start]
                after = clause.text[fig.end :]
                if re.search(r"[年月日号]$", fig.text) or after.startswith(("年", "月", "日", "号", "届", "次会")):
                    continue  # dates, sessions
                if _ORDINAL_BEFORE_RE.search(before_all):
                    continue
                chinese = bool(_CN_NUMERAL_RE.match(fig.text))
                if chinese and not fig.unit.endswith(_MEASURE_UNITS):
                    continue
                if _SCALE_ONLY_RE.match(fig.text[: len(fig.text) - len(fig.unit)] or fig.text):
                    continue  # 千亩示范片, 每千人口: a scale word as an adjective
                if fig.unit.endswith(_DESCRIPTOR_UNITS) or after.startswith(_DESCRIPTOR_UNITS):
                    continue  # 400亿级产业名镇, 3岁以下: a class or an age bound
                if _STRUCTURE_AFTER_RE.match(fig.unit[-1:] + after if fig.unit else after):
                    continue  # 重点做好9个方面工作: parts of the speech, not a quantity
                if (not fig.unit and not chinese and not after.startswith(("%", "％"))
                        and not re.match(r"\s*(?:以上|左右|多|余)", after)):
                    continue  # a bare number, unless it reads as a quantity (…达到300以上)
                count = _enumeration_count(before_all)
                if count and count == int(fig.value) and fig.unit.endswith(_ENUM_UNITS):
                    continue
                segment = before_all[prev_end:]
                prev_end = fig.end
                if segment.startswith("、") or (not segment.strip("、 ") and rows):
                    # 新增高新技术企业8家、雏鹰瞪羚企业2家: the verb of the first item is shared
                    verb = re.match(r"(?:新增|新建|完成|建成|实施|培育|引进|达到|增长|新开工|改造)",
                                    LEAD_TRIM_RE.sub("", before_all))
                    segment = (verb.group() if verb else "") + segment.lstrip("、 ")
                unit_extra = ""
                extra = _EXTRA_UNITS_RE.match(after)
                if extra:
                    unit_extra = extra.group()
                    after = after[extra.end() :]
                indicator = clean_indicator(_strip_region(segment.strip(), region), after)
                if _CHANGE_ONLY_RE.match(indicator) and rows and rows[-1].sentence == sent.text:
                    # 国内生产总值超过126万亿元，增长5.2%: the change is of the previous subject
                    subject = TRAIL_TRIM_RE.sub("", _CHANGE_TAIL_RE.sub("", rows[-1].indicator))
                    indicator = f"{subject}{indicator}"
                if not named_indicator(indicator):
                    continue
                hedge = _QUALIFIER_RE.match(after)
                qualifier = hedge.group() if hedge else ""
                value = fig.text
                for unit in sorted({fig.unit, fig.unit.lstrip("万亿千")}, key=len, reverse=True):
                    if unit and value.endswith(unit):
                        value = value[: -len(unit)]
                        break
                written = value
                inside = re.search(r"(多|余)$", value)  # (N多万人: the hedge is inside the figure)
                if inside:
                    value, qualifier = value[: inside.start()], qualifier or inside.group(1)
                rows.append(
                    FigureRow(
                        doc_id=doc_id, chunk_id=chunk_id, indicator=indicator,
                        value=value, number=fig.value, unit=_display_unit(fig.text, written) + unit_extra,
                        qualifier=qualifier,
                        period=_period(years),
                        kind=kind_of(clause.text, sent.text, years, doc_year, tuple(headings)),
                        section=section, sentence=sent.text, start=sent.start, end=sent.end,
                        position=offset + sent.start + local + fig.start,
                    )
                )
    return rows


def _display_unit(written: str, value: str) -> str:
    """The unit as written after the value: ``万亿元`` for ``126万亿元``."""
    unit = written[len(value) :]
    return unit.replace("％", "%")


def extract_from_chunks(chunks: Iterable[Any], doc_year: int = 0, region: str = "") -> list[FigureRow]:
    """Figures of a document given its stored chunks (``StoredChunk``-like: ``id``, ``doc_id``,
    ``text``, ``metadata`` with ``section``, ``start``, ``kind``). Body passages only; a figure
    repeated by chunk overlap is kept once, in the first chunk holding it."""
    seen: set[tuple[int, str]] = set()
    rows: list[FigureRow] = []
    for chunk in chunks:
        meta = chunk.metadata
        if meta.get("kind", "body") != "body":
            continue
        found = extract_from_text(
            chunk.text, doc_id=chunk.doc_id, chunk_id=chunk.id, section=str(meta.get("section", "")),
            doc_year=int(meta.get("year") or doc_year or 0), region=str(meta.get("region") or region),
            offset=int(meta.get("start", 0)),
        )
        for row in found:
            key = (row.position, row.value)
            if key in seen:
                continue
            seen.add(key)
            rows.append(row)
    rows.sort(key=lambda r: r.position)
    return rows


SORT_KEYS = ("position", "indicator", "number", "unit", "period", "kind", "title", "section", "region")


def period_years(period: str) -> tuple[int, int]:
    """``2024年`` → (2024, 2024); ``2021—2025年`` → (2021, 2025); ``""`` → (0, 0)."""
    years = [int(y) for y in re.findall(r"(?:19|20)\d\d", period)]
    return (min(years), max(years)) if years else (0, 0)


def figure_years(row: dict[str, Any]) -> range:
    """The years a figure speaks about: its period, else its document's year."""
    low, high = period_years(str(row.get("period", "")))
    if not low:
        low = high = int(row.get("doc_year") or 0)
    return range(low, high + 1) if low else range(0)


def select_figures(
    rows: list[dict[str, Any]],
    *,
    kind: str | None = None,
    text: str | None = None,
    doc_id: str | None = None,
    period: str | None = None,
    sort: str = "position",
    descending: bool = False,
    region: str | None = None,
    year: int | None = None,
) -> list[dict[str, Any]]:
    """Filter and sort stored figure rows (as ``DocStore.figures`` returns them). ``region`` is
    the document's region (``湖北省``); ``year`` keeps the figures whose period covers it."""
    out = rows
    if kind:
        out = [r for r in out if r.get("kind") == kind]
    if doc_id:
        out = [r for r in out if r.get("doc_id") == doc_id]
    if region:
        out = [r for r in out if r.get("region") == region]
    if year:
        out = [r for r in out if year in figure_years(r)]
    if period:
        out = [r for r in out if period in str(r.get("period", ""))]
    if text:
        needle = text.strip().lower()
        out = [r for r in out if needle in f"{r.get('indicator', '')} {r.get('sentence', '')} "
               f"{r.get('title', '')} {r.get('section', '')}".lower()]
    if sort not in SORT_KEYS:
        sort = "position"
    if sort == "position":
        out = list(reversed(out)) if descending else list(out)  # document order as stored
    elif sort == "number":
        out = sorted(out, key=lambda r: float(r.get("number", 0.0)), reverse=descending)
    else:
        out = sorted(out, key=lambda r: str(r.get(sort, "")), reverse=descending)
    return out
