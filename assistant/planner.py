"""The plan of a question: one answer, or several parts answered one by one, or a list, or a
summary of a section, or a table over years.

Forms recognised (general wording of questions, not of any document):
* two or more places (``湖南和陕西…分别``, ``Beijing's and Shanghai's``) → one part per place;
* two or more years, or a span (``2021年至2024年历年``, ``2014年到2016年``), or one year compared
  with the year before (``与去年相比…高还是低``) → one part per year; three or more make a table;
* ``哪几个方面``, ``有哪些``, ``哪四个``, ``包括什么`` → a list (the count asked, if any, is kept);
* ``总体要求``, ``指导思想``, ``主要任务``, ``工作重点`` → a summary of the section so named.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from assistant.english_asks import ask_label, english_asks
from assistant.glossary import indicator_groups
from assistant.list_counts import MEASURE_WORD, QUOTED_SPAN_RE, asks_english_list, count_in
from assistant.question import (
    CLAUSE_RE,
    EN_SECOND_ASK_RE,
    QUANTITY_RE,
    Question,
    asked_frame,
    asked_unit,
    named_report_years,
)
from assistant.years_asked import EACH_RE, SPAN_RE, data_years, years_asked
from common.normalize import ASKING_RE
from common.places import Place
from common.timeref import explicit_years
from common.tokens import jieba_module
from ingest.frames import RESULT, TARGET

MAX_TABLE_ROWS = 12  # a trend longer than this is cut, and the answer says so

_COMPARE_RE = re.compile(r"高还是低|多还是少|有何不同|有什么不同|不同|区别|差别|增加还是减少|提高还是降低|上升还是下降|哪个更|谁更|有何变化|有什么变化|变化|相比|对比|比较|"
                         r"\b(?:higher|lower|more|less|compare|compared|change|changed)\b", re.I)
# The measure words of a count of items (哪八方面, 三大, 四个, 五项).
_LIST_RE = re.compile(
    rf"哪几{MEASURE_WORD}|哪些|哪[一二两三四五六七八九十\d]+{MEASURE_WORD}|包括(?:什么|哪些)|分为哪|"
    r"分别是什么|都有什么|列举|\b(?:which|what)\b.*\b(?:areas|aspects|tasks|items|measures|parts|points)\b|"
    # (list as a request, not a noun: its 2025 list of projects)
    r"(?:^|please\s+|can you\s+|could you\s+)list\b",
    re.I,
)
# Asking what is done about something (举措, 怎么做, measures), not for a figure: answered by the
# measures a paragraph lists when its best sentence leads one (``lists.lead_paragraph``).
_MEASURES_Q_RE = re.compile(r"举措|措施|做法|怎么做|怎样做|如何做|(?:什么|哪些|怎样的|怎么样的)(?:安排|打算|部署|要求|政策)|怎么(?:要求|安排)|"
                            r"(?:什么|哪些)新?(?:方针|政策|办法|对策)|"
                            r"\bmeasures?\b|\bsteps\b|\bplan(?:s|ning)? to do\b", re.I)
# A stated number of things asked what they are (…的N件事是什么, N大X指什么): a list.
_COUNTED_WHAT_RE = re.compile(rf"[二两三四五六七八九十\d]+{MEASURE_WORD}(?!百分)[\u4e00-\u9fff]{{0,6}}?"
                              r"(?:是什么|是哪些|指什么|有什么|包括|分别是)")
# The main targets asked in English (the main expected development targets).
_ENGLISH_TARGETS = r"(?:main|major|expected)\b[a-z -]{0,60}?\b(?:targets|goals)"
# A summary is asked when the question asks what such a section says (…的总体要求是什么), not when
# it only names one (首次把…列入主要预期目标).
_SUMMARY_RE = re.compile(r"(?:总体要求|指导思想|主要任务|工作重点|重点工作|总体思路|基本思路|主要预期目标)(?:是|有|包括|主要|"
                         r"的主要内容|的内容|分别)|的(?:总体要求|指导思想|主要任务|工作重点|总体思路|基本思路|主要预期目标)[？?。.!！]?\s*$|\b(?:what (?:are|were|is|was) the (?:overall requirements?|"
                         r"guiding (?:thought|principles?)|main tasks|priorities|" + _ENGLISH_TARGETS + r"))\b", re.I)

# A summary asked in so many words (请概括…, …的主要内容, summarize …): the passage on what is
# named, under its heading when one names it.
_SUMMARISE_RE = re.compile(r"概括|概述|简述|归纳一下|简要介绍|扼要介绍|的主要内容|\bsummari[sz]e\b|\b(?:a )?summary of\b|"
                           r"\boverview of\b", re.I)


# The names of the summary sections (总体要求, 指导思想…) as a report writes them.
SUMMARY_TERMS = ("总体要求", "指导思想", "主要任务", "工作重点", "重点工作", "总体思路", "基本思路", "主要预期目标")
# Those written as one passage of prose (the others have parts, listed by their headings).
PROSE_SECTIONS = ("总体要求", "指导思想", "总体思路", "基本思路", "主要预期目标")
_ENGLISH_SUMMARY_TERMS = {"overall requirement": "总体要求", "guiding thought": "指导思想", "guiding principle": "指导思想",
                          "main tasks": "主要任务", "priorities": "工作重点"}
_ENGLISH_TARGETS_RE = re.compile(rf"\b{_ENGLISH_TARGETS}\b", re.I)


# Everyday names of the summary sections.
_SUMMARY_ALIASES = {"总的要求": "总体要求", "总要求": "总体要求", "总体上的要求": "总体要求", "总的思路": "总体思路"}


def _section_names(text: str) -> str:
    """The text with the everyday names of the summary sections as reports write them."""
    for alias, name in _SUMMARY_ALIASES.items():
        text = text.replace(alias, name)
    return text


def summary_term(text: str) -> str:
    """The summary section a question asks about (``总体要求``), or ``""``."""
    text = _section_names(text)
    found = next((t for t in SUMMARY_TERMS if t in text), "")
    lowered = text.lower()
    found = found or next((zh for en, zh in _ENGLISH_SUMMARY_TERMS.items() if en in lowered), "")
    return found or ("主要预期目标" if _ENGLISH_TARGETS_RE.search(text) else "")


@dataclass(frozen=True)
class Part:
    """One part of a multi-part question: the question narrowed to one place or one year."""

    label: str  # how the part is named in the answer: 湖南省, 2021年
    question: Question
    missing_reason: str = ""  # set when the corpus cannot have it (no report of that year)


@dataclass(frozen=True)
class Plan:
    kind: str  # "single" | "parts" | "table" | "list" | "summary"
    question: Question
    parts: tuple[Part, ...] = ()
    compare: bool = False  # the question asks which is higher / how it changed
    count: int = 0  # the number of items the question states (哪四个 → 4)
    capped: int = 0  # rows left out of a table longer than MAX_TABLE_ROWS
    notes: tuple[str, ...] = field(default_factory=tuple)


def _one_part(q: Question) -> Question:
    """A part of a question without the words that ask for each part (历年, 分别, 各是): they
    split the question and are no words of the answer (as a rare term, 历年 outweighed every
    content word)."""
    terms = tuple(t for t in q.terms if not EACH_RE.search(t.text) and not _COMPARE_RE.fullmatch(t.text)
                  # (这三年, 两省: how many years or places are asked)
                  and not re.fullmatch(r"[两三四五六七八九十\d]+[年省市区县国]", t.text))
    return replace(q, terms=terms, search_text=EACH_RE.sub("", q.search_text).strip() or q.search_text)


def _narrow_year(q: Question, year: int, within_report: bool = False) -> Question:
    """The question about one year: a report year stays a report year (``2013年政府工作报告…``);
    ``within_report``: the years are asked of the one report named, none of them its own
    (2008年政府工作报告中，2006年和2007年…分别…): a year of that report's figures."""
    q = _one_part(q)
    if q.report_years and not within_report:
        return replace(q, report_years=frozenset({year}), years=frozenset(), search_text=_one_year(q.search_text, year))
    return replace(q, years=frozenset({year}), search_text=_one_year(q.search_text, year))


