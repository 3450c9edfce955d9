"""The outline of a document, worked out at ingest and stored with it: its heading tree and the
enumerations inside its sentences.

* **Nodes**: headings (``一、2024年工作回顾``, ``（三）…``, unnumbered short lines), numbered
  paragraphs (``（一）大力提振消费…。促进…``: their first sentence is their title) and the lead
  sentences that open measure paragraphs (``实施提振消费专项行动。…``). Each node has its level,
  its number as written, its title, its parent, and two spans in the cleaned text: its title's,
  and the whole section's (up to the next node of the same or a higher level).
* **Enumerations** of a sentence: ``一是…二是…三是…``; ``A、B、C和D``; a quoted name and its
  items (``“三去一降一补”，即去产能、去库存…``).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from common.textutils import chinese_to_number
from common.tokens import jieba_module
from ingest.cleaning import CleanDocument

_NUMBER_RE = re.compile(r"^(第[一二三四五六七八九十百]+[编章篇部分节]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|"
                        r"\d{1,2}[.、．](?!\d))\s*")
_ORDINAL_ITEM_RE = re.compile(r"([一二三四五六七八九十]+)是")
_LIST_SEP_RE = re.compile(r"、")
_LIST_END_RE = re.compile(r"以及|和|及|与")
MAX_ITEM_CHARS = 24
NAMELY = "即|也就是|就是"  # words that open what the words before them name (…发展X，即A、B和C)


@dataclass(frozen=True)
class OutlineNode:
    id: int
    level: int
    number: str  # as written: 一、 （三） 1. or ""
    title: str  # without its number and final punctuation
    parent: int | None
    kind: str  # heading | numbered | lead
    title_start: int
    title_end: int
    start: int  # the section: from the title to the next node of the same or a higher level
    end: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_dict(data: dict[str, Any]) -> OutlineNode:
        return OutlineNode(**data)


def split_number(text: str) -> tuple[str, str]:
    """``（三）深入实施…`` → (``（三）``, ``深入实施…``)."""
    m = _NUMBER_RE.match(text)
    return (m.group(1), text[m.end():]) if m else ("", text)


def build_outline(clean: CleanDocument) -> list[OutlineNode]:
    """The outline nodes of a cleaned document, in text order."""
    raw: list[tuple[int, str, str, str, int, int]] = []  # level, number, title, kind, start, end
    deepest = 0
    for block in clean.blocks:
        if block.kind == "heading" and block.level:
            number, title = split_number(block.text)
            raw.append((block.level, number, title.rstrip("。：:"), "heading", block.start, block.end))
            deepest = block.level
        elif block.kind == "body" and block.lead:
            lead_end = block.start + len(block.lead) + 1
            if block.level:  # a numbered paragraph
                number, title = split_number(block.lead)
                raw.append((block.level, number, title, "numbered", block.start, lead_end))
                deepest = block.level
            else:
                raw.append((deepest + 1, "", block.lead, "lead", block.start, lead_end))
    nodes: list[OutlineNode] = []
    stack: list[int] = []  # indexes of open nodes, by increasing level
    end_of_text = len(clean.text)
    for i, (level, number, title, kind, start, end) in enumerate(raw):
        while stack and raw[stack[-1]][0] >= level:
            stack.pop()
        parent = stack[-1] if stack else None
        section_end = next((r[4] for r in raw[i + 1:] if r[0] <= level), end_of_text)
        nodes.append(OutlineNode(i, level, number, title, parent, kind, start, end, start, section_end))
        stack.append(i)
    return nodes


def children(nodes: list[OutlineNode], node: OutlineNode) -> list[OutlineNode]:
    return [n for n in nodes if n.parent == node.id]


def render(nodes: list[OutlineNode]) -> str:
    """The tree as indented text (``planqa outline``)."""
    depth: dict[int, int] = {}
    lines = []
    for node in nodes:
        depth[node.id] = 0 if node.parent is None else depth.get(node.parent, 0) + 1
        mark = "" if node.kind == "heading" else ("· " if node.kind == "lead" else "")
        lines.append(f"{'  ' * depth[node.id]}{mark}{node.number}{node.title}  [{node.start}–{node.end}]")
    return "\n".join(lines)


def enumerations(sentence: str) -> list[list[str]]:
    """The enumerations of a sentence, each as its items in order (at least two items for
    ``一是…二是…`` and a quoted name's items, three for a plain ``A、B、C`` list)."""
    out: list[list[str]] = []
    sentence = _SENTENCE_NUMBER_RE.sub("", sentence)  # (四、A，… : the number of a point, no item)
    ordinals = list(_ORDINAL_ITEM_RE.finditer(sentence))
    if len(ordinals) >= 2:
        items = []
        for m, nxt in zip(ordinals, [*ordinals[1:], None], strict=False):
            piece = sentence[m.end(): nxt.start() if nxt else len(sentence)]
            items.append(re.split(r"[，,；;。]", piece.strip("，,：:"))[0])
        out.append([i for i in items if i])
    named = _named_count_clauses(sentence)
    if named:
        out.append(named)
    parallel = _parallel_clauses(sentence)
    if parallel:
        out.append(parallel)
    for clause in re.split(r"[，,；;。：:！？]", sentence):
        parts = [p for p in _LIST_SEP_RE.split(clause) if p]
        if len(parts) < 2:
            continue
        last = parts[-1]
        if "等" in last:  # …、C等新增长引擎: the list ends at 等
            last = last.split("等")[0]
            parts = [*parts[:-1], last]
        else:  # …、C和D
            tail = _LIST_END_RE.split(last, maxsplit=1)
            # (not a 和/及 inside a word, 普及的X: an item never starts with 的; nor a 与 after
            # one character, 甲与乙的X: an item is never one character)
            if len(tail) > 1 and len(tail[0]) >= 2 and 0 < len(tail[1]) <= MAX_ITEM_CHARS \
                    and not tail[1].startswith("的"):
                parts = [*parts[:-1], tail[0], tail[1]]
        if len(parts) < 3 and not (len(parts) == 2 and "“" in sentence):
            continue  # (A、B和C: three items once the last part is split at 和)
        items = [_item(p, first=i == 0) for i, p in enumerate(parts)]
        unnamed = _COUNT_NAME_RE.sub("", items[-1])
        items[-1] = unnamed if len(unnamed) >= 2 else items[-1]
        items = [_trim_lead(items[0], items[1:]), *items[1:-1], _trim_tail(items[-1], items[:-1])]
        items = [i for i in items if 0 < len(i) <= MAX_ITEM_CHARS]
        if len(items) >= 3 or (len(items) == 2 and "“" in sentence):
            out.append(items)
    return out


_SENTENCE_NUMBER_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}|\d{1,2})[、.．](?!\d)")
_NAMED_COUNT_RE = re.compile(r"“([^”]{2,8})”[：:]")
_ONE_NUMERAL_RE = re.compile(r"^[^一两二三四五六七八九十\d]*([两二三四五六七八九十])[^一两二三四五六七八九十\d]*$")


