"""Domain vocabulary of Chinese government reports.

* ``SYNONYMS``: groups of interchangeable Chinese terms (a question's ``GDP`` is a report's
  ``地区生产总值``); a question term matches a passage when any member of its group occurs.
* ``ENGLISH``: English phrases mapped to the Chinese terms reports use, so that English
  questions can be matched against Chinese text.

This is general vocabulary of the genre, not tied to any document or question.
"""

from __future__ import annotations

import re
from itertools import groupby

SYNONYMS: list[tuple[str, ...]] = [
    ("GDP", "gdp", "地区生产总值", "国内生产总值", "生产总值", "经济总量"),
    ("增速", "增长", "增幅", "增长率", "增加", "提高"),
    ("经济增长", "生产总值增长", "GDP增长", "经济增速"),
    ("财政收入", "一般公共预算收入", "公共预算收入", "地方级收入"),
    ("财政支出", "一般公共预算支出", "公共预算支出"),
    ("财政预算", "预算"),
    ("赤字率", "赤字"),
    ("固定资产投资", "固投"),
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
    ("每月", "月标准", "元/月", "每个月"),
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
    ("能耗",),
]


# One indicator measured two ways, or of two populations: a question about one is not answered
# by a figure of the other (调查失业率 against 登记失业率).
# Each entry: the sides of one indicator, each side with its spellings.
EXCLUSIVE_INDICATORS: list[tuple[tuple[str, ...], ...]] = [
    (("调查失业率",), ("登记失业率",)),
    (("研发投入强度", "研发经费投入强度"), ("研发投入增长", "研发经费投入增长")),
    (("城镇居民",), ("农村居民",)),
]


def other_measure(asked: str, indicator: str) -> bool:
    """A figure's indicator names one side of an exclusive pair (``EXCLUSIVE_INDICATORS``) and
    the question names another side and not that one."""
    for sides in EXCLUSIVE_INDICATORS:
        named = {i for i, side in enumerate(sides) if any(w in asked for w in side)}
        found = {i for i, side in enumerate(sides) if any(w in indicator for w in side)}
        if named and found and not named & found:
            return True
    return False


def indicator_groups(text: str) -> set[int]:
    """The main indicators (``INDICATOR_GROUPS`` positions) a text names."""
    return {i for i, group in enumerate(INDICATOR_GROUPS) if any(word in text for word in group)}