def _one_year(text: str, year: int) -> str:
    text = SPAN_RE.sub(f"{year}年", text)
    return re.sub(r"(?:19|20)\d\d年?(?:和|与|、|及)?", "", text).strip() or text


def _narrow_place(q: Question, place: Place) -> Question:
    q = _one_part(q)
    others = [p for p in q.places if p != place]
    text = q.search_text
    for other in others:
        text = text.replace(other.name, "").replace(other.short, "")
    return replace(q, places=(place,), search_text=text)


_EACH_FIGURE_RE = re.compile(r"分别|各是|各为|各多少|各自")
_AND_RE = re.compile(r"和|与|及|以及|、")


def _term_run(spans: list[tuple[int, int]], at: int, forward: bool) -> tuple[int, int]:
    """The span of content terms (``spans``: where they stand in the question) that follow one
    another from ``at`` (forward) or end at ``at`` (backward): 城镇 新增 就业 → 城镇新增就业."""
    lo = hi = at
    while True:
        step = next(((a, b) for a, b in spans if (a == hi if forward else b == lo) and b > a), None)
        if step is None:
            return lo, hi
        lo, hi = (lo, step[1]) if forward else (step[0], hi)


def _indicator_parts(q: Question) -> tuple[Part, ...]:
    """Two figures asked together (赤字率和赤字规模分别是多少): one part per indicator, each the
    question without the other's words; none when the question is not of that form."""
    if not q.wants_number or q.is_english or not _EACH_FIGURE_RE.search(q.text):
        return ()
    spans = [(m.start(), m.end()) for t in q.terms if t.weight > 0 and not t.answer_type and t.text
             for m in re.finditer(re.escape(t.text), q.text)]
    for m in _AND_RE.finditer(q.text):
        first = _term_run(spans, m.start(), forward=False)
        second = _term_run(spans, m.end(), forward=True)
        if first[0] == first[1] or second[0] == second[1]:
            continue
        a, b = q.text[first[0]:first[1]], q.text[second[0]:second[1]]
        if a == b:
            continue
        parts = []
        for keep, drop, span in ((a, b, (m.start(), second[1])), (b, a, (first[0], m.end()))):
            text = q.text[:span[0]] + q.text[span[1]:]
            terms = [t for t in q.terms if not (t.text in drop and t.text not in keep)]
            # a rate (…率) is asked in percent; the other keeps a unit the question states
            unit = asked_unit(keep, True) or ("" if q.unit == "%" else q.unit)
            parts.append(Part(keep, replace(q, text=text, search_text=text, terms=tuple(terms), unit=unit)))
        return tuple(parts)
    return ()


