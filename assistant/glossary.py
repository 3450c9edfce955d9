"""Domain vocabulary of Chinese government reports.

* ``SYNONYMS``: groups of interchangeable Chinese terms (a question's ``GDP`` is a report's
  ``地区生产总值``); a question term matches a passage when any member of its group occurs.
* ``ENGLISH`` (in ``assistant/english_glossary.py``): English phrases mapped to the Chinese
  terms reports use, so that English questions can be matched against Chinese text.

This is general vocabulary of the genre, not tied to any document or question.
"""

from __future__ import annotations

import re
from itertools import groupby

from assistant.english_glossary import ENGLISH
from assistant.english_words import singular

SYNONYMS: list[tuple[str, ...]] = [
    ("GDP", "gdp", "地区生产总值", "国内生产总值", "生产总值", "经济总量"),
    ("增速", "增长", "增幅", "增长率", "增加", "提高"),
    ("经济增长", "生产总值增长", "GDP增长", "经济增速"),
    ("财政收入", "一般公共预算收入", "公共预算收入", "地方级收入"),
    ("财政支出", "一般公共预算支出", "公共预算支出"),
    ("财政预算", "预算"),
    ("赤字率", "赤字"),
    ("减税降费", "税费减免", "减免税费"),
    # (energy use per unit of output, as the reports name it)
    ("单位国内生产总值能耗", "单位地区生产总值能耗", "单位生产总值能耗", "单位GDP能耗", "能耗强度", "能源消耗强度",
     "单位国内生产总值能源消耗"),
    ("固定资产投资", "固投"),
    ("粮食产量", "粮食总产量", "粮食总产"),
    ("个人所得税", "个税"),
    ("最低生活保障", "低保"),
    ("医疗保险", "医保"),
    ("社会保险", "社保"),
    ("社会消费品零售总额", "社零", "消费品零售总额"),
    ("规模以上工业增加值", "规上工业增加值", "工业增加值"),
    ("居民消费价格", "CPI", "cpi", "物价"),
    ("城镇新增就业", "新增就业", "就业"),
    ("失业率", "城镇调查失业率", "登记失业率"),
    ("高新技术企业", "高企"),
    ("农村道路", "农村公路", "乡村道路", "乡村公路", "四好农村路"),
    ("乡村", "农村"),
    ("公路", "道路"),
    ("动工", "开工", "新建", "建设"),
    ("老人", "老年人", "养老", "一老"),
    ("孩子", "儿童", "幼儿", "一幼", "托育"),
    ("高耗能", "两高", "高排放", "高耗能高排放"),
    ("高排放", "两高"),
    ("科研成果", "科技成果"),
    ("污染", "排污", "污染物"),
    ("就业", "稳岗", "创业"),
    ("医疗", "卫生", "医院", "卫生院"),
    ("看病", "医疗", "就医"),
    ("腐败", "反腐"),
    ("政务服务", "办事"),
    ("便利", "方便", "便捷"),
    ("上学", "教育", "学校"),
    ("住房", "保障性住房", "棚户区", "老旧小区"),
    ("棚户区改造", "棚改", "棚户区住房改造", "棚户区"),
    ("外贸", "进出口", "出口"),
    ("外资", "外商投资", "利用外资"),
    ("消费", "内需"),
    ("贫困", "脱贫", "帮扶", "困难群众"),
    ("干部", "领导干部", "党员干部"),
    ("目标", "预期目标", "计划", "要", "力争", "确保"),
    ("措施", "举措", "做法", "办法"),
    ("养老", "老年"),
    ("生育", "育儿", "托育"),
    ("金融风险", "金融"),
    ("环境", "生态"),
    ("营商环境", "营商"),
    ("乡镇", "镇", "乡"),
    ("保障", "确保", "保证"),
    ("每人", "人均", "每个人"),
    ("最少", "至少", "不低于", "不少于", "最低"),
    ("老旧小区", "老破小"),
    ("外交关系", "建交", "邦交"),
    ("改造", "翻新", "翻修"),
    ("人均预期寿命", "预期寿命", "平均寿命", "能活到"),
    ("最多", "至多", "不超过", "不高于", "最高"),
    ("每月", "月标准", "元/月", "每个月"),
    # a citizen's words for the official terms (the reports' word first)
    ("电信网络诈骗", "诈骗", "电诈", "骗子", "骗钱", "被骗"),
    ("欠薪", "拖欠工资", "欠工资", "讨薪", "工钱"),
    ("医疗费用", "看病贵", "看病钱", "医药费"),
    ("新生儿", "刚出生"),
    ("随迁子女", "外地孩子", "打工子女", "农民工子女"),
    ("农业税", "皇粮", "公粮"),
    ("养老金", "养老钱", "退休金", "退休工资"),
    ("住房公积金", "公积金"),
    ("房地产", "楼市", "房市"),
    ("学杂费", "学费"),
    ("托育", "带娃", "看孩子"),
    ("免费", "不花钱", "不要钱", "不收费"),
]

