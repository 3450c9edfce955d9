"""What each sentence speaks about, worked out at ingest and stored with it: the years (the
report's year, the year before, a plan period, the past five years…) and, for each figure in
it, whether it is a target (``目标``), a result (``实际``) or neither.

One model of targets and results, used by the answers and by the goals & figures table:

* a figure about a year before the report's is a result, one about a later year a target;
* about the report's own year, the words of its clause decide (``力争``, ``左右``, ``预期`` → a
  target; ``完成了``, ``据初步核算`` → a result), then those of its sentence and its headings
  (``主要预期目标`` / ``工作回顾``); when nothing says, it is neither (not guessed);
* a document without a year decides by the words alone.

Years come from the clause, then the sentence, then the headings (``一、2023年工作回顾``), then
the document; comparisons (``比上年增长``) name a base year, not the year spoken about.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from common.textutils import Figure, figure_ranges, find_figures, split_clauses
from common.timeref import dated, spans_of, without_comparisons, years_of

TARGET, RESULT = "目标", "实际"
# Bump when the rules change: stored frames of older versions are worked out again (no re-embedding).
FRAMES_VERSION = "56"

# Words of the genre that mark a plan or a commitment.
_TARGET_WORDS = re.compile(
    # (要 as a verb of what is to be done, not in 重要, 主要, 需要, 纲要, 要素)
    r"目标|预期|预计|计划|力争|确保|争取|努力|拟|安排|左右|以上|以内|控制在|不低于|不超过|将|"
    r"(?<![重主需必紧首摘纲])要(?![素点闻害])|打算|"
    r"任务|部署|今后|未来|到20\d\d年|到本世纪|年内|全年"
)
# Words that report what happened.
_RESULT_WORDS = re.compile(
    r"据初步核算|初步统计|初步测算|完成了|实现了|达到了|增长了|增加了|减少了|下降了|提高了|累计|已经|已|回顾|过去|取得|"
    r"成功|实际"
)
# A past plan, quoted when a review reports against it (原定N年…a，实际…b): a target of its year.
PAST_PLAN_WORDS = r"原定|原计划|原来计划|原先计划"
PAST_PLAN_RE = re.compile(PAST_PLAN_WORDS)
# A target said to be met (提前完成“N五”规划目标, 超额完成X任务): what happened.
_TARGET_MET_RE = re.compile(r"(?:提前|超额|如期|全面|圆满|顺利)完成[^，。；]{0,12}(?:目标|任务)")
# A figure said to be a target's value (a%左右的预期目标, 实现了b的年度目标).
_TARGET_VALUE_RE = re.compile(r"[\d%％万亿元个]\s*(?:左右|以上|以内)?的[^，。；\d]{0,6}目标")
_HEADING_TARGET_RE = re.compile(r"目标|任务|总体要求|部署|安排|重点工作|政策取向|计划")
_HEADING_RESULT_RE = re.compile(r"回顾|过去|成就|成绩|成效|工作总结")
# Words around a figure that are not what it measures.
LEAD_TRIM_RE = re.compile(
    r"^(?:(?:其中|同时|此外|另外|并|并且|和|及|以及|与|全年|今年|年内|本年|到年底|年底前|力争|努力|确保|争取|预计|"
    r"预期|计划|实现|拟安排|拟|全市|全省|全县|全区|我市|我省|我县|我区|要|将|还)[,，、]?)+"
)
# Leading enumerators of a list item (一是…, 十一是…, （1）, ⑤, 3．).
ENUMERATOR_RE = re.compile(r"^(?:[一二三四五六七八九十]+是|[（(]\d+[)）]|[①-⑳]|\d+[．.、])")
TRAIL_TRIM_RE = re.compile(r"(?:达到|达|为|至|到|超过|超|逾|过|突破|累计达到|累计|约|近|共|总计|合计|从(?:去年|上年)?的?|的|"
                           r"(?:稳定|保持|控制|维持)在)+$")



@dataclass(frozen=True)
class FigureFrame:
    """One figure of a sentence: offsets in the sentence, its value and unit, its kind; a
    range (``6%－6.5%``) is one figure spanning both ends."""

    start: int
    end: int
    text: str
    value: float
    unit: str
    kind: str  # TARGET, RESULT or ""
    years: tuple[int, ...]
    indicator: str = ""  # what it measures (the words before it in its clause, cleaned)


@dataclass(frozen=True)
class SentenceFrame:
    years: tuple[int, ...]  # the years the sentence speaks about (sorted)
    kind: str  # what the sentence mostly states: TARGET, RESULT or ""
    figures: tuple[FigureFrame, ...]
    years_from: str = "sentence"  # where its years come from: sentence, heading or document

    def as_dict(self) -> dict[str, object]:
        return {"years": list(self.years), "kind": self.kind, "years_from": self.years_from,
                "figures": [[f.start, f.end, f.text, f.value, f.unit, f.kind, list(f.years), f.indicator]
                            for f in self.figures]}

    @staticmethod
    def from_dict(data: dict[str, Any]) -> SentenceFrame:
        figs = tuple(FigureFrame(int(f[0]), int(f[1]), str(f[2]), float(f[3]), str(f[4]), str(f[5]),
                                 tuple(int(y) for y in f[6]), str(f[7]) if len(f) > 7 else "")
                     for f in data.get("figures", []))
        return SentenceFrame(tuple(int(y) for y in data.get("years", [])), str(data.get("kind", "")), figs,
                             str(data.get("years_from", "sentence")))


def clean_indicator(before: str, after: str, counted: bool = True) -> str:
    """What a figure measures, from the words before it in its clause (without the subject,
    time words and hedges) and a noun right after it (实施20项「民生保障工程」)."""
    head = ENUMERATOR_RE.sub("", before.strip(" ，,、：:；;"))
    head = LEAD_TRIM_RE.sub("", head)
    head = TRAIL_TRIM_RE.sub("", head)
    tail = ""
    m = re.match(r"[\u4e00-\u9fff“”A-Za-z]{2,14}", after) if counted else None
    if m and not re.match(r"(?:以上|以下|左右|以内|的|和|及|、)", after):
        tail = m.group()
    text = f"{head}{tail}".strip(" ，,、：:；;")
    return text[-40:]


def adverbs_only(words: str) -> bool:
    """Words that are adverbs only (已经, 均): they name nothing a figure measures."""
    import jieba.posseg  # (half a second to load: only when a clause with no figure comes first)

    cut = jieba.posseg.lcut(words) if words else []
    return bool(cut) and all(w.flag == "d" for w in cut)


def says_results(word: str) -> bool:
    """A word that says what happened (取得, 成就, 成效, 回顾), not what it happened to."""
    return bool(_RESULT_WORDS.search(word) or _HEADING_RESULT_RE.search(word))


def kind_of(clause: str, sentence: str, years: set[int], doc_year: int, headings: tuple[str, ...] = ()) -> str:
    """Target or result, by the years spoken about, then the words of the clause, the
    sentence and the headings (see the module docstring)."""
    if PAST_PLAN_RE.search(clause):
        return TARGET
    if _TARGET_MET_RE.search(clause):
        return RESULT
    if _TARGET_VALUE_RE.search(clause):
        return TARGET  # (低于a%左右的预期目标: a is the target's value, in a review too)
    if doc_year and years:
        if max(years) < doc_year:
            return RESULT
        if min(years) >= doc_year and max(years) > doc_year:  # a later year, or a plan reaching past this one
            return TARGET
    for text in (clause, sentence):
        plain = without_comparisons(text)  # 比上年增长 names a base year, not what happened
        target = bool(_TARGET_WORDS.search(plain))
        result = bool(_RESULT_WORDS.search(plain))
        if target != result:
            return TARGET if target else RESULT
    for heading in reversed(headings):
        if _HEADING_RESULT_RE.search(heading):
            return RESULT
        if _HEADING_TARGET_RE.search(heading):
            return TARGET
    return ""


def figures_of(sentence: str) -> list[Figure]:
    """The figures of a sentence, years and dates left out, a range joined into one."""
    # (nor the first end of a span of dates, 1到10月, 1—3季度)
    figs = [f for f in find_figures(sentence) if not f.is_year and not _DATE_AFTER_RE.match(sentence, f.end)]
    joined: list[Figure] = []
    ranges = {id(a): b for a, b in figure_ranges(sentence, figs)}
    skip: set[int] = set()
    for fig in figs:
        if id(fig) in skip:
            continue
        end = ranges.get(id(fig))
        if end is not None:
            skip.add(id(end))
            unit = end.unit if not fig.unit else fig.unit
            fig = Figure(sentence[fig.start : end.end], end.value, unit, fig.start, end.end)
        joined.append(fig)
    return joined


# What follows a number of a date: 年, 月, 日, 季度, or the rest of a span of dates (1到10月).
_DATE_AFTER_RE = re.compile(r"[年月日季]|\s*(?:[-－—–~～至到]|－－|——)\s*[\d０-９一二三四五六七八九十]{1,2}\s*[年月日季]")
_COUNTERS = {"个", "项", "家", "所", "座", "条", "处", "批", "类", "种", "套", "台", "辆", "名", "位", "次", "场", "件"}
_LAST_YEAR_RE = re.compile(r"((?:19|20)\d\d\s?年|[一二][〇零一二三四五六七八九]{3}年|今年|去年|上年|明年)(?:的|底|末)?.{0,2}$")


def _attached_years(before: str, doc_year: int) -> set[int]:
    """The year named right before a figure (``去年的2.1%``, ``2007年的3664亿元``), not a base
    year of comparison (``比去年增加2700亿元``)."""
    m = _LAST_YEAR_RE.search(without_comparisons(before))
    return years_of(m.group(1), doc_year) if m else set()


def _from_to(clause: str, figures: list[Figure], years: set[int]) -> dict[int, set[int]]:
    """``从A提高到B`` (``由A增加到B``) in a sentence about two years: A is of the earlier year,
    B of the later."""
    if len(years) != 2 or len(figures) < 2:
        return {}
    out: dict[int, set[int]] = {}
    early, late = sorted(years)
    for i in range(len(figures) - 1):
        lead = clause[max(0, figures[i].start - 8):figures[i].start]
        between = clause[figures[i].end:figures[i + 1].start].strip()
        if re.search(r"[从由]", lead) and re.search(r"到了?$", between) and not re.search(r"[，,；;]", between):
            out[i], out[i + 1] = {early}, {late}
    return out


_CHANGE_ONLY_RE = re.compile(r"^(?:比[^，,、]{0,6})?(?:增长|下降|提高|降低|上涨|增加|减少|扩大|缩小)")


def frame_sentence(sentence: str, headings: tuple[str, ...], doc_year: int) -> SentenceFrame:
    """The frame of one sentence of a document of ``doc_year`` under ``headings``.

    A figure's years are those named right before it (``去年的2.1%``), else its clause's that no
    earlier figure took (``赤字率从去年的2.1%提高到2.3%``: 2.3% is this year's), else those of
    the latest clause before it that names a year (``2012年，…，国内生产总值增长7.8%，…，为今年
    …打下基础``: 7.8% is 2012's), else the sentence's. A figure whose words only say it changed (``，增长5.2%``) measures the change of
    the figure before it (``国内生产总值增长``)."""
    years, source = dated(sentence, headings, doc_year)
    figures: list[FigureFrame] = []
    subject = ""  # what the sentence speaks about, for a figure with no words of its own (…，达到9680亿斤)
    bare_clause = ""  # the clause before, when it holds no figure
    carried: set[int] = set()  # the years the latest clause named: a time stated first scopes what follows
    for clause in split_clauses(sentence):
        named = years_of(clause.text, doc_year) or spans_of(without_comparisons(clause.text), doc_year)
        carried = named or carried
        clause_years = carried or years
        taken: set[int] = set()
        previous = 0
        clause_figures = figures_of(clause.text)
        spans = _from_to(clause.text, clause_figures, years)
        for n, fig in enumerate(clause_figures):
            before = clause.text[previous:fig.start]
            own = spans.get(n) or _attached_years(before, doc_year)
            fig_years = own or (clause_years - taken) or (years - taken) or clause_years
            taken |= own
            kind = kind_of(clause.text, sentence, fig_years, doc_year, headings)
            counted = fig.unit.lstrip("万亿千") in _COUNTERS
            indicator = clean_indicator(before, clause.text[fig.end:], counted)
            if _CHANGE_ONLY_RE.match(indicator) and figures and figures[-1].indicator:
                indicator = figures[-1].indicator + indicator
            if n and re.fullmatch(r"\s*(?:和|与|及|、|，)\s*", before) and figures:
                indicator = figures[-1].indicator  # A和B增长8.4%和11.4%: the second is of the same kind
            if bare_clause and adverbs_only(indicator):
                # (a clause of adverbs and the verb only, …的国家和地区，已经达到N个: it measures what
                # the clause before it, with no figure of its own, names)
                indicator = clean_indicator(bare_clause + indicator, clause.text[fig.end:], counted)
            indicator = indicator if re.search(r"[\u4e00-\u9fff]{2}", indicator) else subject
            subject = subject or indicator
            previous = fig.end
            figures.append(FigureFrame(clause.start + fig.start, clause.start + fig.end, fig.text, fig.value,
                                       fig.unit, kind, tuple(sorted(fig_years)), indicator))
        if not subject:
            subject = clean_indicator(re.split(r"在|的基础上", clause.text)[0], "")
        bare_clause = "" if clause_figures else clause.text.strip(" ，,；;")
    kinds = [f.kind for f in figures if f.kind]
    kind = max(set(kinds), key=kinds.count) if kinds else kind_of("", sentence, years, doc_year, headings)
    return SentenceFrame(tuple(sorted(years)), kind, tuple(figures), source)


def paragraph_leads(sentences: list[tuple[int, int, str]], text_between: Callable[[int, int], str],
                    doc_year: int) -> dict[int, str]:
    """The time that opens a paragraph, for each later sentence of that paragraph (by start).

    A paragraph whose first clause names a time (``刚刚过去的2017年，…``, ``过去一年，…``) speaks
    of that time in its later sentences too, when they name none of their own: the clause is
    read as the innermost heading of those sentences, before the section headings (a review
    of five years can hold a paragraph about its last year). ``sentences`` are
    ``(start, end, text)`` in text order; ``text_between(a, b)`` is the document text between
    two offsets, where a line break starts a new paragraph."""
    leads: dict[int, str] = {}
    lead = ""
    previous_end = None
    for start, end, sentence in sentences:
        if previous_end is None or "\n" in text_between(previous_end, start):
            clauses = split_clauses(sentence)
            first = clauses[0].text if clauses else ""
            named = years_of(first, doc_year) or spans_of(without_comparisons(first), doc_year)
            lead = first.rstrip("，,；;：:") if named and len(clauses) > 1 else ""
        elif lead:
            leads[start] = lead
        previous_end = end
    return leads
