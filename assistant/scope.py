"""Question scope: which documents a question is about, from the years, regions and document
types it names, checked against the catalogue of ingested documents.

* ``2020年政府工作报告…`` names a document: only the report of that year may answer; when the
  corpus has none, the answer is a refusal that says so (and which years it has);
* ``2022年赤字率…`` names a time: documents of that year and the next (which reviews it), and
  plans whose period covers it, are searched first; sentences are still checked for their own
  year by the evidence layer, so one year's figure is never given for another's;
* ``湖北省…`` / ``全国…`` names a region: only that region's documents, or a refusal naming the
  region when a corpus of several regions' reports has none of it;
* a question naming neither, over a corpus of several reports, is answered per document (or
  names the report it used).

Filters only apply where the corpus has something to choose between (several years, several
regions): over one report, the evidence checks alone decide.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from assistant.question import Question
from common.places import NATIONAL, province_level, short_form
from ingest.metadata import NEWS
from vectorstore.docstore import StoredDocument

_DOC_TYPE_WORDS: list[tuple[str, str]] = [
    ("政府工作报告", "政府工作报告"), ("工作报告", "政府工作报告"), ("统计公报", "统计公报"),
    ("规划", "规划"), ("纲要", "规划"), ("新闻", NEWS), ("报道", NEWS), ("消息", NEWS),
]
_NATIONAL_Q = ("全国", "国务院", "我国", "中央政府", "国家层面")
MAX_WHERE_IDS = 500
MAX_QUOTED_PHRASES = 3  # looked up per question (each a scan of the stored text)
# A phrase the question quotes: “项目管家”, 「…」, "…".
QUOTED_RE = re.compile(r"[“「『\"]([^”」』\"]{2,20})[”」』\"]")


@dataclass
class Scope:
    """What a question is restricted to. ``doc_ids`` None means the whole corpus."""

    years: set[int] = field(default_factory=set)
    strict_years: set[int] = field(default_factory=set)
    regions: list[str] = field(default_factory=list)
    doc_types: list[str] = field(default_factory=list)
    doc_ids: list[str] | None = None
    refusal: str = ""  # set when the corpus has nothing the question could be about
    many: bool = False  # no year/region named, several reports: answer per document
    loose: bool = False  # a time filter that may be widened when it finds nothing

    @property
    def filtered(self) -> bool:
        return self.doc_ids is not None

    def redundant_words(self) -> list[str]:
        """Words of the question that the filter already enforces (the region of a region
        filter, the year of a single-year document filter): every passage in scope has them,
        so in the query they only pull towards title and preamble passages."""
        if self.doc_ids is None:
            return []
        words: list[str] = []
        for region in self.regions:
            words += [region, short_form(region)]
        for year in self.strict_years:
            words += [f"{year}年", str(year)]
        return sorted(set(words), key=lambda w: (-len(w), w))

    def where(self) -> dict[str, Any] | None:
        """The Chroma ``where`` of this scope (document ids; the retriever re-checks them)."""
        if self.doc_ids is None:
            return None
        if len(self.doc_ids) == 1:
            return {"doc_id": self.doc_ids[0]}
        if len(self.doc_ids) <= MAX_WHERE_IDS:
            return {"doc_id": {"$in": list(self.doc_ids)}}
        clauses: list[dict[str, Any]] = []
        if self.years:
            clauses.append({"year": {"$in": sorted({0, *self.years, *(y + 1 for y in self.years)})}})
        if self.regions:
            clauses.append({"region": {"$in": list(self.regions)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass(frozen=True)
class DocInfo:
    doc_id: str
    year: int
    region: str
    doc_type: str
    period: tuple[int, int]
    title: str


class Catalogue:
    """The live documents' metadata, reloaded when the document store's version changes."""

    def __init__(self, documents: Callable[[], list[StoredDocument]], version: Callable[[], int]) -> None:
        self._documents = documents
        self._version = version
        self._lock = threading.Lock()
        self._seen = -1
        self._docs: list[DocInfo] = []

    def docs(self) -> list[DocInfo]:
        version = self._version()
        with self._lock:
            if version != self._seen:
                self._docs = [_info(d) for d in self._documents()]
                self._seen = version
            return self._docs


def _info(doc: StoredDocument) -> DocInfo:
    m = doc.meta
    return DocInfo(doc.doc_id, int(m.get("year") or 0), str(m.get("region") or ""),
                   str(m.get("doc_type") or ""), (int(m.get("period_start") or 0), int(m.get("period_end") or 0)),
                   doc.title)


# ---------------------------------------------------------------------------- question side
def question_regions(q: Question) -> list[str]:
    """Canonical regions the question names: the full names of its places (宁夏 → 宁夏回族自治区,
    海城 → 海城市), and 国务院 for 全国/国家/China."""
    out = [p.name for p in q.places]
    if q.national and not out:
        out.append(NATIONAL)
    return list(dict.fromkeys(out))


def question_doc_types(text: str) -> list[str]:
    return list(dict.fromkeys(kind for word, kind in _DOC_TYPE_WORDS if word in text))


def _region_matches(doc_region: str, wanted: str) -> bool:
    if not doc_region:
        return False
    return doc_region == wanted or doc_region.startswith(wanted) or wanted.startswith(doc_region)


def _years_text(years: list[int]) -> str:
    """2016–2019、2021–2025 style."""
    runs: list[list[int]] = []
    for y in sorted(set(years)):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return "、".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else "、".join(map(str, r)) for r in runs)


# ---------------------------------------------------------------------------- resolution
def resolve(q: Question, docs: list[DocInfo]) -> Scope:
    """The scope of a question over the catalogue ``docs``."""
    scope = Scope(years=set(q.years) | set(q.report_years), regions=question_regions(q),
                  doc_types=question_doc_types(q.text))
    if not docs:
        return scope
    doc_years = {d.year for d in docs if d.year}
    doc_regions = {d.region for d in docs if d.region}
    multi_year = len(doc_years) > 1
    multi_region = len(doc_regions) > 1
    wanted_types = [t for t in scope.doc_types if any(d.doc_type == t for d in docs)]
    pool = docs
    if wanted_types:
        pool = [d for d in pool if d.doc_type in wanted_types or not d.doc_type]

    named_docs = set(q.report_years)
    if named_docs and multi_year:
        scope.strict_years = set(named_docs)
        kind = wanted_types[0] if wanted_types else ("政府工作报告" if "工作报告" in q.text or q.is_english else "")
        hit = [d for d in pool if d.year in named_docs]
        if not hit:
            have = sorted({d.year for d in pool if d.year})
            years = "、".join(f"{y}年" for y in sorted(named_docs))
            name = kind or "文件"
            scope.refusal = (f"资料中没有{years}的{name}，无法回答（资料中现有{name}的年份：{_years_text(have)}）。"
                             if have else f"资料中没有{years}的{name}，无法回答。")
            scope.doc_ids = []
            return scope
        pool = hit
    elif scope.years and multi_year:
        def covers(d: DocInfo) -> bool:
            lo, hi = d.period
            return (not d.year or d.year in scope.years or d.year - 1 in scope.years
                    or any(lo <= y <= hi for y in scope.years if lo))

        hit = [d for d in pool if covers(d)]
        if not hit:
            years = "、".join(f"{y}年" for y in sorted(scope.years))
            scope.refusal = f"资料中没有涉及{years}的文件，无法回答（资料覆盖的年份：{_years_text(sorted(doc_years))}）。"
            scope.doc_ids = []
            return scope
        pool = hit
        scope.loose = True

    if (named_docs or scope.years) and not scope.regions and multi_region:
        # A year's report or plans named with no region are the State Council's: a province's
        # report is always named with its province ("2025年政府工作报告", "2025年赤字率")
        # (when the State Council's report of that year, or of the next, is there to answer)
        wanted = named_docs or scope.years
        if any(d.region == NATIONAL and (d.year in wanted or d.year - 1 in wanted) for d in pool):
            pool = [d for d in pool if d.region == NATIONAL]
    if scope.regions and multi_region:
        hit = [d for d in pool if any(_region_matches(d.region, r) for r in scope.regions)]
        anywhere = [d for d in docs if any(_region_matches(d.region, r) for r in scope.regions)]
        if hit:
            pool = hit
        elif anywhere:  # the region is there, but not for the year/type asked
            years = "、".join(f"{y}年" for y in sorted(scope.strict_years or scope.years))
            region_years = _years_text(sorted({d.year for d in anywhere if d.year}))
            scope.refusal = (f"资料中没有{'、'.join(scope.regions)}{years}的相关文件，无法回答"
                             f"（该地区现有文件的年份：{region_years}）。")
            scope.doc_ids = []
            return scope
        elif _region_level(scope.regions) and _regional_corpus(docs):
            scope.refusal = (f"资料中没有{'、'.join(scope.regions)}的文件，无法回答"
                             f"（资料中现有的地区：{'、'.join(sorted(doc_regions))}）。")
            scope.doc_ids = []
            return scope
    if len(pool) < len(docs):
        scope.doc_ids = [d.doc_id for d in pool]
    labels = {(d.year, d.region) for d in (pool if scope.doc_ids is not None else docs)}
    scope.many = not scope.years and not scope.regions and len(labels) > 1
    return scope


def narrowed_to_quotes(scope: Scope, q: Question, docs: list[DocInfo],
                       containing: Callable[[str], set[str]]) -> Scope:
    """A phrase the question quotes (“项目管家”) is the report's own name for what it asks
    about: when some documents in scope have every quoted phrase verbatim, and not all of
    them do, only those are searched (``containing``: the documents that have a phrase)."""
    # the first few only: each is a scan of the stored text (~30 ms over 1.75 M characters)
    phrases = [m.group(1) for m in QUOTED_RE.finditer(q.text)][:MAX_QUOTED_PHRASES]
    if scope.refusal or not phrases:
        return scope
    allowed = set(scope.doc_ids) if scope.doc_ids is not None else {d.doc_id for d in docs}
    hit = set.intersection(*(containing(p) for p in phrases)) & allowed
    if not hit or hit == allowed:
        return scope
    kept = [d for d in docs if d.doc_id in hit]
    narrowed = replace(scope, doc_ids=[d.doc_id for d in kept])
    narrowed.many = not scope.years and not scope.regions and len({(d.year, d.region) for d in kept}) > 1
    return narrowed


def _region_level(regions: list[str]) -> bool:
    """Province-level or national: regions every report of a regional corpus is tagged with."""
    return all(r == NATIONAL or province_level(r) for r in regions)


def _regional_corpus(docs: list[DocInfo]) -> bool:
    """A corpus of reports by region (most documents carry a region): a region missing from
    it is missing, not merely untagged."""
    tagged = sum(1 for d in docs if d.region and d.doc_type != NEWS)
    return tagged >= max(2, len(docs) // 2)


def widened(q: Question, docs: list[DocInfo], scope: Scope) -> Scope:
    """A loose time filter that found nothing: search all years (regions still apply); the
    evidence layer still rejects any sentence about another year."""
    wide = resolve(replace(q, years=frozenset(), report_years=frozenset()), docs)
    wide.years, wide.many = scope.years, False
    return wide