def _named_count_clauses(sentence: str) -> list[str]:
    """A quoted name with one count, then a colon (执行“X三章”：A，B，C。): as many clauses
    after the colon as the name counts are its items."""
    m = _NAMED_COUNT_RE.search(sentence)
    count = _ONE_NUMERAL_RE.match(m.group(1)) if m else None
    if m is None or count is None:
        return []
    n = int(chinese_to_number(count.group(1)) or 0)
    clauses = [c.strip() for c in re.split(r"[，,；;。]", sentence[m.end():]) if c.strip()]
    if len(clauses) < n or any(len(c) > 2 * MAX_ITEM_CHARS for c in clauses[:n]):
        return []
    return clauses[:n]


def _parallel_clauses(sentence: str) -> list[str]:
    """Three or more parts of a sentence, set apart by semicolons, that each open a clause with
    the same two-character word (坚持A，…；坚持B，…；坚持C，…): their opening clauses are the
    items (the first part may have a lead before it: 需要把握以下原则：坚持A，…)."""
    segments = [s for s in re.split(r"[；;]", sentence.rstrip("。")) if s.strip()]
    if len(segments) < 3:
        return []
    word = segments[1].strip()[:2]
    if len(word) < 2 or not all("\u4e00" <= ch <= "\u9fff" for ch in word):
        return []
    items = []
    for i, segment in enumerate(segments):
        clauses = [c.strip() for c in re.split(r"[，,：:]", segment)]
        clause = next((c for c in clauses if c.startswith(word)), None) if i == 0 else clauses[0]
        if clause is None or not clause.startswith(word) or len(clause) > MAX_ITEM_CHARS:
            return []
        items.append(clause)
    return items


# A count and a short noun after the last item name the list, they are no part of that item
# (A、B、C三大工程 → C; A、B两项行动 → B).
_COUNT_NAME_RE = re.compile(r"[两二三四五六七八九十百\d]+(?:个方面|方面的|方面|大|个|项|类|种|条|件)[\u4e00-\u9fff]{0,6}$")


