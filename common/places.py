"""The place gazetteer: China's administrative divisions (the national division codes shipped
by the ``cpca`` package: 34 province-level units, prefectures and counties), with their short
forms and English names, matched as whole words.

* Full names match at any level (``宁夏回族自治区``, ``苏州市``, ``海城市``), short forms of
  provinces and prefectures too (``宁夏``, ``苏州``); a county's short form only when the caller
  says it is known (a region of the catalogue: the reports actually ingested).
* A match must start and end on a word boundary of the jieba segmentation, and matches are
  taken leftmost-longest without overlap: ``上海南站`` names 上海, never 海南; ``浙江西部`` names
  浙江, never 江西; ``城镇`` names nothing.
* A misspelt short form (one character off with the same pinyin: ``宁厦``, ``海诚``) is matched
  by :meth:`Gazetteer.correct`, against provinces and the known regions only.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from common.tokens import jieba_module

NATIONAL = "国务院"
# Words that name the country as a whole (a question about 全国 is about the State Council's reports).
NATIONAL_WORDS = ("全国", "国务院", "我国", "中国", "国家", "中央", "中华人民共和国", "全国人民代表大会")

# English names of the province-level units whose usual English name is not the plain pinyin
# of the short form (陕西 and 山西 share it); every other name is its pinyin.
_ENGLISH_EXCEPTIONS = {
    "陕西": "Shaanxi", "内蒙古": "Inner Mongolia", "西藏": "Tibet", "香港": "Hong Kong", "澳门": "Macau",
}
_ENGLISH_ALIASES = {"Xizang": "西藏", "Macao": "澳门", "Nei Mongol": "内蒙古", "Peking": "北京",
                    "Canton": "广东", "China": NATIONAL, "Chinese": NATIONAL, "national": NATIONAL,
                    "State Council": NATIONAL, "nationwide": NATIONAL, "country": NATIONAL}
# Suffixes of division names, longest first; ethnic names before 自治区/自治州/自治县 come from
# cpca's list of the 56 nationalities.
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "新区", "省", "市", "县",
             "区", "盟", "旗", "州")


@dataclass(frozen=True)
class Place:
    name: str  # the full official name: 宁夏回族自治区, 苏州市, 海城市
    short: str  # 宁夏, 苏州, 海城
    level: int  # 1 province-level, 2 prefecture, 3 county
    province: str  # full name of its province (itself for level 1)

    @property
    def english(self) -> str:
        return english_name(self.short)


@dataclass(frozen=True)
class PlaceMention:
    place: Place
    text: str  # as written in the text
    start: int
    end: int


def _cpca_dir() -> Path:
    spec = importlib.util.find_spec("cpca")  # located, not imported (its import loads pandas)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the cpca package (division codes) is not installed; run `make setup`")
    return Path(next(iter(spec.submodule_search_locations))) / "resources"


@lru_cache(maxsize=1)
def _ethnic_names() -> tuple[str, ...]:
    names = [line.strip() for line in (_cpca_dir() / "56_nations.csv").read_text(encoding="utf-8").splitlines()]
    # Both 回族 and 回 are written (宁夏回族自治区, 临夏回族自治州); longest first.
    forms = {n for n in names if n} | {n[:-1] for n in names if n.endswith("族") and len(n) > 2}
    return tuple(sorted(forms, key=len, reverse=True))


def short_form(name: str) -> str:
    """``宁夏回族自治区`` → ``宁夏``, ``延边朝鲜族自治州`` → ``延边``, ``苏州市`` → ``苏州``;
    a name that would lose too much (``沛县``) stays whole."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if suffix.startswith("自治"):
                for ethnic in _ethnic_names():
                    if stem.endswith(ethnic) and len(stem) - len(ethnic) >= 2:
                        stem = stem[: -len(ethnic)]
                        break
                stem = stem.rstrip("族")
            return stem if len(stem) >= 2 else name
    return name


@lru_cache(maxsize=1)
def divisions() -> tuple[Place, ...]:
    """Every division of the national code list (provinces, prefectures, counties)."""
    rows = list(csv.DictReader((_cpca_dir() / "adcodes.csv").open(encoding="utf-8")))
    provinces = {r["adcode"][:2]: r["name"] for r in rows if r["adcode"][2:].strip("0") == ""}
    out: list[Place] = []
    for r in rows:
        code, name = r["adcode"], r["name"]
        if code[2:].strip("0") == "":
            level = 1
        elif code[4:].strip("0") == "":
            level = 2
        else:
            level = 3
        if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            continue
        out.append(Place(name, short_form(name), level, provinces.get(code[:2], name)))
    return tuple(out)