# English phrase → Chinese terms. Longest phrases are matched first.
ENGLISH: dict[str, tuple[str, ...]] = {
    "gross domestic product": ("生产总值",),
    "economy": ("经济", "生产总值", "经济总量"),
    "economic output": ("生产总值", "经济总量"),
    "size of the economy": ("经济总量", "生产总值"),
    "size of its economy": ("经济总量", "生产总值"),
    "per capita gdp": ("人均地区生产总值", "人均生产总值"),
    "per capita": ("人均",),
    "r&d": ("研发", "研究与试验发展", "研究与实验发展"),
    "research and development": ("研发", "研究与试验发展", "研究与实验发展"),
    "share of gdp": ("占国内生产总值比重", "占地区生产总值比重", "比重"),
    "share of": ("比重", "占比"),
    "proportion of": ("比重", "占比"),
    "new energy vehicles": ("新能源汽车",),
    "electric vehicles": ("新能源汽车", "电动汽车"),
    "charging piles": ("充电桩",),
    "charging": ("充电",),
    "produce": ("产量", "生产"),
    "produced": ("产量", "生产"),
    "output": ("产量", "产值", "增加值"),
    "exports of goods": ("货物出口", "出口"),
    "goods exports": ("货物出口", "出口"),
    "imports and exports": ("进出口",),
    "total imports and exports": ("进出口总额",),
    "trade": ("贸易", "进出口"),
    "residential compounds": ("小区",),
    "old residential": ("老旧小区",),
    "old urban residential": ("城镇老旧小区",),
    "renovation": ("改造",),
    "renovated": ("改造",),
    "farmers": ("农民",),
    "rural residents": ("农村居民", "农民"),
    "urban residents": ("城镇居民",),
    "household": ("居民",),
    "disposable income per capita": ("人均可支配收入",),
    "all residents": ("全体居民", "居民"),
    "foreign investment": ("外资", "利用外资", "外商投资"),
    "foreign capital": ("外资", "利用外资"),
    "foreign direct investment": ("外资", "外商直接投资"),
    "actually used": ("实际使用",),
    "actually use": ("实际使用",),
    "actually utilized": ("实际使用",),
    "jobs created": ("新增就业",),
    "employment target": ("就业", "新增就业"),
    "surveyed unemployment": ("城镇调查失业率",),
    "energy consumption per unit of gdp": ("单位国内生产总值能耗", "单位地区生产总值能耗"),
    "forest coverage": ("森林覆盖率",),
    "grain production": ("粮食产量", "粮食总产量"),
    "grain harvest": ("粮食产量", "粮食总产量"),
    "coal": ("煤炭",),
    "electricity": ("电力", "发电"),
    "railway": ("铁路",),
    "railways": ("铁路",),
    "high-speed rail": ("高铁",),
    "expressway": ("高速公路",),
    "expressways": ("高速公路",),
    "airport": ("机场",),
    "tourists": ("游客", "旅游"),
    "tourist": ("游客", "旅游"),
    "visitors": ("游客", "旅游"),
    "central budget": ("中央预算内",),
    "budgetary investment": ("预算内投资",),
    "special-purpose bonds": ("专项债券",),
    "china-europe railway express": ("中欧班列",),
    "china-europe freight trains": ("中欧班列",),
    "visa-free": ("免签",),
    "long-term care insurance": ("长期护理保险",),
    "school places": ("学位",),
    "livelihood projects": ("民生实事", "民生工程"),
    "new forms of employment": ("新就业形态",),
    "new-form workers": ("新就业形态",),
    "germplasm": ("种质",),
    "population ageing": ("人口老龄化", "老龄化"),
    "population aging": ("人口老龄化", "老龄化"),
    "drinking water": ("饮水",),
    "drinking-water": ("饮水",),
    "market entities": ("经营主体", "市场主体"),
    "treasury bonds": ("国债",),
    "ultra-long special treasury bonds": ("超长期特别国债",),
    "local government": ("地方政府",),
    "spending": ("支出",),
    "expenditure": ("支出",),
    "general public budget expenditure": ("一般公共预算支出",),
    "money supply": ("货币供应量", "M2"),
    "m2": ("M2", "广义货币"),
    "inflation": ("居民消费价格", "物价"),
    "prices": ("价格", "物价"),
    "savings": ("储蓄",),
    "deposits": ("存款", "储蓄"),
    "loans": ("贷款",),
    "industrial output value": ("工业总产值",),
    "agricultural output value": ("农业总产值",),
    "steel output": ("钢产量",),
    "enrollment": ("招生",),
    "students": ("学生",),
    "universities": ("高等学校", "高校"),
    "colleges": ("高等学校", "高校"),
    "hospital beds": ("床位",),
    "pension": ("养老金", "养老"),
    "basic pension": ("基础养老金",),
    "minimum": ("最低",),
    "subsidy": ("补贴",),
    "subsidies": ("补贴",),
    "childcare": ("托育", "育儿"),
    "kindergarten": ("幼儿园", "学前教育"),
    "preschool": ("学前教育",),
    "free": ("免费",),
    "wage arrears": ("欠薪", "拖欠"),
    "unpaid wages": ("欠薪", "拖欠工资"),
    "poverty alleviation": ("脱贫", "扶贫"),
    "counties": ("县",),
    "county": ("县",),
    "gdp": ("生产总值", "GDP"),
    "economic growth": ("经济增长", "生产总值"),
    "general public budget revenue": ("一般公共预算收入",),
    "public budget revenue": ("一般公共预算收入",),
    "budget revenue": ("预算收入",),
    "fiscal revenue": ("财政收入", "一般公共预算收入"),
    "revenue": ("收入",),
    "budget": ("预算",),
    "fiscal deficit": ("财政赤字", "赤字"),
    "deficit ratio": ("赤字率",),
    "deficit": ("赤字",),
    "fixed asset investment": ("固定资产投资",),
    "fixed-asset investment": ("固定资产投资",),
    "investment": ("投资",),
    "retail sales of consumer goods": ("社会消费品零售总额",),
    "retail sales": ("社会消费品零售总额",),
    "industrial added value": ("工业增加值",),
    "value added of industry": ("工业增加值",),
    "consumer price": ("居民消费价格",),
    "cpi": ("居民消费价格",),
    "urban jobs": ("城镇新增就业",),
    "new jobs": ("新增就业",),
    "employment": ("就业",),
    "unemployment rate": ("失业率",),
    "unemployment": ("失业",),
    "grain output": ("粮食产量",),
    "grain": ("粮食",),
    "energy consumption": ("能耗",),
    "carbon": ("碳",),
    "emissions": ("排放",),
    "growth rate": ("增长", "增速"),
    "grow": ("增长",),
    "grew": ("增长",),
    "growth": ("增长",),
    "increase": ("增长", "增加"),
    "target": ("目标",),
    "goal": ("目标",),
    "build": ("建设", "新建", "建成"),
    "built": ("建设", "新建", "建成"),
    "construct": ("建设", "新建"),
    "rebuild": ("改建",),
    "renovate": ("改造",),
    "add": ("新增",),
    "new": ("新增", "新建", "新"),
    "high and new technology": ("高新技术",),
    "complete": ("完成",),
    "implement": ("实施",),
    "achieve": ("实现", "达到"),
    "reach": ("达到",),
    "online": ("网上", "线上"),
    "rate": ("率",),
    "services": ("服务",),
    "service": ("服务",),
    "system": ("制度", "体系", "机制", "制"),
    "rise": ("增长", "提高"),
    "rose": ("增长", "提高"),
    "social": ("社会",),
    "smes": ("中小企业",),
    "small and medium-sized enterprises": ("中小企业",),
    "tech-based": ("科技型",),
    "technology-based": ("科技型",),
    "science and technology": ("科技",),
    "provincial": ("省级",),
    "provincial-level": ("省级",),
    "production": ("生产",),
    "industrial value added": ("工业增加值",),
    "value added of industrial enterprises above designated size": ("规模以上工业增加值",),
    "industrial enterprises above designated size": ("规模以上工业企业", "规模以上工业"),
    "value added of industrial enterprises": ("工业增加值",),
    "value added": ("增加值",),
    "above designated size": ("规模以上",),
    "designated size": ("规模以上",),
    "measure": ("措施", "举措"),
    "task": ("任务",),
    "plan": ("计划",),
    "rural roads": ("农村道路",),
    "rural road": ("农村道路",),
    "roads": ("道路",),
    "kilometers": ("公里",),
    "kilometres": ("公里",),
    "km": ("公里",),
    "high-tech enterprises": ("高新技术企业",),
    "high-tech": ("高新技术",),
    "enterprises": ("企业",),
    "companies": ("企业",),
    "company": ("公司",),
    "projects": ("项目", "工程"),
    "project": ("项目", "工程"),
    "livelihood": ("民生",),
    "people's wellbeing": ("民生",),
    "people's livelihood": ("民生",),
    "people": ("群众", "人民", "居民"),
    "education": ("教育",),
    "health": ("医疗", "卫生"),
    "medical": ("医疗",),
    "elderly care": ("养老",),
    "housing": ("住房",),
    "environment": ("环境",),
    "ecological": ("生态",),
    "pollution": ("污染",),
    "water": ("水",),
    "innovation": ("创新",),
    "technology": ("科技",),
    "science": ("科技",),
    "talent": ("人才",),
    "industry": ("产业",),
    # words of how reports group and rank their work, which the dictionary renders otherwise
    "industries": ("产业", "行业"),
    "aspects": ("方面",),
    "areas": ("方面", "领域"),
    "points": ("方面", "点"),
    "priorities": ("重点",),
    "priority": ("重点",),
    "pilot": ("试点",),
    "pilot cities": ("试点城市",),
    "groups": ("群体",),
    "carry out": ("实施", "开展"),
    "start building": ("开工",),
    "start construction": ("开工",),
    "coal mines": ("煤矿",),
    "highlighted": ("突出",),
    "emphasized": ("突出", "注重"),
    "grasped": ("把握", "抓好"),
    "health care": ("卫生", "医疗"),
    "supply": ("供给",),
    "industrial": ("工业", "产业"),
    "manufacturing": ("制造",),
    "agriculture": ("农业",),
    "rural": ("农村", "乡村"),
    "rural revitalization": ("乡村振兴",),
    "urban renewal": ("城市更新",),
    "city": ("城市",),
    "business environment": ("营商环境",),
    "reform": ("改革",),
    "opening up": ("开放",),
    "foreign trade": ("外贸",),
    "exports": ("出口",),
    "imports": ("进口",),
    "tourism": ("文旅", "旅游"),
    "culture": ("文化",),
    "safety": ("安全",),
    "security": ("安全",),
    "finance": ("金融",),
    "financial risk": ("金融风险",),
    "debt": ("债务",),
    "government debt": ("政府债务",),
    "special bonds": ("专项债",),
    "bonds": ("债券",),
    "tax": ("税",),
    "fee": ("费",),
    "poverty": ("贫困",),
    "income": ("收入",),
    "per capita disposable income": ("人均可支配收入",),
    "disposable income": ("可支配收入",),
    "population": ("人口",),
    "towns": ("乡镇",),
    "township": ("乡镇",),
    "villages": ("村",),
    "party building": ("党建",),
    "corruption": ("腐败",),
    "anti-corruption": ("反腐",),
    "governance": ("治理",),
    "crime": ("违法犯罪",),
    "fraud": ("诈骗",),
    "telecom fraud": ("电信网络诈骗",),
    "steel": ("钢铁",),
    "logistics": ("物流",),
    "construction": ("建设", "建筑"),
    "reserves": ("储量",),
    "tons": ("吨",),
    "tonnes": ("吨",),
    "yuan": ("元",),
    "billion yuan": ("亿元",),
    "percent": ("%",),

    "state council": ("国务院",),
    "national": ("全国",),
}

_EN_PATTERNS = sorted(ENGLISH, key=len, reverse=True)
_EN_RE = re.compile(r"\b(" + "|".join(re.escape(p) for p in _EN_PATTERNS) + r")(?:s|es)?\b", re.IGNORECASE)

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


def english_phrases(text: str) -> list[str]:
    """The English phrases of ``text`` that the glossary renders (longest match first), lower-cased."""
    return [m.group(1).lower() for m in _EN_RE.finditer(text)]


def english_glosses(phrases: list[str]) -> list[tuple[str, ...]]:
    """The Chinese glosses of English phrases (from ``english_phrases``), one tuple per phrase:
    any word of a tuple renders the phrase."""
    return list(dict.fromkeys(ENGLISH[p] for p in phrases))


# Multi-character glossary phrases, longest first, for spotting them whole inside a question.
_PHRASES = sorted({t for group in SYNONYMS for t in group if len(t) >= 3 and not t.isascii()}, key=lambda t: (-len(t), t))


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