def _trim_lead(first: str, others: list[str]) -> str:
    """The first item without the words of its clause before it: leading adverbs and
    conjunctions (即, 大力), then leading verbs and quantities while it is longer than the other
    items (推进良田 → 良田, 大力发展智能网联新能源汽车 → 智能网联新能源汽车, 实施一批交通 → 交通)."""
    if not others:
        return first
    import jieba.posseg as pseg

    jieba_module()
    usual = sorted(len(o) for o in others)[len(others) // 2]
    shortest = min(len(o) for o in others)
    words = [(w.word, w.flag) for w in pseg.cut(first)]
    # the other items open with a verb too (调整A、加大B、加强C): the verb is part of each item
    opening = [next(iter(pseg.cut(o)), None) for o in others]
    verbs_too = sum(1 for w in opening if w is not None and w.flag.startswith("v")) * 2 > len(others)
    opens_verb_only = all(w is not None and not w.flag.startswith("v") for w in opening)

    verb_gone = False  # the clause's verb is taken off: a verbal noun after it, in an item no
    # longer than the others, is the item's own (支持移动医疗 → 移动医疗, not 医疗)

    def verb_of_clause() -> bool:
        # a verb before a noun in the first item only, when no other item opens with one: the
        # clause's (加快补齐A、B、C → A), also when the item is then the shortest
        return (not (verb_gone and words[0][1] == "vn") and opens_verb_only and len(words) == 2
                and words[0][1].startswith("v") and len(words[0][0]) == 2
                and words[1][1].startswith("n") and len(words[1][0]) >= 2)

    def longer() -> bool:
        return sum(len(w) for w, _ in words) > usual + 1 and not verbs_too

    # never shorter than every other item (AB经济、CD经济…: jieba may tag the first item's
    # qualifier an adverb)
    while len(words) > 1 and (sum(len(w) for w, _ in words[1:]) >= shortest or verb_of_clause()) and (
        words[0][1][:1] in ("c", "p", "d", "u")
        or (words[0][1].startswith(("v", "a")) and longer())
        # two verbs in a row: the first is the clause's (要调整A、加大B → 调整A)
        or (verbs_too and words[0][1].startswith("v") and words[1][1].startswith("v"))
        # a quantity before a noun (一批交通 → 交通), not a numbered name (两新一重)
        or (words[0][1] == "m" and words[1][1].startswith("n") and longer())
        or verb_of_clause()
    ):
        popped = words.pop(0)
        verb_gone = verb_gone or popped[1].startswith("v")
    return "".join(w for w, _ in words) or first


def _trim_tail(last: str, others: list[str]) -> str:
    """The last item without the noun the list qualifies (正向激励的干部工作链条 → 正向激励)
    or the predicate of the clause after it (把A、B和C紧密地联系起来 → C)."""
    if not others:
        return last
    usual = sorted(len(o) for o in others)[len(others) // 2]
    if "的" not in last or any("的" in o for o in others):
        # (every item is 的-phrase, A的X、B的Y: the 的 is part of each)
        return _without_predicate(last, usual)
    head = last.split("的")[0]
    return head if 2 <= len(head) <= usual + 2 else last


def _without_predicate(last: str, usual: int) -> str:
    """The last item, longer than the others, without the clause's predicate that follows it:
    an adverbial (a word and the particle 地) and what comes after it (…C紧密地联系起来 → C);
    a noun followed by a verb alone (乡村振兴) is an item of its own."""
    if len(last) <= usual + 1 or "地" not in last:
        return last
    import jieba.posseg as pseg

    jieba_module()
    words = [(w.word, w.flag) for w in pseg.cut(last)]
    at = next((i for i, (w, f) in enumerate(words) if w == "地" and f.startswith("u")), 0)
    head = "".join(w for w, _ in words[: at - 1]) if at >= 2 else ""
    return head if len(head) >= 2 else last


def _item(text: str, first: bool = False) -> str:
    """An item without leading verbs of the clause or a trailing quoted name (推进良田 → 良田 is
    left to the caller; only the quotes and brackets are taken off)."""
    if first:  # (namely: 即A、B和C)
        text = re.sub(rf"^(?:{NAMELY})(?=[\u4e00-\u9fff]{{2}})", "", text)
    if first and re.search(r"“[^”]*”[\u4e00-\u9fff]{4}", text):  # a name before the items
        text = text[text.rindex("”") + 1:]  # (实施“一业一策”支持发展A、B → 支持发展A)
    # the name after the items (良制“五良”融合: a count, or words after it), not a quoted word
    # that ends the item (X“Y”)
    text = re.sub(r"(?<=.)(?:“[^”]*”(?=[\u4e00-\u9fff]).*$|“[^”]*[一二两三四五六七八九十\d][^”]*”.*$)", "", text)
    text = text.strip(" \"'（）()")
    # (quotes around a part of the item stay: X“Y”, “Z”建设; a stray one goes)
    if text.count("“") != text.count("”"):
        text = text.strip("“”")
    return text