_ASK_SEPARATOR_RE = re.compile(r"[、，,；;]")
# A question that opens on the one before it: its share, its part, a comparison with it.
_REFERS_BACK_RE = re.compile(r"(?:其中|其|它|这|那|该|占|比|相当于|同比|较|为|是)")


def _consecutive_asks(q: Question) -> tuple[Part, ...]:
    """Two figures asked one after the other, each with its own quantity word and its own
    words (安排多少个X、完成多少Y): one part per ask, the second with the words before the first
    ask (the report, the place, the topic); none when the question is not of that form."""
    if q.is_english or not q.wants_number:
        return ()
    # (two questions one after the other, …多少个X？…多少个Y？, are two asks of one sentence,
    # each whole: the second keeps the pieces before the first ask, not the first's own words)
    asking_text, marks = re.subn(r"[？?](?=.)", "，", q.text.rstrip("？?。. "))
    asked_twice = marks > 0
    # (both in the sentence that asks: …列举了连续几年的X。…：X是多少？ asks once)
    if re.search(r"[。！!？?：:]", asking_text):
        return ()
    pieces = _ASK_SEPARATOR_RE.split(asking_text)
    asking = [i for i, piece in enumerate(pieces) if QUANTITY_RE.search(piece)]
    if len(asking) != 2 or asking[1] != asking[0] + 1:
        return ()
    first, second = pieces[asking[0]], pieces[asking[1]]
    if asked_twice and _REFERS_BACK_RE.match(second):
        return ()  # (…是多少？占全国的多少？ asks of the first's figure: one ask, quoted with its share)
    asks = list(QUANTITY_RE.finditer(first))  # (its first and last quantity words)
    quantity, last = asks[0], asks[-1]
    # what the first ask is about: its words before its last quantity word (总额 in 零售总额是多少
    # is a part of the subject)
    subject = first[: last.start()].removesuffix("是")
    # a change asked without its own subject (…总额是多少，增长了多少) is the change of the first
    # ask's whole subject; a second question asked whole keeps none of the first's words; another
    # ask keeps the words before the first quantity word
    if not _names_a_thing(second):
        carried = subject
    elif asked_twice:
        carried = ""
    else:
        carried = first[: quantity.start()]
    lead = "，".join([*pieces[: asking[0]], carried])
    asked = [t for t in q.terms if t.weight > 0 and not t.answer_type]
    parts = []
    for text, piece, own_words in ((f"{'，'.join(pieces[: asking[0] + 1])}？", first, first[quantity.start():]),
                                   (f"{lead}{second}？", second, second)):
        # what this ask is about: its own words, else the last word before the first quantity
        own = [t for t in asked if t.text in own_words] or [t for t in asked if t.text in subject][-1:]
        if not own:
            return ()  # (多少、多少: one thing asked twice is no two asks)
        terms = tuple(t for t in q.terms if t.text in text)
        label = "".join(t.text for t in sorted(own, key=lambda t: (own_words.find(t.text) + 1 or len(own_words) + 1)))
        parts.append(Part(label, replace(q, text=text, search_text=text, terms=terms,
                                                                   unit=asked_unit(piece, True))))
    return tuple(parts) if parts[0].label != parts[1].label else ()


