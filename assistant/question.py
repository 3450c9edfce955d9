"""Question understanding: language, content terms (with synonyms and English glosses), the
years it asks about, whether it asks for a figure and in which unit, and the kind of figure
(a target or an actual result)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.glossary import alternatives, english_glosses, english_phrases, glossary_phrases
from ingest.textutils import chinese_to_number, normalize_width
from ingest.timeref import explicit_years
from vectorstore.bm25 import STOPWORDS, _jieba

_QUANTITY_RE = re.compile(
    r"多少|几[个项家种条所座名位级类批处亿万千百十]?|增速|增幅|增长率|比重|占比|比例|规模|总额|总量|"
    r"率是|多大|多高|多快|多长|多远|多重"
)
_EN_QUANTITY_RE = re.compile(
    r"\bhow (much|many|fast|big|large|high|long)\b|\bwhat (percentage|share|rate|proportion|amount)\b|"
    r"\b(growth rate|by how much|what was the growth|what is the growth)\b",
    re.IGNORECASE,
)
# "What is the population / the target / the GDP …": a noun that is itself a quantity.
_EN_WHAT_QUANTITY_RE = re.compile(
    r"\bwhat(?: is|'s| was| are| were| will)\b.*\b(target|goal|population|gdp|revenue|income|output|"
    r"rate|total|number|amount|value|volume|ratio|deficit|investment)s?\b",
    re.IGNORECASE,
)
# Unit asked for: "多少亿元", "几个", "多少公里"; longest first.
_UNIT_AFTER_RE = re.compile(
    r"(?:多少|几)(万亿元|亿元|万元|元|亿|万吨|吨|公里|千米|平方公里|平方米|万亩|亩|万人|人次|人|户|"
    r"个百分点|百分点|个|项|家|所|座|条|处|批|类|级|种|套|台|辆|名|位|场|次)"
)
_EN_UNITS = {
    "billion yuan": "亿元", "yuan": "元", "tons": "吨", "tonnes": "吨", "kilometers": "公里",
    "kilometres": "公里", "km": "公里", "percent": "%", "percentage": "%",
    "people": "人", "persons": "人", "residents": "人", "jobs": "人",
}
_TARGET_RE = re.compile(r"目标|计划|要|预期|力争|拟|将|打算|安排|任务|今年|明年|年内|多少.{0,6}(?:到|达到)")
_ACTUAL_RE = re.compile(r"去年|上年|完成了|实际|增长了|实现了|达到了|同比")
_RELATIVE_Q = [("今年", 0), ("本年", 0), ("去年", -1), ("上年", -1), ("前年", -2), ("明年", 1)]
# A year written without 年: "in 2021", "2023 GDP", "2024?" (not 2000个, 2000公里, 2023.5, 2020s).
_BARE_YEAR_RE = re.compile(r"(?<![\d.,])((?:19|20)\d\d)(?=$|[\s?!,;:'’)）？！，。；：、]|\.(?!\d))")
_CAPTION_RE = re.compile(r"图片|照片|图中|图里|画面|配图|photo|picture|image", re.IGNORECASE)
_QUESTION_WORDS = re.compile(
    r"[？?！!。，,、“”\"'‘’（）()《》：:；;\s]|百分之几|百分之多少|是什么|有什么|有哪些|是哪|什么样|怎么样|怎样|如何|多少|哪些|哪个|哪类|"
    r"哪家|哪里|什么|几个|几项|几家|几|吗|呢"
)
# Nouns and verbs that say what kind of answer is wanted, not what it is about.
QUESTION_GENERIC = frozenset(
    """举措 措施 做法 办法 属于 变化 内容 要求 情况 方面 部署 安排 哪类 哪家 哪种 哪项 哪几 包括 涉及 提到 指出
    说明 介绍 采取 有何 何种 是否 多少钱 具体 主要 重点 一些 方式 途径 手段 意义 作用 目的 计划 目标 任务 预期
    这篇 这份 本文 该文 文章 报道 本报告 文中 文件 资料 材料 打算 类型 种类 哪方面 态度 立场 看法""".split()
)
_ANSWER_TYPE_RE = re.compile(r"(?:什么|哪些|哪类|哪种|何种|哪个|哪项|哪几[个项类种])(?:样的|样|的)?([\u4e00-\u9fff]{2,4})")
_EN_STOP = frozenset(
    "the a an of in on at to for by and or is are was were be been did does do what which who whom how "
    "much many when where why this that these those its it's their his her with from as about according "
    "report city government will should would could can has have had "
    # question frames and vague words: part of how one asks, not of what is asked
    "shown show shows showed depicted pictured photo photos picture pictures image images "
    "fast quickly above below more less than over under per each any some all there they them we our "
    "us you your one first last next year years kind kinds type types way ways thing things main "
    "specific exactly approximately around roughly say says said mention mentioned mentions plans "
    "planned planning going tell me list describe explain please aim aims aiming intend intends key major".split()
)


@dataclass
class Term:
    """A content term of the question with the alternatives that count as a match."""

    text: str
    alternatives: tuple[str, ...]
    weight: float = 1.0
    answer_type: bool = False  # the noun naming the kind of answer: 什么「制度」, 哪些「项目」


@dataclass
class QuestionAnalysis:
    text: str
    language: str  # "zh" or "en"
    terms: list[Term]
    years: set[int] = field(default_factory=set)
    relative_year: int | None = None  # 0 for 今年, -1 for 去年 … (resolved per document)
    wants_number: bool = False
    unit: str = ""
    target_kind: str = ""  # "target", "actual" or ""
    wants_caption: bool = False
    search_text: str = ""
    bm25_tokens: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)  # 鞍山, 湖北 … (suffixes 市/省 removed)

    @property
    def is_english(self) -> bool:
        return self.language == "en"


def detect_language(text: str) -> str:
    cjk = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    return "en" if latin > 3 * max(cjk, 1) else "zh"


def search_words(text: str) -> list[str]:
    """Content words of a phrase (jieba search mode), without stopwords and question words."""
    return [w for w in _jieba().lcut_for_search(text)
            if w.strip() and w not in STOPWORDS and w not in QUESTION_GENERIC]


def _chinese_terms(text: str) -> list[str]:
    """Content terms: glossary phrases first (so 高耗能高排放 stays one concept), then jieba
    words of the rest, without question words, stopwords, years and numbers."""
    jieba = _jieba()
    core = _QUESTION_WORDS.sub(" ", normalize_width(text))
    core = re.sub(r"(?:19|20)\d\d年?", " ", core)
    terms: list[str] = []
    for phrase in glossary_phrases(core):
        terms.append(phrase)
        core = core.replace(phrase, " ")
    for token in jieba.lcut(core):
        token = token.strip()
        if len(token) < 2 and not (token.isascii() and token.isalnum() and len(token) > 1):
            continue
        if token in STOPWORDS or token in QUESTION_GENERIC or token.isdigit():
            continue
        terms.append(token)
    return list(dict.fromkeys(terms))


NATIONAL_PLACES = frozenset({"中国", "全国", "我国", "国家", "中华人民共和国"})
_PLACE_SUFFIX_RE = re.compile(r"(?:维吾尔自治区|壮族自治区|回族自治区|自治区|特别行政区|省|市|县|区|自治州|州|盟)$")


_CN_COUNT_RE = re.compile(r"([零一二两三四五六七八九十百]+)([个项条大家类种批座所])")


def _arabic_count(term: str) -> tuple[str, ...]:
    """A count written in Chinese numerals as the reports also write it: 三个 → 3个."""
    m = _CN_COUNT_RE.fullmatch(term)
    value = chinese_to_number(m.group(1)) if m else None
    return (f"{int(value)}{m.group(2)}",) if m and value else ()


def places_in(text: str) -> list[str]:
    """Place names (jieba ``ns`` tags) without administrative suffixes."""
    import jieba.posseg as pseg

    _jieba()
    out: list[str] = []
    for pair in pseg.cut(text):
        word, flag = pair.word, pair.flag
        if not flag.startswith("ns"):
            continue
        name = _PLACE_SUFFIX_RE.sub("", word) if len(word) > 2 else word
        if len(name) >= 2:
            out.append(name)
    return list(dict.fromkeys(out))


def analyze(question: str) -> QuestionAnalysis:
    text = normalize_width(question.strip())
    language = detect_language(text)
    if language == "en":
        words = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]+", text) if w.lower() not in _EN_STOP]
        phrases = english_phrases(text)
        glosses = english_glosses(phrases)
        zh_terms = list(dict.fromkeys(w for gloss in glosses for w in gloss))
        extra = [w for w in words if len(w) > 2 and not any(w.lower() in p for p in phrases)]
        # One term per English phrase, matched by any of its glosses (and their synonyms).
        terms = [Term(g[0], tuple(dict.fromkeys(a for w in g for a in alternatives(w)))) for g in glosses]
        terms += [Term(w, (w,)) for w in extra]
        wants_number = bool(_EN_QUANTITY_RE.search(text)) or bool(_EN_WHAT_QUANTITY_RE.search(text))
        unit = next((u for k, u in _EN_UNITS.items() if re.search(rf"\b{k}\b(?!')", text, re.I)), "")
        if not unit and re.search(r"\bhow many\b", text, re.I):
            unit = "个"  # a count: 个, 家, 项, 座… (not 公里 or 亿元)
        relative = 0 if re.search(r"\bthis year\b", text, re.I) else (-1 if re.search(r"\blast year\b", text, re.I) else None)
        target_kind = "target" if re.search(r"\b(target|goal|plan|aim|expected)\b", text, re.I) else ""
        search_text = f"{question.strip()} {' '.join(zh_terms)}"
    else:
        kinds = _ANSWER_TYPE_RE.findall(text)
        terms = [Term(t, alternatives(t) + _arabic_count(t), answer_type=any(k.startswith(t) for k in kinds))
                 for t in _chinese_terms(text)]
        wants_number = bool(_QUANTITY_RE.search(text))
        m = _UNIT_AFTER_RE.search(text)
        unit = m.group(1) if m else ("%" if re.search(r"百分之(?:几|多少)|百分比", text) else "")
        relative = next((delta for word, delta in _RELATIVE_Q if word in text), None)
        if _ACTUAL_RE.search(text):
            target_kind = "actual"
        elif _TARGET_RE.search(text):
            target_kind = "target"
        else:
            target_kind = ""
        search_text = question.strip()
    from vectorstore.bm25 import tokenize

    tokens = tokenize(search_text) + [a.lower() for t in terms for a in t.alternatives[:3]]
    return QuestionAnalysis(
        text=question.strip(),
        language=language,
        terms=terms,
        years=set(explicit_years(text)) | {int(y) for y in _BARE_YEAR_RE.findall(text)},
        relative_year=relative,
        wants_number=wants_number,
        unit=unit,
        target_kind=target_kind,
        wants_caption=bool(_CAPTION_RE.search(text)),
        places=places_in(text) if language == "zh" else [],
        search_text=search_text,
        bm25_tokens=list(dict.fromkeys(tokens)),
    )

