"""Cleaning for the genre: Chinese government reports and the newspaper articles about them.

* paragraphs broken mid-sentence by blank lines (``…建`` + blank + ``设科技创新平台…``) are joined;
* the title, subtitle, byline, photo captions and image credit are tagged as such (kept);
* headings are recognised: short unpunctuated lines (``…在…上实现新突破``), numbered headings
  (``一、``, ``（二）``, ``第三章``), and the lead sentence that opens a measure paragraph
  (``坚持科技创新,引领现代化产业体系建设。``); every block gets its heading path.

The cleaned text is the paragraphs joined by ``\\n``; every offset downstream refers to it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["title", "subtitle", "byline", "caption", "credit", "heading", "body"]

KIND_LABELS: dict[str, str] = {
    "title": "标题",
    "subtitle": "副标题",
    "byline": "署名",
    "caption": "图片说明",
    "credit": "图片来源",
    "heading": "标题",
    "body": "正文",
}

_TERMINAL = set("。！？!?；;：:…”’」』）)】》")
_BYLINE_RE = re.compile(r"^(?:本报|本刊|新华社)?(?:记者|通讯员|作者|撰稿|文\s*/|文／)")
_CREDIT_RE = re.compile(r"(?:图片由.{0,30}提供|供图$|^图\s*[/／]|摄影?\s*$|^摄影)")
_CAPTION_RE = re.compile(r"(?:图为|如图|上图|下图|左图|右图|（图）)")
_NUMBERED_HEADINGS: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"^第[一二三四五六七八九十百]+[编章篇部分]"), 1),
    (re.compile(r"^[一二三四五六七八九十]+、"), 1),
    (re.compile(r"^第[一二三四五六七八九十百]+节"), 2),
    (re.compile(r"^[（(][一二三四五六七八九十]+[)）]"), 2),
]
# A line of its own that opens with an ordinal (一是聚焦全方位扩大内需，着力提消费促投资) and ends
# without punctuation heads the paragraphs after it, one level under the numbered headings.
_ORDINAL_HEADING_RE = re.compile(r"^[一二三四五六七八九十]+是")
_ORDINAL_HEADING_MAX_CHARS = 40
_LABELS = {"核心提示", "编者按", "导读", "前言", "引言", "结束语", "附件", "名词解释"}
_LEAD_MAX_CHARS = 28
_PROSE_MARKS = "。！？，,；;"
_DATELINE_RE = re.compile(r"^—*\s*\d{4}年\d{1,2}月\d{1,2}日")
# Boilerplate that closes pages copied from wikis and portals; everything after it is dropped.
_FOOTER_RE = re.compile(r"^(?:本作品(?:是|在)|本文(?:来源|转载)|责任编辑|版权所有|Public domain)")


@dataclass
class Block:
    """One paragraph of the cleaned text."""

    text: str
    start: int
    end: int
    index: int
    kind: BlockKind = "body"
    level: int = 0  # heading level (1 = section): of a heading, or of a numbered paragraph
    headings: tuple[str, ...] = ()
    lead: str = ""  # the lead sentence opening this paragraph, if any


@dataclass
class CleanDocument:
    text: str
    blocks: list[Block]
    title: str
    subtitle: str = ""
    joins: list[int] = field(default_factory=list)  # cleaned offsets where broken lines were joined


def _normalize(raw: str) -> str:
    text = raw.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    # NFC only: NFKC would turn full-width punctuation into ASCII and change quotes.
    text = unicodedata.normalize("NFC", text)
    # a typesetting that spaces every digit (1 9 9 7 年…7 4 7 7 2 亿元，增长8 ．8 ％): the digits
    # of one number, its decimal point and its unit are one word
    return _SPACED_DIGIT_RE.sub("", text) if _digits_spaced(text) else text


# A digit, a space, then another digit, a decimal point or what follows a number (a unit, 年).
_SPACED_DIGIT_RE = re.compile(r"(?<=[0-9０-９]) (?=[0-9０-９．.％%]|[年月日万亿千百个元多余吨])")
_SPACED_PAIR_RE = re.compile(r"[0-9０-９] (?=[0-9０-９])")
_PLAIN_PAIR_RE = re.compile(r"[0-9０-９](?=[0-9０-９])")


def _digits_spaced(text: str) -> bool:
    """Such a typesetting: most digits that follow a digit have a space between (a text with a
    few spaced digits, a list 1 2 3 or a table, is not one)."""
    spaced = len(_SPACED_PAIR_RE.findall(text))
    return spaced >= 10 and spaced > 4 * len(_PLAIN_PAIR_RE.findall(text))


def _raw_paragraphs(text: str) -> list[tuple[str, int]]:
    """Non-empty lines with the number of blank lines before each; a trailing footer is cut."""
    out: list[tuple[str, int]] = []
    gap = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            gap += 1
            continue
        if len(out) > 3 and _FOOTER_RE.match(stripped):
            break
        out.append((stripped, gap))
        gap = 0
    return out


def _ends_open(text: str) -> bool:
    """True when a paragraph stops mid-sentence (no closing punctuation)."""
    return bool(text) and text[-1] not in _TERMINAL


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _join_broken(paragraphs: list[tuple[str, int]]) -> tuple[list[tuple[str, int]], list[int]]:
    """Join paragraphs split mid-sentence. A prose paragraph (≥ 40 chars, or holding a full
    stop) ending without punctuation continues in the next one unless that one is numbered."""
    out: list[tuple[str, int]] = []
    joined_at: list[int] = []  # index in ``out`` and char position of each join
    for text, gap in paragraphs:
        if out:
            prev, prev_gap = out[-1]
            continuation = (
                (len(prev) >= 40 or any(c in prev for c in _PROSE_MARKS))
                and _ends_open(prev)
                and not _numbered_level(prev)
                and not _is_ordinal_heading(prev)
                and (_is_cjk(prev[-1]) or prev[-1].isalnum() or prev[-1] in "、，,“‘《（(")
                and gap <= 2
                and not any(p.match(text) for p, _ in _NUMBERED_HEADINGS)
                and not text.startswith("——")
            )
            if continuation:
                joined_at.append(sum(len(t) + 1 for t, _ in out[:-1]) + len(prev))
                out[-1] = (prev + text, prev_gap)
                continue
        out.append((text, gap))
    return out, joined_at


def _is_ordinal_heading(text: str) -> bool:
    return len(text) <= _ORDINAL_HEADING_MAX_CHARS and _ends_open(text) and _ORDINAL_HEADING_RE.match(text) is not None


def _numbered_level(text: str) -> int:
    for pattern, level in _NUMBERED_HEADINGS:
        if pattern.match(text):
            return level
    return 0


def _first_sentence(text: str) -> str:
    m = re.match(r"[^。！？!?]*[。！？!?]", text)
    return m.group() if m else ""


def _classify(paragraphs: list[tuple[str, int]]) -> list[tuple[BlockKind, int]]:
    gaps = sorted(g for _, g in paragraphs[1:]) or [1]
    usual_gap = gaps[len(gaps) // 2]
    kinds: list[tuple[BlockKind, int]] = []
    seen_body = False
    has_numbered = any(_numbered_level(t) == 1 for t, _ in paragraphs)
    numbered_depth = 0
    for i, (text, gap) in enumerate(paragraphs):
        single_sentence = text.endswith("。") and text.count("。") == 1 and len(text) <= 90
        level = _numbered_level(text)
        if i == 0 and len(text) <= 80 and _ends_open(text):
            kind: tuple[BlockKind, int] = ("title", 0)
        elif not seen_body and len(text) <= 80 and "。" not in text and (
            text.startswith("——") or _DATELINE_RE.match(text)
        ):
            kind = ("subtitle", 0)
        elif len(text) <= 40 and _BYLINE_RE.search(text):
            kind = ("byline", 0)
        elif len(text) <= 60 and _CREDIT_RE.search(text):
            kind = ("credit", 0)
        elif len(text) <= 120 and (
            _CAPTION_RE.search(text) or (single_sentence and gap > usual_gap + 1 and i > 0 and not level)
        ):  # (a numbered line set apart, （一）推动…取得新突破。, is a heading, not a caption)
            kind = ("caption", 0)
        elif level and len(text) <= 60:
            kind = ("heading", level)
            numbered_depth = level
        elif _is_ordinal_heading(text):
            kind = ("heading", numbered_depth + 1 if has_numbered else 1)
        elif text in _LABELS or (
            len(text) <= 40
            and _ends_open(text)
            and not text[-1].isdigit()
            and not any(c in text for c in _PROSE_MARKS)
        ):
            # Unnumbered headings sit one level below the numbered ones, if the document has any.
            kind = ("heading", numbered_depth + 1 if has_numbered else 1)
        else:
            kind = ("body", 0)
            seen_body = True
        kinds.append(kind)
    return kinds


def clean_text(raw: str, fallback_title: str = "") -> CleanDocument:
    """Clean a decoded document and tag its blocks."""
    paragraphs, joined_at = _join_broken(_raw_paragraphs(_normalize(raw)))
    kinds = _classify(paragraphs)

    blocks: list[Block] = []
    path: list[str] = []  # current heading path by level (index 0 = level 1)
    pos = 0
    for index, ((text, _gap), (kind, level)) in enumerate(zip(paragraphs, kinds, strict=True)):
        block = Block(text=text, start=pos, end=pos + len(text), index=index, kind=kind, level=level)
        if kind == "heading":
            del path[level - 1 :]
            while len(path) < level - 1:
                path.append("")
            path.append(text)
            block.headings = tuple(p for p in path[:-1] if p)
        elif kind == "body" and _numbered_level(text) and _first_sentence(text):
            # A numbered paragraph (（一）大力提振消费…。促进…): its first sentence heads it and
            # what follows, like a heading of its level.
            level = _numbered_level(text)
            block.level = level
            block.lead = _first_sentence(text).rstrip("。！？!?")
            del path[level - 1 :]
            while len(path) < level - 1:
                path.append("")
            path.append(block.lead)
            block.headings = tuple(p for p in path if p)
        elif kind == "body":
            first = _first_sentence(text.lstrip("—"))
            # a lead states (ends in 。): an address or a call (各位代表！) opens no measure
            if first.endswith("。") and len(first) <= _LEAD_MAX_CHARS and len(text) >= 3 * len(first):
                block.lead = first.rstrip("。！？!?")
            block.headings = tuple(p for p in path if p) + ((block.lead,) if block.lead else ())
        else:
            block.headings = tuple(p for p in path if p)
        blocks.append(block)
        pos += len(text) + 1

    text = "\n".join(b.text for b in blocks)
    title = next((b.text for b in blocks if b.kind == "title"), "") or fallback_title
    subtitle = next((b.text for b in blocks if b.kind == "subtitle"), "")
    return CleanDocument(text=text, blocks=blocks, title=title, subtitle=subtitle, joins=joined_at)