@lru_cache(maxsize=1)
def _english_cities() -> dict[str, Place]:
    """Prefecture-level cities by their pinyin (Lanzhou, Shenzhen), those it names alone: a
    pinyin two cities share (Taizhou: 台州, 泰州) names neither."""
    cities: dict[str, list[Place]] = {}
    for place in divisions():
        if place.level == 2 and len(place.short) >= 2:
            cities.setdefault(english_name(place.short).lower(), []).append(place)
    return {name: same[0] for name, same in cities.items() if len(same) == 1}


def english_name(short: str) -> str:
    if short in _ENGLISH_EXCEPTIONS:
        return _ENGLISH_EXCEPTIONS[short]
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(short)).capitalize()


# A full name ends in one of these: it may open a longer word (江苏省政府, 河北省委)
_OPENING_SUFFIXES = ("省", "市", "自治区", "特别行政区")


@lru_cache(maxsize=4096)
def _boundaries(text: str) -> frozenset[int]:
    """Word boundaries (character offsets) of the jieba segmentation of ``text``."""
    cuts = {0}
    pos = 0
    for token in jieba_module().cut(text, HMM=False):
        pos += len(token)
        cuts.add(pos)
    return frozenset(cuts)


@lru_cache(maxsize=4096)
def _sounds(char: str) -> frozenset[str]:
    """Every reading of a character, without tones (厦: sha and xia)."""
    from pypinyin import Style, pinyin

    return frozenset(pinyin(char, style=Style.NORMAL, heteronym=True)[0])


def _is_word(text: str) -> bool:
    """Whether jieba's dictionary knows ``text`` as a word."""
    return bool(jieba_module().dt.FREQ.get(text))


