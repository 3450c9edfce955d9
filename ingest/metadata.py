"""Document metadata: year, region/issuer and document type, read from the file name, the
title, the subtitle/dateline (``——2024年3月5日在第十四届全国人民代表大会…``) and the opening
lines. A loader that knows better (a news line's date) passes its values in ``known``."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from common.places import NATIONAL, default_gazetteer
from common.timeref import plan_periods
from ingest.cleaning import CleanDocument

_NATIONAL_RE = re.compile(r"中华人民共和国国务院|国务院政府工作报告|全国人民代表大会|国务院总理|国务院关于|国务院办公厅")
_YEAR_RE = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)")
_DATELINE_RE = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)年\d{1,2}月\d{1,2}日")
_PERIOD_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*[-—–～~至到]\s*((?:19|20)\d\d)年")
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
    plans = plan_periods(head)
    if plans and ("规划" in head or "纲要" in head):
        return plans[0]
    return 0, 0


def detect_region(name: str, doc: CleanDocument) -> str:
    """The issuer's region: 国务院 for the State Council's reports; else the first place of the
    gazetteer that the file name, the title, the subtitle or the dateline/byline names (the
    place a report is given in, ``——2025年1月10日在宁夏回族自治区第十三届人民代表大会…``);
    empty when none does (never guessed from the body)."""
    head = f"{name} {doc.title} {doc.subtitle}"
    lines = [b.text for b in doc.blocks[:8] if b.kind in ("title", "subtitle", "byline") or _DATELINE_RE.search(b.text)]
    if _NATIONAL_RE.search(" ".join([head, *lines])):
        return NATIONAL
    gazetteer = default_gazetteer()
    for text in (name, doc.title, doc.subtitle, *lines):
        found = gazetteer.find(text or "", counties=True)
        if found:
            return found[0].place.name
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
    if not region and doc_type in ("", "文件"):  # nothing but a year to say: the title says more
        return str(meta.get("title") or "") or (f"{year}年" if year else "")
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