# The main statistical indicators of the genre, each with the words reports and questions
# use for it. A figure whose indicator names one of them answers a question about that one only.
INDICATOR_GROUPS: list[tuple[str, ...]] = [
    ("地区生产总值", "国内生产总值", "生产总值", "GDP", "经济增长", "经济增速", "经济总量"),
    ("一般公共预算收入", "财政收入", "地方级收入", "公共预算收入"),
    ("一般公共预算支出", "财政支出", "公共预算支出"),
    ("固定资产投资", "固投"),
    ("社会消费品零售总额", "社零", "消费品零售总额"),
    ("工业增加值",),
    ("进出口", "外贸", "出口", "进口"),
    ("居民消费价格", "CPI", "物价"),
    ("新增就业",),
    ("失业率",),
    ("可支配收入",),
    ("粮食",),
    ("外资", "外商投资"),
    ("研发", "研究与试验发展", "研究与实验发展"),
    ("能耗", "能源消耗"),
    # (the budget's main lines: the deficit, defence spending, special bonds, the local
    # governments' bonds)
    ("财政赤字", "赤字"),
    ("国防支出", "国防费", "国防预算"),
    ("专项债券", "专项债"),
    ("特别国债",),
    ("地方政府债券", "地方政府一般债券", "代地方发债", "地方债"),
    # (the older reports' main indicators: the combined one and each of its two parts)
    ("工农业总产值", "工农业生产总值"),
    ("工业总产值",),
    ("农业总产值",),
]


# One indicator measured two ways, or of two populations: a question about one is not answered
# by a figure of the other (调查失业率 against 登记失业率).
# Each entry: the sides of one indicator, each side with its spellings.
EXCLUSIVE_INDICATORS: list[tuple[tuple[str, ...], ...]] = [
    (("调查失业率",), ("登记失业率",)),
    (("研发投入强度", "研发经费投入强度"), ("研发投入增长", "研发经费投入增长")),
    (("城镇居民",), ("农村居民",)),
    # (trade: the total, imports, exports; 进出口 is the total, not also 出口)
    (("进出口", "外贸总额"), ("进口",), ("出口",)),
]


def other_measure(asked: str, indicator: str) -> bool:
    """A figure's indicator names one side of an exclusive pair (``EXCLUSIVE_INDICATORS``) and
    the question names another side and not that one (its longest words read first: 进出口 is
    the total's word, not also the exports' 出口)."""
    for words in _EXCLUSIVE_WORDS:
        named, found = _named(asked, words), _named(indicator, words)
        if named and found and not named & found:
            return True
    return False


def _named(text: str, words: list[tuple[str, int]]) -> set[int]:
    """The positions (groups, sides) whose words ``text`` holds, ``words`` read longest first
    and each found one blanked: a longer word is not also the shorter one inside it."""
    found: set[int] = set()
    for word, at in words:
        if word in text:
            found.add(at)
            text = text.replace(word, "\u0000")
    return found


def indicator_groups(text: str) -> set[int]:
    """The main indicators (``INDICATOR_GROUPS`` positions) a text names as what is measured,
    not as a denominator (单位地区生产总值能耗, 占国内生产总值比重 measure 能耗 and a share)."""
    return _named(without_denominators(text), _INDICATOR_WORDS)  # (工农业总产值 is not also 农业总产值)


def without_denominators(text: str) -> str:
    """``text`` with the main indicators it names as a denominator blanked (单位地区生产总值能耗)."""
    return _DENOMINATOR_RE.sub(lambda m: m.group(1) + "\u0000" * len(m.group(2)), text)


def _longest_first(groups: list[tuple[str, ...]] | tuple[tuple[str, ...], ...]) -> list[tuple[str, int]]:
    return sorted(((w, i) for i, g in enumerate(groups) for w in g), key=lambda x: -len(x[0]))