class Gazetteer:
    """Division names (and the catalogue's own regions) found in texts as whole words."""

    def __init__(self, known: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._forms: dict[str, Place] = {}
        self._county_shorts: dict[str, Place] = {}
        by_level = sorted(divisions(), key=lambda p: p.level, reverse=True)  # provinces last: they win
        for place in by_level:
            if place.level < 3 or len(place.name) >= 3:
                self._forms[place.name] = place
            if place.level < 3 and len(place.short) >= 2:
                self._forms[place.short] = place
            elif place.level == 3 and len(place.short) >= 2:
                self._county_shorts.setdefault(place.short, place)
        self._provinces = {p.short: p for p in divisions() if p.level == 1}
        self._known: set[str] = set()
        self._english = {english_name(p.short).lower(): p for p in self._provinces.values()}
        for alias, short in _ENGLISH_ALIASES.items():
            if short in self._provinces:
                self._english[alias.lower()] = self._provinces[short]
        for name, city in _english_cities().items():
            self._english.setdefault(name, city)
        self.add_known(known)

    def add_known(self, regions: Iterable[str]) -> None:
        """Regions of the catalogue: their short forms match too (a county such as 海城)."""
        with self._lock:
            for region in regions:
                if not region or region == NATIONAL or region in self._known:
                    continue
                self._known.add(region)
                place = self._forms.get(region) or self.place_of(region)
                if place is None:
                    place = Place(region, short_form(region), 3, "")
                    self._forms[region] = place
                if len(place.short) >= 2:
                    self._forms.setdefault(place.short, place)
                    # and its English name (Haicheng), for English questions
                    self._english.setdefault(english_name(place.short).lower(), place)

    def place_of(self, name: str) -> Place | None:
        """The division a name denotes (full or short form), if any."""
        return self._forms.get(name) or next(
            (p for p in divisions() if p.name == name), None
        )

    def province(self, short_or_full: str) -> Place | None:
        place = self._forms.get(short_or_full)
        return self._provinces.get(place.short) if place is not None and place.level == 1 else None

    def find(self, text: str, counties: bool = False) -> list[PlaceMention]:
        """Places named in ``text``: whole words, leftmost-longest, no overlaps. ``counties``:
        also the short forms of all counties (for titles and datelines, which name their issuer)."""
        cuts = _boundaries(text)
        ordered = sorted(cuts | {len(text)})
        word_end = {a: b for a, b in zip(ordered, ordered[1:], strict=False)}  # a word's end by its start
        out: list[PlaceMention] = []
        i = 0
        longest = max((len(f) for f in self._forms), default=0)
        while i < len(text):
            found = None
            if i in cuts:
                for j in range(min(len(text), i + longest), i + 1, -1):
                    form = text[i:j]
                    place = self._forms.get(form) or (self._county_shorts.get(form) if counties else None)
                    # a full name with its suffix may open a longer word (江苏省政府, 河北省委)
                    whole = j in cuts or (form.endswith(_OPENING_SUFFIXES) and len(form) >= 3 and word_end[i] > j)
                    if whole and place is not None:
                        found = PlaceMention(place, form, i, j)
                        break
            if found is not None:
                out.append(found)
                i = found.end
            else:
                i += 1
        return out

    def find_english(self, text: str) -> list[Place]:
        """Province-level units, prefecture-level cities and the catalogue's own regions named in
        English (``Ningxia``, ``Inner Mongolia``, ``China``, ``Lanzhou``, ``Haicheng``)."""
        out: list[Place] = []
        lowered = text.lower()
        for name, place in sorted(self._english.items(), key=lambda kv: -len(kv[0])):
            # (a name the text does not hold at all is passed over before its word-bounded search)
            if name in lowered and re.search(rf"\b{re.escape(name)}(?:'s)?\b", text, re.IGNORECASE) and place not in out:
                out.append(place)
        return out

    def correct(self, text: str) -> str:
        """``text`` with a misspelt province or known-region short form put right: a run of
        characters one character off a name, where the two characters sound the same
        (``宁厦`` → ``宁夏``, ``新彊`` → ``新疆``, ``海诚`` → ``海城``), or a province's name followed by
        ``省``/``市``/``自治区`` or a year off by any character (``陕酉省``, ``陕酉2031年``). Of several names one character
        off, the one that sounds the same wins (``胡北省`` → ``湖北省``, not ``河北省``). Names
        already present are left as they are."""
        names = {p.short for p in self._provinces.values()} | {
            self._forms[r].short for r in self._known if r in self._forms
        }
        mentions = self.find(text)
        present = {m.text for m in mentions}
        # (the characters of a name already present are no part of a misspelt one: in AB三省,
        # with AB a name, B三 is no typo of a name BC)
        named = {k for m in mentions for k in range(m.start, m.end)}
        cuts = _boundaries(text)
        fixes: list[tuple[int, int, int, str]] = []  # (rank, start, length, name); rank 0 sounds alike
        for name in names:
            if name in present or name in text or len(name) < 2:
                continue
            for i in range(len(text) - len(name) + 1):
                window = text[i : i + len(name)]
                diffs = [k for k in range(len(name)) if window[k] != name[k]]
                if len(diffs) != 1 or not all("\u4e00" <= c <= "\u9fff" for c in window) or _is_word(window) \
                        or window in names or named.intersection(range(i, i + len(name))):
                    continue
                k = diffs[0]
                alike = bool(_sounds(window[k]) & _sounds(name[k]))
                after = text[i + len(name):i + len(name) + 3]
                # (a province's name before 省/市/自治区, or before a year as a report's title
                # names it: 陕酉2031年政府工作报告)
                # (only in a text that names no place: 湖北省2025年 has no typo of 北京 in it)
                dated = (not present and re.match(r"(?:19|20)\d", after) is not None and i in cuts
                         and window[-1] not in "县市区镇乡")
                suffixed = name in self._provinces and (after.startswith(("省", "市", "自治区")) or dated)
                whole = i in cuts and i + len(name) in cuts  # not part of another word (将西部 ≠ 江西部)
                if (alike and (whole or suffixed)) or suffixed:
                    fixes.append((0 if alike else 1, i, len(name), name))
        for _, i, length, name in sorted(fixes)[:1]:
            text = text[:i] + name + text[i + length:]
        return text


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The process-wide gazetteer (the catalogue's regions are added to it as they appear)."""
    return Gazetteer()


def province_level(name: str) -> bool:
    """Whether a full name is a province-level unit (宁夏回族自治区, 北京市)."""
    return any(p.level == 1 and p.name == name for p in divisions())
