"""Question understanding: a frozen :class:`Question` built once per question.

1. The text is normalised first (``common.normalize``: characters, width, traditional →
   simplified, Chinese numerals), misspelt place names are put right (``Gazetteer.correct``)
   and, from a long message, the part that asks is kept (its years and places come from the
   whole message).
2. What it is about: content terms (glossary phrases, then jieba words; places, years and
   question words left out), each with its synonyms and, given corpus statistics
   (:class:`Vocabulary`), an IDF weight and a spelling correction when the corpus never has the
   word but has one a character off that sounds the same.
3. Its frame: the years asked about and the reports named (``2019年政府工作报告``, ``its 2025
   report``), a year relative to the report (``今年``, ``上一年``), the places (gazetteer), whether a
   figure is asked for, in which unit, and whether a target or a result.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from assistant.english_terms import english_terms
from assistant.english_words import EnglishRenderer
from assistant.glossary import alternatives, glossary_phrases, split_glossary_words
from common.normalize import asking_part, normalize
from common.places import NATIONAL, Gazetteer, Place, default_gazetteer
from common.textutils import chinese_to_number
from common.timeref import explicit_years, without_comparisons
from common.tokens import STOPWORDS, jieba_module, tokenize
from ingest.frames import PAST_PLAN_WORDS, RESULT, TARGET

QUANTITY_RE = re.compile(
    r"多少|(?<!哪)几[个项家种条所座名位级类批处亿万千百十]?|增速|增幅|涨幅|增长率|比重|占比|比例|规模|总额|总量|"
    r"率是|多大|多高|多快|多长|多远|多重|什么水平|什么幅度"
)
_EN_QUANTITY_RE = re.compile(
    r"\bhow (much|many|fast|big|large|high|long)\b|\bwhat (percentage|share|rate|proportion|amount|level|figure)\b|"
    r"\b(growth rate|by how much|what was the growth|what is the growth)\b|"
    # (a word of a hyphenated compound is none: high-level, low-income)
    r"\b(?:what|how|compare)\b.*(?<![\w-])(target|goal|population|gdp|revenue|income|output|rate|total|number|figure|amount|"
    r"value|volume|ratio|share|proportion|deficit|investment|growth|size|level|spending|expenditure|production|"
    r"quota|capacity|capacities|consumption|turnover)s?\b(?!-)",
    re.IGNORECASE,
)
# Unit asked for: "多少亿元", "几个", "多少公里"; longest first.
_UNIT_AFTER_RE = re.compile(
    r"(?:多少|几)(万亿元|亿元|万元|元|亿斤|万斤|斤|亿|万吨|吨|公里|千米|平方公里|平方米|万亩|亩|万人|人次|人|户|"
    r"个百分点|百分点|个|项|家|所|座|条|处|批|类|级|种|套|台|辆|名|位|场|次|万头|头|万担|担|档|成)"
)
# An indicator that is a ratio is asked in percent (赤字率, 比重, 增速): not an amount.
_RATIO_RE = re.compile(r"(?:率|比重|占比|比例|增速|增幅|涨幅|百分之几|百分之多少|百分比|(?:增长|下降|上涨|回落)了?(?:多少|几)(?!亿|万|元|吨|斤|个|人))")
_EN_UNITS = {
    "billion yuan": "亿元", "yuan": "元", "tons": "吨", "tonnes": "吨", "kilometers": "公里",
    "kilometres": "公里", "km": "公里", "percent": "%", "percentage": "%", "rate": "%", "ratio": "%",
    "share": "%", "proportion": "%", "mu": "亩", "jin": "斤", "hectares": "公顷",
    "how fast": "%",
}
# Nouns that are a count of people only when "how many" of them is asked (not "income of residents").
_EN_COUNT_NOUNS = {"person-times": "人次", "people": "人", "persons": "人", "residents": "人", "jobs": "人",
                   "hours": "小时", "days": "天", "households": "户", "vehicles": "辆", "cars": "辆",
                   "passengers": "人次", "trips": "人次", "visits": "人次"}
# "from what (level) to what", "rose to what level": the level a figure reached, not its rate of change
_EN_LEVEL_RE = re.compile(r"\bfrom what\b.*\bto what\b|\bto what (?:level|figure|amount)\b", re.I)
# The value or amount of something asked (not a value added, which grows by a rate).
_EN_AMOUNT_RE = re.compile(r"\b(?:what|how much) (?:was|is|were|are) the (?:total )?(?:value|amount)\b(?![- ]added)", re.I)
# An English question that goes on to ask a second thing about the same figure (…, and how did
# it change; … and what share is that).
EN_SECOND_ASK_RE = re.compile(r"\band (?:by )?(?:how|what|where|which|when|whether)\b", re.I)
# "(by) how much did … grow / fall": a rate of change, as 增长多少 is in Chinese.
_EN_CHANGE_RE = re.compile(r"\bhow much\b.*\b(?:grow|grew|rise|rose|increase|decrease|fall|fell|drop|decline)\b", re.I)
# Asked for a plan or for what happened (general wording of the genre).
# (左右 / 以上 mark a target only after a number: 规模以上 is part of an indicator's name)
# (what was originally set is a target, as the frames read it: 原定, 原计划)
_TARGET_Q_RE = re.compile(rf"{PAST_PLAN_WORDS}|目标|预期|计划|拟|力争|打算|安排|要求|部署|定为|定了|设定|确定|(?<!完成)任务|"
                          r"(?<=[\d%％万亿])(?:左右|以上)")
_RESULT_Q_RE = re.compile(r"实际|完成了|实现了|达到了|增长了|下降了|提高了|同比|回顾|取得了|是否完成")
# (set a goal is a target; set up, to establish something, says nothing of one)
_EN_TARGET_RE = re.compile(r"\b(target|targets|goal|goals|aim|aims|aiming|plan|plans|planned|expected|set(?!\s+up\b)|"
                           r"commit|commits|committed|pledge|pledged|pledges|promise|promised|promises)\b", re.I)
# (was / were … to be done: what was planned, not what happened)
_EN_RESULT_RE = re.compile(r"\b(did|grew|(?:was|were)(?!(?:\s+[\w-]+){0,10}?\s+to\s+be\b)|achieved|actual|actually|"
                           r"last year|in the past)\b", re.I)
_EN_PLAN_NAME_RE = re.compile(r"\bfive[- ]year plans?\b", re.I)
# Whether a target was met (did X meet its target, exceeded the goal) asks what happened.
_EN_TARGET_MET_RE = re.compile(r"\b(?:meet|meets|met|achieve|achieved|achieves|exceed|exceeded|exceeds|hit|"
                               r"fulfil|fulfill|fulfilled|surpass|surpassed)\b(?:\s+[\w'’-]+){0,4}?\s+(?:target|goal)s?\b", re.I)
# What a question sets aside (not the actual decline, as opposed to the target) is not what it asks.
_EN_CONTRAST_RE = re.compile(r"\b(?:not|as opposed to|rather than|instead of)\b[^,;?.()]*", re.I)
# "did the 2024 report raise…": the past tense of what a report said, not of what happened
_EN_REPORT_SAID_RE = re.compile(r"\b(?:did|was|were)\b(?=(?:\s+[\w'’&-]+){1,7}?\s+reports?\b)", re.I)
_RELATIVE_Q = [("今年", 0), ("本年", 0), ("当年", 0), ("上一年", -1), ("上年", -1), ("去年", -1), ("前年", -2),
               ("明年", 1), ("下一年", 1)]
# A year written without 年: "in 2021", "2023 GDP", "2024?" (not 2000个, 2000公里, 2023.5, 2020s).
_BARE_YEAR_RE = re.compile(r"(?<![\d.,])((?:19|20)\d\d)(?=$|[\s?!,;:'’)）？！，。；：、]|\.(?!\d)|"
                            r"(?:这|那|等|各|的|共)|[两三四五六七八九十]年)")
# Years that name a document rather than a period: 2019年政府工作报告, its 2025 government work report.
_REPORT_YEAR_RE = re.compile(
    r"(?<!\d)((?:19|20)\d\d)年(?:度)?(?:的)?(?:[^\s，,。？?、\d]{0,8}?)(?:政府工作报告|工作报告|报告)|"
    r"(?<!\d)((?:19|20)\d\d)\s+(?:national\s+|provincial\s+|state\s+council'?s?\s+)?(?:government\s+)?(?:work\s+)?report",
    re.IGNORECASE,
)
# Years joined before a report named once: 2013年和2014年政府工作报告 names both reports.
_JOINED_REPORT_YEAR_RE = re.compile(
    r"(?<!\d)((?:19|20)\d\d)年?(?:和|与|、|及|以及)(?=(?:(?:19|20)\d\d年?(?:和|与|、|及|以及))*(?:19|20)\d\d年(?:度)?(?:的)?"
    r"[^\s，,。？?、\d]{0,8}?(?:政府工作报告|工作报告|报告))|"
    r"(?<!\d)((?:19|20)\d\d),?\s+(?:and|&)\s+(?=(?:19|20)\d\d\s+(?:national\s+|provincial\s+)?(?:government\s+)?"
    r"(?:work\s+)?reports)", re.I
)
_NATIONAL_REPORT_RE = re.compile(r"国务院(?:的)?(?:政府)?工作报告|全国人民代表大会")
_THIS_YEARS_REPORT_RE = re.compile(r"(?:今年|本年)(?:的|度)?(?:省|市|全国|国务院)?(?:政府工作报告|工作报告|报告)")
_NEGATED_RE = re.compile(r"[（(](?:不是|而不是|并非|非|not)[^）)]*[）)]", re.IGNORECASE)
# Inside a clarification, a clause that says what is not asked (（问的是今年的目标，不是去年的实际数）).
PARENTHESIS_RE = re.compile(r"[（(][^（()）]*[）)]")
# A clarification of what is asked (问的是…, 指的是…), not of how to answer (请按原文回答).
_WHAT_IS_ASKED_RE = re.compile(r"问的是|指的是|是指|要的是|想知道的是")
_NEGATED_CLAUSE_RE = re.compile(r"(?:而不是|不是|并非|而非|\bnot\b)[^，,；;）)]*", re.IGNORECASE)
_CAPTION_RE = re.compile(r"图片|照片|图中|图里|画面|配图|photo|picture|image", re.IGNORECASE)
QUESTION_WORDS_RE = re.compile(
    r"[？?！!。，,、“”\"'‘’（）()《》：:；;\s]|百分之几|百分之多少|是什么|有什么|有哪些|是哪|什么样|怎么样|怎样|如何|多少|"
    r"哪些|哪个|哪类|哪家|哪里|什么|几个|几项|几家|几|吗|呢|有没有|能不能|会不会|是否|"
    # the count a list question asks for (哪N个, 哪N项): the planner reads it, it is no term
    r"哪[一二两三四五六七八九十\d]+(?:个|项|条|类|大|方面|点|件|种|场|批|块|步)?"
)
# Nouns and verbs that say what kind of answer is wanted, not what it is about.
QUESTION_GENERIC = frozenset(
    """举措 措施 做法 办法 属于 变化 内容 要求 情况 方面 部署 安排 哪类 哪家 哪种 哪项 哪几 包括 涉及 提到 指出
    说明 介绍 采取 有何 何种 是否 多少钱 具体 主要 重点 一些 方式 途径 手段 意义 作用 目的 计划 目标 任务 预期
    这篇 这份 本文 该文 文章 报道 本报告 文中 文件 资料 材料 打算 类型 种类 哪方面 态度 立场 看法 提出 说 讲
    部分 章节 报告 政府工作报告 工作报告 政府 据 根据 按照 当年 上一年 分别 各是 设定 定为 定在 谈到 谈及 提及 说到
    讲到 点名 列举 列出 准备 门类 年度 概括 概述 简述 归纳 总结 论述 表述 阐述 这一 标题 小标题""".split()
)
_ANSWER_TYPE_RE = re.compile(r"(?:什么|哪些|哪类|哪种|何种|哪个|哪项|哪几[个项类种])(?:样的|样|的)?([\u4e00-\u9fff]{2,4})")
_CN_COUNT_RE = re.compile(r"([零一二两三四五六七八九十百]+)([个项条大家类种批座所])")


@dataclass(frozen=True)
class Term:
    """A content term of the question with the alternatives that count as a match."""

    text: str
    alternatives: tuple[str, ...]
    weight: float = 1.0
    answer_type: bool = False  # the noun naming the kind of answer: 什么「制度」, 哪些「项目」


@dataclass(frozen=True)
class Question:
    original: str  # as typed
    text: str  # normalised, the part that asks
    language: str  # "zh" or "en"
    terms: tuple[Term, ...]
    years: frozenset[int] = frozenset()  # periods asked about
    report_years: frozenset[int] = frozenset()  # reports named (2019年政府工作报告)
    relative_year: int | None = None  # 0 for 今年, -1 for 去年 … (resolved per document)
    places: tuple[Place, ...] = ()  # places named (provinces, cities, counties)
    national: bool = False  # 全国 / 国家 / China
    wants_number: bool = False
    unit: str = ""
    kind: str = ""  # TARGET, RESULT or "" (either)
    wants_caption: bool = False
    search_text: str = ""
    bm25_tokens: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_english(self) -> bool:
        return self.language == "en"

    @property
    def place_names(self) -> list[str]:
        return [p.short for p in self.places]

    def with_terms(self, terms: list[Term]) -> Question:
        return replace(self, terms=tuple(terms))


class Vocabulary:
    """Corpus statistics for question terms: chunk frequencies (IDF weights) and spelling
    corrections of words the corpus never uses (one character off, same reading)."""

    def __init__(self, df: Callable[[str], int], n_chunks: int, words: Callable[[], dict[str, int]],
                 embed: Callable[[list[str]], np.ndarray] | None = None) -> None:
        self.df = df
        self.n = max(n_chunks, 1)
        self._words = words
        # English words the glossary lacks, in the corpus's Chinese words (ranked by ``embed``)
        self.english = EnglishRenderer(lambda word: self.idf_of(word) is not None, embed,
                                       lambda word: self.idf_of(word) or self.max_idf)
        self._masked: dict[str, list[tuple[str, int]]] | None = None

    def idf_of(self, text: str) -> float | None:
        """IDF of a term (mean over its index tokens); ``None`` if no token occurs in the corpus."""
        tokens = [t for t in tokenize(text) if self.df(t) > 0]
        if not tokens:
            return None
        return sum(math.log(1 + (self.n - self.df(t) + 0.5) / (self.df(t) + 0.5)) for t in tokens) / len(tokens)

    @property
    def max_idf(self) -> float:
        return math.log(1 + (self.n + 0.5) / 0.5)

    def correction(self, word: str) -> str | None:
        """A corpus word one character off ``word`` that sounds the same (赤子 → 赤字), when the
        corpus has ``word`` rarely or never and the other word far more often."""
        if len(word) < 2 or len(word) > 6 or not all("\u4e00" <= c <= "\u9fff" for c in word):
            return None
        if jieba_module().dt.FREQ.get(word):
            return None  # a word of the language (开车, 老是), only rare in these reports
        have = self.df(word)
        if self._masked is None:
            masked: dict[str, list[tuple[str, int]]] = {}
            for token, count in self._words().items():
                if 2 <= len(token) <= 6 and count >= 3 and all("\u4e00" <= c <= "\u9fff" for c in token):
                    for i in range(len(token)):
                        masked.setdefault(f"{token[:i]}?{token[i + 1:]}", []).append((token, count))
            self._masked = masked
        best: tuple[int, str] | None = None
        for i in range(len(word)):
            for other, count in self._masked.get(f"{word[:i]}?{word[i + 1:]}", []):
                # (the typed character by its usual reading, as a pinyin typist meant it: a rare
                # reading, 娃 as gui, makes no typo of 规; the corpus word's in any reading)
                sounds_alike = other != word and bool(_sounds(word[i], usual=True) & _sounds(other[i]))
                if sounds_alike and count >= max(5, 20 * have) and (best is None or count > best[0]):
                    best = (count, other)
        return best[1] if best else None


@lru_cache(maxsize=8192)
def _sounds(char: str, usual: bool = False) -> frozenset[str]:
    """The readings of a character (toneless pinyin); ``usual``: its usual one only."""
    from pypinyin import Style, pinyin

    return frozenset(pinyin(char, style=Style.NORMAL, heteronym=not usual)[0])


def detect_language(text: str) -> str:
    cjk = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    return "en" if latin > 3 * max(cjk, 1) else "zh"


def generic(word: str) -> bool:
    """A word of how the question asks (``QUESTION_GENERIC``), also when it asks for new ones
    (新举措, 新要求: the report seldom writes 新 beside the measures themselves)."""
    return word in QUESTION_GENERIC or (word[:1] == "新" and word[1:] in QUESTION_GENERIC)


def search_words(text: str) -> list[str]:
    """Content words of a phrase (jieba search mode), without stopwords and question words."""
    return [w for w in jieba_module().lcut_for_search(text)
            if w.strip() and w not in STOPWORDS and w not in QUESTION_GENERIC]


_FUNCTION_PAIR_RE = re.compile(r"[上中下里内]+[要应将会能该]")


def chinese_terms(text: str, places: list[str] = ()) -> list[str]:  # type: ignore[assignment]
    """Content terms: glossary phrases first (so 高耗能高排放 stays one concept), then jieba
    words of the rest, without question words, stopwords, years, numbers and the places named."""
    core = QUESTION_WORDS_RE.sub(" ", text)
    core = re.sub(r"(?:19|20)\d\d年?(?:度)?", " ", core)
    for place in sorted(places, key=len, reverse=True):
        core = core.replace(place, " ")
    terms: list[str] = []
    for phrase in glossary_phrases(core):
        terms.append(phrase)
        core = core.replace(phrase, " ")
    tokens = jieba_module().lcut(core)
    cut_across = split_glossary_words(core, tokens)
    for word in cut_across:
        terms.append(word)  # (a glossary word the cut goes across: 抵个税 is 抵 个税, not 抵个 税)
        core = core.replace(word, " ")
    if cut_across:
        tokens = jieba_module().lcut(core)  # (the rest, cut again without them)
    for token in tokens:
        token = token.strip()
        if len(token) < 2 and not (token.isascii() and token.isalnum() and len(token) > 1):
            continue
        if token in STOPWORDS or generic(token) or token.isdigit() or re.fullmatch(r"[\d.%]+", token):
            continue
        if _FUNCTION_PAIR_RE.fullmatch(token):
            continue  # a word jieba made of a place word and a modal (工作上要做到: 上要), no term
        terms.append(token)
    return list(dict.fromkeys(terms))


def places_in(text: str) -> list[str]:
    """Short names of the places a Chinese text names (gazetteer, whole words)."""
    return list(dict.fromkeys(m.place.short for m in default_gazetteer().find(text, counties=True)))


def _arabic_count(term: str) -> tuple[str, ...]:
    """A count written in Chinese numerals as the reports also write it: 三个 → 3个."""
    m = _CN_COUNT_RE.fullmatch(term)
    value = chinese_to_number(m.group(1)) if m else None
    return (f"{int(value)}{m.group(2)}",) if m and value else ()


def _weighed(terms: list[Term], vocabulary: Vocabulary | None) -> list[Term]:
    """Terms with IDF weights; a word the corpus never has is replaced by its correction when
    there is one, else weighs like a rare term (but not so much that one unmatched modifier
    outweighs every matched term). English words the glossary cannot place: a name weighs
    nothing, a content word as much as the heaviest term (it is part of what is asked)."""
    if vocabulary is None:
        return terms
    out: list[Term] = []
    unglossed: list[Term] = []
    for term in terms:
        factor = 0.5 if term.answer_type else 1.0
        known = [w for w in (vocabulary.idf_of(a) for a in term.alternatives) if w is not None]
        if not known and not term.text.isascii():
            fixed = vocabulary.correction(term.text)
            if fixed is not None:
                term = Term(fixed, alternatives(fixed), term.weight, term.answer_type)
                known = [w for w in (vocabulary.idf_of(a) for a in term.alternatives) if w is not None]
        if known:
            out.append(replace(term, weight=max(min(known), 0.2) * factor))
        elif term.text.isascii():
            unglossed.append(term)
        else:
            out.append(replace(term, weight=0.5 * vocabulary.max_idf * factor))
    heaviest = max((t.weight for t in out), default=1.0)
    out += [replace(t, weight=0.0 if t.text[:1].isupper() else heaviest) for t in unglossed]
    return out


# An amount (赤字规模, 投资总额) is asked in any unit but percent: a rate does not answer it.
AMOUNT_UNIT = "数额"
_AMOUNT_RE = re.compile(r"规模(?!以上)|总额|总量|金额|数额|多少钱")
_LEVEL_RE = re.compile(r"从多少[^，。？?]{0,8}到了?多少")
_CHANGE_RE = re.compile(r"增长|增速|增幅|下降|提高|上涨|降低|减少|增加|回落")  # a change may be a rate


# Where a question's clauses end (its sentences and commas).
CLAUSE_RE = re.compile(r"[，,；;。？?！!]")


def asked_unit(text: str, wants_number: bool) -> str:
    """The unit a Chinese question asks its figure in: written after 多少 (多少亿元), ``%`` for a
    rate (…率, 增速, 增长多少), ``AMOUNT_UNIT`` for an amount; ``""`` when it names none."""
    m = _UNIT_AFTER_RE.search(text)
    if m:
        return m.group(1)
    if "多少钱" in text:
        return "元"  # money, at any scale
    # the clause that asks (…X率下调后，少付了多少Y: a rate named in another clause does not
    # make the asked figure a rate)
    asking = [c for c in CLAUSE_RE.split(text) if re.search(r"多少|几|百分之", c)]
    text = "，".join(asking) or text
    if wants_number and _RATIO_RE.search(text):
        return "%"
    if wants_number and _LEVEL_RE.search(text):
        return AMOUNT_UNIT  # the level a figure reached (从多少增加到多少), not the rate of its change
    return AMOUNT_UNIT if wants_number and _AMOUNT_RE.search(text) and not _CHANGE_RE.search(text) else ""


def named_report_years(text: str) -> frozenset[int]:
    """The years of the reports a text names (2025年政府工作报告, 2021和2022年的报告, the 2024 report)."""
    return frozenset({int(a or b) for a, b in _REPORT_YEAR_RE.findall(text)}
                     | {int(a or b) for a, b in _JOINED_REPORT_YEAR_RE.findall(text)})


def english_kind(text: str) -> str:
    """Whether an English question asks a target or a result: by its words, without what it
    sets aside (…, not the actual decline); whether a target was met is a result."""
    asked = _EN_CONTRAST_RE.sub(" ", text)
    if _EN_TARGET_MET_RE.search(asked):
        return RESULT
    # (a five-year plan named, the 15th Five-Year Plan period, is no plan asked for: its period is
    # planned in one report and reviewed in another, so it says neither)
    named_plan = _EN_PLAN_NAME_RE.search(asked)
    asked = _EN_PLAN_NAME_RE.sub(" ", asked)
    if _EN_TARGET_RE.search(asked):
        return TARGET
    if named_plan:
        return ""
    return RESULT if _EN_RESULT_RE.search(_EN_REPORT_SAID_RE.sub("", asked)) else ""


def asked_frame(text: str) -> tuple[int | None, str]:
    """The year a Chinese question (or one of its clauses) asks about, relative to its report's
    (今年 0, 去年 -1; ``None`` when it names none), and whether it asks a target or a result."""
    # (与上年相比, 比去年: a base of comparison, not the year asked about; 今年的政府工作报告
    # names the report, the year asked is the one its words name, 去年…)
    about = _THIS_YEARS_REPORT_RE.sub("", without_comparisons(text))
    relative = next((delta for word, delta in _RELATIVE_Q if word in about), None)
    kind = RESULT if _RESULT_Q_RE.search(text) else (TARGET if _TARGET_Q_RE.search(text) else "")
    return relative, kind


def years_named(text: str) -> set[int]:
    """The years a Chinese or English text names (2024年, 一九八五年, the 2024 report)."""
    return set(explicit_years(text)) | {int(y) for y in _BARE_YEAR_RE.findall(text)}


def understand(question: str, vocabulary: Vocabulary | None = None, gazetteer: Gazetteer | None = None) -> Question:
    """The :class:`Question` of a text as typed."""
    gazetteer = gazetteer or default_gazetteer()
    # A clarification that says what is NOT asked (（不是2022年的实际数）) names nothing asked.
    whole = _NEGATED_RE.sub("", gazetteer.correct(normalize(question)))
    whole = PARENTHESIS_RE.sub(lambda m: _NEGATED_CLAUSE_RE.sub("", m.group(0)), whole)
    text = asking_part(whole)
    language = detect_language(text)
    report_years = named_report_years(whole)
    years = years_named(whole)
    if text != whole:  # a long message: the years of the part that asks, when it names any (as places)
        years = years_named(text) or years
    places: list[Place]
    if language == "en":
        places = gazetteer.find_english(whole)
        national = bool(re.search(r"\b(china|chinese|national|nationwide|country|state council)\b", whole, re.I))
        names = {w.lower() for p in places for w in p.english.split()} | {"china", "chinese"}
        terms, search_text = english_terms(text, names, vocabulary), text
        wants_number = bool(_EN_QUANTITY_RE.search(text))
        how_many = re.search(r"\bhow many\b", text, re.I) is not None
        # (of two asks, a figure and then its change or share, the unit is the first's: the
        # second is stated beside it, …, and how fast did it grow)
        second_ask = EN_SECOND_ASK_RE.search(text)
        first_ask = text[: second_ask.start()] if second_ask else text
        unit_word = next((k for k in _EN_UNITS if re.search(rf"\b{k}\b(?!')", first_ask, re.I)), "")
        unit = _EN_UNITS.get(unit_word, "")
        if how_many and unit_word and not re.search(rf"\bhow many\s+(?:[\w-]+\s+){{0,2}}?{unit_word}\b", text, re.I):
            unit = ""  # (how many firms with sales of over N billion yuan: a count; the money qualifies them)
        if not unit and how_many:
            # (the noun counted: within three words after how many)
            unit = next((u for k, u in _EN_COUNT_NOUNS.items()
                         if re.search(rf"\bhow many\s+(?:[\w-]+\s+){{0,3}}?{k}\b(?!')", text, re.I)), "")
        if not unit and _EN_LEVEL_RE.search(text):
            unit = AMOUNT_UNIT  # the levels reached (from what to what), as 从多少到多少
        if not unit and _EN_CHANGE_RE.search(first_ask):
            unit = "%"
        if not unit and _EN_AMOUNT_RE.search(first_ask):
            unit = AMOUNT_UNIT  # the value or amount of something, not its rate of change
        if not unit and how_many:
            unit = "个"  # a count: 个, 家, 项, 座… (not 公里 or 亿元)
        relative = 0 if re.search(r"\bthis year\b", text, re.I) else (-1 if re.search(r"\blast year\b", text, re.I) else None)
        kind = english_kind(text)
        search_text = f"{text} {' '.join(t.alternatives[0] for t in terms if not t.text.isascii())}"
    else:
        places = [m.place for m in gazetteer.find(whole)]
        if text != whole:  # a long message: the places of the part that asks, when it names any
            places = [m.place for m in gazetteer.find(text)] or places
        if _NATIONAL_REPORT_RE.search(whole):
            # the national report named: a place is what it speaks about (…国务院政府工作报告对X省
            # 自由贸易港…) or the asker's (我爷爷是X省的种粮户), not whose report is asked
            places = []
        national = any(w in whole for w in ("全国", "国务院", "我国", "国家", "中央", "中国"))
        kinds = _ANSWER_TYPE_RE.findall(text)
        place_names = [p.short for p in places] + [p.name for p in places] + ["全国", "我国", "国家", "中国", "国务院"]
        terms = [Term(t, alternatives(t) + _arabic_count(t), answer_type=any(k.startswith(t) for k in kinds))
                 for t in chinese_terms(text, place_names)]
        wants_number = bool(QUANTITY_RE.search(text))
        unit = asked_unit(text, wants_number)
        relative, kind = asked_frame(text)
        if not kind and text != whole:
            # (a clarification the asking part leaves out, …多少？（问的是计划数）, says which is asked)
            left_out = " ".join(m.group(0) for m in PARENTHESIS_RE.finditer(whole)
                                if m.group(0) not in text and _WHAT_IS_ASKED_RE.search(m.group(0)))
            kind = asked_frame(left_out)[1]
        search_text = text
    # The years a sentence must speak about: those named besides the reports named (a question
    # naming only a report asks about anything in it).
    asked = years - report_years
    if report_years and asked and not asked & years_named(without_comparisons(whole)):
        # (a report's year, then a year named only as a base of comparison, 比N年增长: the
        # sentence names that base too, it is no year the answer must speak about)
        asked = set()
    if report_years and asked and max(asked) < min(report_years) and not kind:
        kind = RESULT  # a year before the report's: what the report says happened
    if asked and relative == 0:
        relative = None  # 当年 of years named (2015、2016年…当年的X) is each of those years
    tokens = tokenize(search_text) + [a.lower() for t in terms for a in t.alternatives[:3]]
    return Question(
        original=question,
        text=text,
        language=language,
        terms=tuple(_weighed(terms, vocabulary)),
        years=frozenset(asked),
        report_years=report_years,
        relative_year=relative,
        places=tuple(dict.fromkeys(p for p in places if p.name != NATIONAL)),
        national=national,
        wants_number=wants_number,
        unit=unit,
        kind=kind,
        wants_caption=bool(_CAPTION_RE.search(text)),
        search_text=search_text,
        bm25_tokens=tuple(dict.fromkeys(tokens)),
    )