_INDICATOR_WORDS = _longest_first(INDICATOR_GROUPS)
_EXCLUSIVE_WORDS = [_longest_first(sides) for sides in EXCLUSIVE_INDICATORS]
_DENOMINATOR_RE = re.compile("(单位|占)(" + "|".join(re.escape(w) for w, _ in _INDICATOR_WORDS) + ")")





def _singular_phrase(phrase: str) -> str:
    """A glossary phrase with its last word in the singular (new jobs → new job): the
    pattern below adds the plural endings back, so either number matches."""
    head, _, last = phrase.rpartition(" ")
    return f"{head} {singular(last)}".strip() if len(last) > 3 else phrase


# matched form → the glossary's phrase: each phrase as written, then with its last word in the
# singular where no phrase is written so (longest phrases first)
_EN_KEYS: dict[str, str] = {p: p for p in ENGLISH}
for _phrase in sorted(ENGLISH, key=len, reverse=True):
    _EN_KEYS.setdefault(_singular_phrase(_phrase), _phrase)
_EN_RE = re.compile(r"\b(" + "|".join(re.escape(p) for p in sorted(_EN_KEYS, key=len, reverse=True))
                    + r")(?:s|es)?\b", re.IGNORECASE)

_SYNONYM_INDEX: dict[str, tuple[str, ...]] = {}
for _group in SYNONYMS:
    for _term in _group:
        _SYNONYM_INDEX.setdefault(_term, ())
        _SYNONYM_INDEX[_term] = tuple(dict.fromkeys(_SYNONYM_INDEX[_term] + _group))


# Suffixes that name the people a measure is for (低保户, 参保人员): the measure itself names them
# by the stem (低保, 参保).
_PEOPLE_SUFFIXES = ("户", "人员", "群众", "家庭")


def alternatives(term: str) -> tuple[str, ...]:
    """The term itself first, then its synonyms, then the stem of a word for the people a
    measure is for (低保户 → 低保)."""
    stems = [term[: -len(x)] for x in _PEOPLE_SUFFIXES if term.endswith(x) and len(term) - len(x) >= 2]
    return tuple(dict.fromkeys((term, *_SYNONYM_INDEX.get(term, ()), *stems)))


_IES_RE = re.compile(r"\b([A-Za-z]{2,})ies\b")


def ies_singular(text: str) -> str:
    """``text`` with each plural in -ies as its singular in -y (activities → activity): the
    glossary's phrases match the other plurals (-s, -es) as they are."""
    return _IES_RE.sub(r"\1y", text)


def english_phrases(text: str) -> list[str]:
    """The English phrases of ``text`` that the glossary renders (longest match first), lower-cased;
    a plural in -ies reads as its singular (``ies_singular``)."""
    return [_EN_KEYS[m.group(1).lower()] for m in _EN_RE.finditer(ies_singular(text))]


def english_glosses(phrases: list[str]) -> list[tuple[str, ...]]:
    """The Chinese glosses of English phrases (from ``english_phrases``), one tuple per phrase:
    any word of a tuple renders the phrase."""
    return list(dict.fromkeys(ENGLISH[p] for p in phrases))


# Multi-character glossary phrases, longest first, for spotting them whole inside a question.
_PHRASES = sorted({t for group in SYNONYMS for t in group if len(t) >= 3 and not t.isascii()}, key=lambda t: (-len(t), t))


# Two-character glossary words (个税, 低保, 社零): words of their own, also where a word cutter
# that does not know them cuts across them (抵个税 → 抵个 / 税).
_PAIRS = frozenset(t for group in SYNONYMS for t in group if len(t) == 2 and not t.isascii())


def split_glossary_words(text: str, tokens: list[str]) -> list[str]:
    """The two-character glossary words in ``text`` that ``tokens`` (its cut into words) cut
    across: neither one of the tokens nor inside one."""
    found = [w for w in _PAIRS if w in text and w not in tokens and not any(w in t for t in tokens)]
    return sorted(found, key=lambda w: (text.find(w), w))  # (in text order, whatever the set's)


def glossary_phrases(text: str) -> list[str]:
    """Glossary phrases of three or more characters found in ``text``, not overlapping: longer
    phrases first and, of two the same length that overlap, the one that starts first."""
    found: list[str] = []
    taken = text
    for _, same_length in groupby(_PHRASES, key=len):
        for phrase in sorted((p for p in same_length if p in taken), key=taken.find):
            if phrase in taken:  # an earlier phrase of this length may have used its characters
                found.append(phrase)
                taken = taken.replace(phrase, "\u0000")
    return found
