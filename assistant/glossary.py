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
    ("腐败", "反腐", "腐"),
    ("高耗能", "两高", "高排放", "高耗能高排放"),
    ("高排放", "两高"),
    ("方便", "便利", "便捷", "简约高效"),
    ("办事", "政务服务", "审批", "网办"),
    ("外地", "域外", "域内外", "外来"),
    ("科研成果", "科技成果"),
    ("污染", "排污", "污染物"),
    ("就业", "稳岗", "创业"),
    ("医疗", "卫生", "医院", "卫生院"),
    ("看病", "医疗", "就医"),
    ("上学", "教育", "学校"),
    ("住房", "保障性住房", "棚户区", "老旧小区"),
    ("外贸", "进出口", "出口"),
    ("外资", "外商投资", "利用外资"),
    ("消费", "内需"),
    ("贫困", "脱贫", "帮扶", "困难群众"),
    ("干部", "领导干部", "党员干部"),
    ("新建改建", "新改建", "改建", "新建"),
    ("目标", "预期目标", "计划", "要", "力争", "确保"),
    ("公司", "企业", "有限公司", "集团"),
    ("图片", "照片", "图为", "图中", "画面"),
    ("措施", "举措", "做法", "办法"),
    ("养老", "老年"),
    ("生育", "育儿", "托育"),
    ("金融风险", "金融"),
    ("环境", "生态"),
    ("营商环境", "营商"),
    ("乡镇", "镇", "乡"),
    ("下辖", "辖", "管辖"),
    ("省里", "省委", "省政府", "全省"),
    ("市里", "市委", "市政府", "全市"),
    ("保障", "确保", "保证"),
]

# English phrase → Chinese terms. Longest phrases are matched first.
ENGLISH: dict[str, tuple[str, ...]] = {
    "gross domestic product": ("生产总值",),
    "gdp": ("生产总值", "GDP"),
    "economic growth": ("经济增长", "生产总值"),
    "economy": ("经济",),
    "general public budget revenue": ("一般公共预算收入",),
    "public budget revenue": ("一般公共预算收入",),
    "budget revenue": ("预算收入",),
    "fiscal revenue": ("财政收入", "一般公共预算收入"),
    "revenue": ("收入",),
    "budget": ("预算",),
    "fiscal deficit": ("赤字率",),
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
    "online": ("网办", "网上", "线上"),
    "rate": ("率",),
    "services": ("服务",),
    "service": ("服务",),
    "river chief": ("河长制", "河长"),
    "article": ("本报", "记者"),
    "reporter": ("记者",),
    "wrote": ("记者",),
    "author": ("记者",),
    "system": ("制度", "体系", "机制", "制"),
    "rise": ("增长", "提高"),
    "rose": ("增长", "提高"),
    "social": ("社会",),
    "gazelle": ("瞪羚",),
    "unicorn": ("独角兽",),
    "smes": ("中小企业",),
    "small and medium-sized enterprises": ("中小企业",),
    "tech-based": ("科技型",),
    "technology-based": ("科技型",),
    "science and technology": ("科技",),
    "provincial": ("省级",),
    "provincial-level": ("省级",),
    "beautiful": ("美丽",),
    "livable": ("宜居",),
    "liveable": ("宜居",),
    "automated": ("自动化",),
    "automation": ("自动化",),
    "production line": ("生产线",),
    "production": ("生产",),
    "industrial value added": ("工业增加值",),
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
    "pension": ("养老",),
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
    "food safety": ("食品", "舌尖上的安全"),
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
    "magnesite": ("菱镁",),
    "magnesium": ("菱镁", "镁"),
    "steel": ("钢铁",),
    "textile": ("纺织",),
    "clothing": ("服装",),
    "logistics": ("物流",),
    "construction": ("建设", "建筑"),
    "reserves": ("储量",),
    "tons": ("吨",),
    "tonnes": ("吨",),
    "yuan": ("元",),
    "billion yuan": ("亿元",),
    "percent": ("%",),
    "government work report": ("政府工作报告",),
    "work report": ("工作报告",),
    "province": ("省",),
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


def alternatives(term: str) -> tuple[str, ...]:
    """The term itself first, then its synonyms."""
    return tuple(dict.fromkeys((term, *_SYNONYM_INDEX.get(term, ()))))


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
