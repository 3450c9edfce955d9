"""Document metadata: year, region/issuer and document type, read from the file name, the
title and the opening lines (``2024年…政府工作报告``, ``——2024年3月5日在…``)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

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
_NATIONAL_RE = re.compile(r"中华人民共和国国务院|国务院政府工作报告|全国人民代表大会")
_YEAR_RE = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)")
_CITY_RE = re.compile(r"([\u4e00-\u9fff]{2,3}?)(?:市|县|区)(?:委|政府|将|人民)")
_DOC_TYPES = [
    ("政府工作报告", "政府工作报告"),
    ("工作报告", "工作报告"),
    ("规划", "规划"),
    ("纲要", "规划"),
    ("计划", "计划"),
    ("方案", "方案"),
    ("意见", "意见"),
    ("通知", "通知"),
]


@dataclass(frozen=True)
class DocMeta:
    year: int
    region: str
    doc_type: str


def detect_year(name: str, doc: CleanDocument) -> int:
    for text in (name, doc.title, doc.subtitle):
        m = _YEAR_RE.search(text or "")
        if m:
            return int(m.group(1))
    counts = Counter(int(y) for y in _YEAR_RE.findall(doc.text[:3000]))
    if counts:
        # The latest year named in the opening is the report's own year more often than not.
        return max(y for y, _ in counts.most_common(3))
    return 0


def detect_region(name: str, doc: CleanDocument) -> str:
    head = f"{name} {doc.title} {doc.subtitle}"
    if _NATIONAL_RE.search(head):
        return NATIONAL
    for short, full in PROVINCES.items():
        if short in head:
            return full
    cities = Counter(m.group(1) for m in _CITY_RE.finditer(doc.text))
    if cities:
        city, n = cities.most_common(1)[0]
        if n >= 3:
            return city + ("市" if f"{city}市" in doc.text else "")
    if _NATIONAL_RE.search(doc.text[:2000]):
        return NATIONAL
    return ""


def detect_doc_type(name: str, doc: CleanDocument) -> str:
    head = f"{name} {doc.title}"
    for needle, kind in _DOC_TYPES:
        if needle in head:
            return kind
    if any(b.kind == "byline" for b in doc.blocks[:6]):
        return "新闻报道"
    return "文件"


def detect(name: str, doc: CleanDocument) -> DocMeta:
    return DocMeta(detect_year(name, doc), detect_region(name, doc), detect_doc_type(name, doc))