@lru_cache(maxsize=256)
def _names_a_thing(ask: str) -> bool:
    """Whether an ask has a noun of its own (总量是多少, 完成多少年度投资), by jieba's part of
    speech; a verb alone (增长了多少, 比上年提高多少) asks how something named before changed."""
    import jieba.posseg

    jieba_module()  # initialised quietly, with the project's dictionary
    return any(w.flag.startswith("n") or w.flag == "vn" for w in jieba.posseg.cut(ask))


_KIND_LABELS = {TARGET: "目标", RESULT: "实际"}


def _frame_parts(q: Question) -> tuple[Part, ...]:
    """A figure asked twice in one message, once as a target and once as a result or for two
    different years (当年X目标是多少？上一年实际完成多少？): one part per asking clause, each with
    its clause's year and kind; the clauses before the first ask (the report, the place) are
    kept in both. None when the question is not of that form."""
    if q.is_english or not q.wants_number:
        return ()
    clauses = [c for c in CLAUSE_RE.split(q.text) if c.strip()]
    asking = [i for i, c in enumerate(clauses) if QUANTITY_RE.search(c)]
    if len(asking) != 2:
        return ()
    frames = [asked_frame(clauses[i]) for i in asking]
    kinds = {kind for _, kind in frames}
    relatives = [rel for rel, _ in frames]
    # (a year that names a report in the clause, 2025年报告里…, is not the year it asks about)
    clause_years = [set(explicit_years(clauses[i])) - named_report_years(clauses[i]) for i in asking]
    if kinds != {TARGET, RESULT} and not (None not in relatives and relatives[0] != relatives[1]) \
            and not (all(clause_years) and clause_years[0] != clause_years[1]):
        return ()
    context = "，".join(clauses[: asking[0]])
    report = next(iter(q.report_years)) if len(q.report_years) == 1 else None
    # (a question naming no year has its 今年 anchored to the latest report's year, service.analyze:
    # each clause's 去年 / 今年 is counted from that year)
    whole_relative = asked_frame(q.text)[0]
    anchor = next(iter(q.years)) - whole_relative if (
        q.relative_year is None and whole_relative is not None and len(q.years) == 1 and not explicit_years(q.text)) else None
    parts = []
    for i, (relative, kind), years in zip(asking, frames, clause_years, strict=True):
        text = f"{context}，{clauses[i]}" if context else clauses[i]
        if not years and anchor is not None and relative is not None:
            years, relative = {anchor + relative}, None
        year = min(years) if len(years) == 1 else (report + relative if report and relative is not None else None)
        label = (f"{year}年" if year else "") + _KIND_LABELS.get(kind, "")
        # (the year and kind the clause names, none when it names none: the other clause's are
        # not this one's)
        part = replace(q, text=text, kind=kind, relative_year=relative, years=frozenset(years) or q.years,
                       unit=asked_unit(clauses[i], True) or q.unit)
        parts.append(Part(label or clauses[i], part))
    return tuple(parts)


# How something moved over the years (a trend asked without 多少).
_MOVED_RE = re.compile(r"变化|走势|趋势|增减|\b(?:chang(?:e|ed|ing)|trend|evolve[ds]?)\b", re.I)


def asks_list(q: Question) -> bool:
    """Whether the question asks for a list (哪些, 哪几个方面, 包括什么, N件X是什么, which areas)."""
    text = _section_names(q.text)
    return (_LIST_RE.search(text) is not None or _COUNTED_WHAT_RE.search(QUOTED_SPAN_RE.sub("", text)) is not None
            or (q.is_english and asks_english_list(text)))


