"""Document metadata: year, region/issuer and document type, read from the file name, the
title, the subtitle/dateline (``——2024年3月5日在第十四届全国人民代表大会…``) and the opening
lines. A loader that knows better (a news line's date) passes its values in ``known``."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ingest.cleaning import CleanDocument

PROVINCES = {
    "北京": "北京市", "天津": "天津市", "上海": "上海市", "重庆": "重庆市", "河北": "河北省",
    "山西": "山西省", "辽宁": "辽宁省", "吉林": "吉林省", "黑龙江": "黑龙江省", "江苏": "江苏省",
    "浙江": "浙江省", "安徽": "安徽省", "福建": "福建省", "江西": "江西省", "山东": "山东省",
    "河南": "河南省", "湖北": "湖北省", "湖南": "湖南省", "广东": "广东省", "海南": "海南省",
    "四川": "四川省", "贵州": "贵州省", "云南": "云南省", "陕西": "陕西省", "甘肃": "甘肃省",
    "青海": "青海省", "台湾": "台湾省", "内蒙古": "内蒙古自治区", "广西": "广西壮族自治区",
    "西藏": "西藏自治区", "宁夏": "宁夏回族自治区", "新疆": "新疆维吾尔自治区",
    "香港": "香港特别行政区", "澳门": "澳门特别行政区",
}
NATIONAL = "国务院"
NATIONAL_WORDS = ("国务院", "全国", "国家", "中央", "我国", "中国", "中华人民共和国")
_NATIONAL_RE = re.compile(r"中华人民共和国国务院|国务院政府工作报告|全国人民代表大会|国务院总理|国务院关于|国务院办公厅")
_YEAR_RE = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)")
_DATELINE_RE = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)年\d{1,2}月\d{1,2}日")
_PERIOD_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*[-—–～~至到]\s*((?:19|20)\d\d)年")
_FIVE_YEAR = {"十一五": 2006, "十二五": 2011, "十三五": 2016, "十四五": 2021, "十五五": 2026}
_ISSUER_RE = re.compile(
    r"([\u4e00-\u9fff]{2,5}?)(?:市|县|区|州|盟)(?:人民政府|政府|人民代表大会|第[一二三四五六七八九十]+届|委员会)"
)
_TITLE_PLACE_RE = re.compile(r"^(?:\d{4}年)?([\u4e00-\u9fff]{2,4}?)(市|县)(?=国民经济|人民政府|政府|[\u4e00-\u9fff]{0,12}(?:规划|纲要|方案|计划|报告))")
_CITY_RE = re.compile(r"([\u4e00-\u9fff]{2,3}?)(?:市|县|区)(?:委|政府|将|人民)")
_DOC_TYPES = [
    ("政府工作报告", "政府工作报告"),
    ("工作报告", "工作报告"),
    ("统计公报", "统计公报"),
    ("公报", "公报"),
    ("规划", "规划"),
    ("纲要", "规划"),
    ("计划", "计划"),
    ("方案", "方案"),
    ("意见", "意见"),
    ("通知", "通知"),
    ("办法", "办法"),
    ("条例", "条例"),
]
NEWS = "新闻"


@dataclass(frozen=True)
class DocMeta:
    year: int
    region: str
    doc_type: str
    period: tuple[int, int] = (0, 0)  # years a plan covers (``2021—2025年``), else (0, 0)
    date: str = ""  # ISO date when known (dateline, news time)

    def as_dict(self) -> dict[str, Any]:
        return {"year": self.year, "region": self.region, "doc_type": self.doc_type,
                "period_start": self.period[0], "period_end": self.period[1], "date": self.date}


def detect_year(name: str, doc: CleanDocument) -> int:
    for text in (name, doc.title):
        m = _YEAR_RE.search(text or "")
        if m:
            return int(m.group(1))
    head = "\n".join([doc.subtitle, *(b.text for b in doc.blocks[:8])])
    m = _DATELINE_RE.search(head)  # "——2024年3月5日在…上" / "2025年1月16日在…会议上"
    if m:
        return int(m.group(1))
    m = _YEAR_RE.search(doc.subtitle or "")
    if m:
        return int(m.group(1))
    counts = Counter(int(y) for y in _YEAR_RE.findall(doc.text[:3000]))
    if counts:
        # The latest year named in the opening is the report's own year more often than not.
        return max(y for y, _ in counts.most_common(3))
    return 0


def detect_period(name: str, doc: CleanDocument) -> tuple[int, int]:
    head = f"{name} {doc.title} {doc.subtitle}"
    m = _PERIOD_RE.search(head)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        if a <= b:
            return a, b
    for word, start in _FIVE_YEAR.items():
        if word in head and ("规划" in head or "纲要" in head):
            return start, start + 4
    return 0, 0


def canonical_region(place: str) -> str:
    """``湖北``/``湖北省`` → ``湖北省``; national words → ``国务院``; a city stays as named."""
    if not place:
        return ""
    if place in NATIONAL_WORDS:
        return NATIONAL
    for short, full in PROVINCES.items():
        if place in (short, full) or (place.startswith(short) and len(place) <= len(full)):
            return full
    return place


def detect_region(name: str, doc: CleanDocument) -> str:
    head = f"{name} {doc.title} {doc.subtitle}"
    if _NATIONAL_RE.search(head):
        return NATIONAL
    issuer = _ISSUER_RE.search(head)
    place = issuer.group(1) + head[issuer.end(1)] if issuer else ""
    # (宁夏回族自治区第十三届…: the lazy match can start inside a province's name, 夏回族自治区)
    if issuer and not any(short in place or place in full for short, full in PROVINCES.items()):
        return issuer.group(1) + "市" if "市" in head else issuer.group(1)
    for short, full in PROVINCES.items():
        if short in head:
            return full
    m = _TITLE_PLACE_RE.match(doc.title or "")
    if m and m.group(1) not in PROVINCES:  # 鞍山市国民经济和社会发展第十四个五年规划…
        return m.group(1) + m.group(2)
    cities = Counter(m.group(1) for m in _CITY_RE.finditer(doc.text))
    for city, n in cities.most_common(3):
        # a city named again and again, or named in the title and at least once as 某市…
        if n >= 3 or (n >= 1 and city in (doc.title or "")):
            return canonical_region(city) if city in PROVINCES else city + ("市" if f"{city}市" in doc.text else "")
    if _NATIONAL_RE.search(doc.text[:2000]):
        return NATIONAL
    return ""


def detect_doc_type(name: str, doc: CleanDocument) -> str:
    head = f"{name} {doc.title}"
    for needle, kind in _DOC_TYPES:
        if needle in head:
            return kind
    if any(b.kind == "byline" for b in doc.blocks[:6]) or re.search(r"来源：.{0,10}(?:日报|新闻|报)", doc.text[:300]):
        return NEWS
    return "文件"


def detect_date(doc: CleanDocument) -> str:
    head = "\n".join([doc.subtitle, *(b.text for b in doc.blocks[:6])])
    m = re.search(r"(?<!\d)((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日", head)
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else ""


def detect(name: str, doc: CleanDocument, known: dict[str, Any] | None = None) -> DocMeta:
    known = known or {}
    return DocMeta(
        year=int(known.get("year") or detect_year(name, doc)),
        region=str(known.get("region") or detect_region(name, doc)),
        doc_type=str(known.get("doc_type") or detect_doc_type(name, doc)),
        period=detect_period(name, doc),
        date=str(known.get("date") or detect_date(doc)),
    )


def label(meta: dict[str, Any]) -> str:
    """A short human name of the document a chunk comes from: ``2024年国务院政府工作报告``."""
    year = int(meta.get("year") or 0)
    region = str(meta.get("region") or "")
    doc_type = str(meta.get("doc_type") or "")
    if doc_type == NEWS and meta.get("date"):
        return f"{meta['date']} {region}新闻".replace("  ", " ").strip()
    parts = [f"{year}年" if year else "", region, doc_type if doc_type != "文件" else ""]
    return "".join(parts) or str(meta.get("title") or "")


def page_at(meta: dict[str, Any], offset: int) -> int:
    """The page of an offset inside a chunk (0 when the document has no pages)."""
    page = int(meta.get("page") or 0)
    for item in str(meta.get("page_breaks") or "").split(","):
        if ":" in item:
            at, number = item.split(":")
            if int(at) <= offset:
                page = int(number)
    return page