def plan(q: Question, analyze: Callable[[str], Question] | None = None) -> Plan:
    """The plan of a question (see the module docstring). ``analyze`` understands a text as a
    question (the service's): an English question asking two figures one after the other is
    answered as two questions."""
    text = _section_names(q.text)
    compare = bool(_COMPARE_RE.search(text))
    # (a place inside another one named, 某省某市, is where in it, not a second place asked,
    # unless each is asked for: 某省和某市…分别)
    each = bool(EACH_RE.search(text)) or compare
    places = [p for p in dict.fromkeys(q.places)
              if each or not any(o.level < p.level and p.province == o.province for o in q.places)]
    if len(places) >= 2:
        parts = tuple(Part(p.name if not q.is_english else p.english, _narrow_place(q, p)) for p in places)
        return Plan("parts", q, parts, compare=compare)
    framed = _frame_parts(q)
    if framed:
        return Plan("parts", q, framed)
    years = years_asked(q)
    if len(years) >= 2:
        capped = max(0, len(years) - MAX_TABLE_ROWS)
        years = years[-MAX_TABLE_ROWS:] if capped else years
        # (a comparison of an indicator's figures asks figures, also when it names no 多少:
        # …的国内生产总值增长目标有什么不同)
        wants = q.wants_number or (compare and bool(indicator_groups(text)))
        # (how something moved over three or more reports, 怎样变化, asks its figure in each)
        wants = wants or (len(years) >= 3 and bool(_MOVED_RE.search(text)))
        data = data_years(q, years)
        within = len(q.report_years) == 1 and not q.report_years & set(years)
        narrowed = {y: replace(_narrow_year(q, y, within), wants_number=wants) for y in years}
        parts = tuple(Part(f"{y}年" if not q.is_english else str(y),
                           replace(narrowed[y], years=frozenset({data[y]})) if y in data else narrowed[y])
                      for y in years)
        kind = "table" if len(years) >= 3 else "parts"
        return Plan(kind, q, parts, compare=compare or len(years) >= 3, capped=capped)
    pair = _indicator_parts(q) or _consecutive_asks(q)
    if pair:
        return Plan("parts", q, pair)
    asks = english_asks(q.text) if q.is_english and q.wants_number else []
    if asks and analyze is not None:
        return Plan("parts", q, tuple(Part(ask_label(a), analyze(a)) for a in asks))
    # a section written as one passage of prose (总体要求, 主要预期目标) is summarised also when
    # asked as a list (…哪些主要预期目标): its items are in its sentences, not in sub-headings;
    # one with parts (主要任务, 重点工作) asked as a list (…包括哪几个方面) lists its parts
    wants_list = asks_list(q)
    prose_section = any(t in text for t in PROSE_SECTIONS) and wants_list
    # (an English question for the main targets asks their figures: a summary all the same)
    targets = q.is_english and summary_term(text) == "主要预期目标"
    summary_asked = (_SUMMARY_RE.search(text) or _SUMMARISE_RE.search(text)) and not wants_list
    if (prose_section or summary_asked) and (not q.wants_number or targets):
        return Plan("summary", q)
    # 几 in a list question names its items (…的几件X…有哪些), it asks no figure
    names_items = wants_list and not re.search(r"多少|百分之", text)
    if wants_list and (not q.wants_number or names_items) or (wants_list and count_in(text) and not q.unit):
        # (its 几 counts the items: the sentences that list them need hold no figure)
        listed = replace(q, wants_number=False, unit="") if names_items else q
        return Plan("list", listed, count=count_in(text))
    return Plan("single", q)


def asks_two_things(q: Question) -> bool:
    """Whether the question asks two things in one (a figure and its change, its share or its
    rank: …X是多少？占多少？ / …, and how did it change?): the answer quotes the clause after the
    figure's as well, where the second thing is stated."""
    if q.is_english:
        return EN_SECOND_ASK_RE.search(q.text) is not None
    asking = [c for c in CLAUSE_RE.split(q.text) if ASKING_RE.search(c)]
    return len(asking) >= 2


_HOW_RE = re.compile(r"怎么|如何|怎样")


@lru_cache(maxsize=1024)  # (asked by the evidence, the lists and the measures of one question)
def _how_to_act(text: str) -> bool:
    """怎么/如何/怎样 followed by a verb of two or more characters (by jieba's part of speech),
    after an adverb if any: how something is done (怎么X, X a verb such as 推进 or 落实), not how it
    is worded (怎么说)."""
    import jieba.posseg

    for match in _HOW_RE.finditer(text):
        tail = text[match.end() : match.end() + 8]
        if not tail:
            continue
        jieba_module()  # initialised quietly, with the project's dictionary
        # (an adverb may come first: 如何进一步推进, 怎样更好地保障)
        words = [w for w in jieba.posseg.cut(tail) if w.flag not in ("d", "ad", "uv", "x")]
        if not words or len(words[0].word) < 2:
            continue
        # (a set phrase, 推进改革, leads with its verb)
        lead = words[0] if words[0].flag not in ("l", "i") else next(iter(jieba.posseg.cut(words[0].word[:2])))
        if lead.flag.startswith("v"):
            return True
    return False


def asks_measures(q: Question) -> bool:
    """Whether the question asks what is done about something rather than for a figure."""
    return not q.wants_number and (_MEASURES_Q_RE.search(q.text) is not None or _how_to_act(q.text))
