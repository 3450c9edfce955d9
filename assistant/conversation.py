"""Multi-turn: follow-ups become standalone questions.

``history`` is the chat so far as ``{"role": "user"|"assistant", "content": …}`` messages,
oldest first. Each earlier user turn is made standalone in order (so a follow-up of a
follow-up works), then the new question is rewritten against the last standalone question
and the answer given to it.

Rules (used alone in ``extractive`` mode, and as the check of the LLM rewrite otherwise):
* a new year (``那2022年呢？``) replaces the year of the previous question;
* a comparison with another year (``和去年比呢？``) asks the previous question for that year;
* an ordinal (``那第二个呢？``) picks that item of the list in the previous answer (or
  replaces the ordinal of the previous question);
* a follow-up without content of its own (``具体有哪些措施？``) carries the previous topic;
* ``那X呢？`` puts X in place of the previous question's subject.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.question import QUESTION_GENERIC, chinese_terms, places_in
from common.textutils import chinese_to_number, normalize_width, strip_markers
from common.timeref import explicit_years

_YEAR_RE = re.compile(r"(?:19|20)\d\d\s*年(?:度)?|今年|本年|去年|上年|前年|明年")
_RELATIVE = {"今年": 0, "本年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}
_FOLLOW_START = re.compile(r"^(?:那么?|那个|还有|另外|再|其中|这|它|他们|和|跟|与|同|比|相比|较|具体|详细|为什么|为何|怎么|如何)")
_COMPARE_RE = re.compile(r"^(?:和|跟|与|同|比|较|相比)(?:于)?\s*(去年|上年|前年|今年|明年|(?:19|20)\d\d\s*年)\s*(?:相?比(?:较)?|对比)?")
_ORDINAL_RE = re.compile(r"第\s*([一二两三四五六七八九十\d]{1,3})\s*(?:个|项|条|点|种|类|方面|件)?")
_TAIL_RE = re.compile(r"[？?！!。，,\s]*$")
_LEAD_RE = re.compile(r"^(?:那么|那|还有|另外|再问一下|再)\s*")
_ASK_RE = re.compile(r"(是多少|是什么|有哪些|有什么|是哪些|是哪个|多少|几[个项家]?|如何|怎么样|怎样|吗|呢)[？?]?$")

Message = dict[str, str]
Rewriter = Callable[[str, list[Message]], str]


def _ordinal(text: str) -> int | None:
    m = _ORDINAL_RE.search(text)
    if not m:
        return None
    raw = m.group(1)
    value = int(raw) if raw.isdigit() else chinese_to_number(raw)
    return int(value) if value else None


def content_terms(text: str) -> list[str]:
    """Words that say what a question is about (not how it asks)."""
    core = _YEAR_RE.sub(" ", _ORDINAL_RE.sub(" ", text))
    return [t for t in chinese_terms(core) if t not in QUESTION_GENERIC and t not in ("相比", "比较", "对比")]


def is_followup(question: str) -> bool:
    q = normalize_width(question.strip())
    if _COMPARE_RE.match(q) or (_ordinal(q) and len(q) <= 12):
        return True
    if not content_terms(q):
        return True
    return bool(_FOLLOW_START.match(q) and (q.rstrip("？?").endswith("呢") or len(q) <= 10))


def _with_year(question: str, year: str) -> str:
    """``question`` asking about ``year`` (``2022年`` or ``去年``) instead of its own year."""
    if _YEAR_RE.search(question):
        return _YEAR_RE.sub(year, question, count=1)
    return f"{year}{question}"


def _shift_year(question: str, target: str) -> str:
    """The previous question for the compared year: ``和去年比`` of a 2023 question → 2022."""
    m = _YEAR_RE.search(question)
    delta = _RELATIVE.get(target)
    if m and delta is not None:
        found = m.group()
        years = explicit_years(found)
        if years:
            return _with_year(question, f"{years[0] + delta}年")
        base = _RELATIVE.get(found, 0)
        rel = {0: "今年", -1: "去年", -2: "前年", 1: "明年"}.get(base + delta)
        if rel:
            return _with_year(question, rel)
    return _with_year(question, target)


def list_items(answer: str) -> list[str]:
    """Items enumerated in an answer (``一是…二是…``, ``A、B和C``, ``A；B``)."""
    text = strip_markers(answer)
    numbered = [p.strip("，,；;。 ") for p in re.split(r"[一二三四五六七八九十]是", text)]
    if len(numbered) >= 3:
        return [p for p in numbered[1:] if p]
    best: list[str] = []
    for clause in re.split(r"[；;。，,]", text):
        items = [i.strip() for i in re.split(r"、|以及|和|及", clause) if i.strip()]
        if len(items) > len(best):
            best = items
    if len(best) >= 2:
        best[-1] = best[-1].split("等")[0] or best[-1]  # the list ends at 等
        return best
    parts = [p.strip("。 ") for p in re.split(r"[；;]", text) if p.strip("。 ")]
    return parts if len(parts) >= 2 else []


def _topic(question: str) -> str:
    """The previous question without its question words and final punctuation."""
    q = _TAIL_RE.sub("", question)
    return _ASK_RE.sub("", q).rstrip("，,的") or q


def _subject_swap(previous: str, new: str) -> str:
    """``那X呢？`` after a question about Y: the previous question with X in Y's place."""
    places = places_in(new)
    old_places = places_in(previous)
    if places and old_places:
        return previous.replace(old_places[0], places[0], 1)
    quoted = re.findall(r"“[^”]+”", previous)
    old_terms = quoted or sorted(
        (t for t in content_terms(previous) if t not in old_places), key=len, reverse=True
    )
    if old_terms:
        return previous.replace(old_terms[0], new, 1)
    return f"{new}：{previous}"


def rule_rewrite(question: str, previous: str, previous_answer: str = "") -> str:
    """A standalone version of ``question`` given the previous standalone question and answer."""
    q = normalize_width(question.strip())
    if not previous or not is_followup(q):
        return question.strip()
    prev = previous.strip()
    m = _COMPARE_RE.match(q)
    if m:
        return _shift_year(prev, re.sub(r"\s+", "", m.group(1)))
    rest = _TAIL_RE.sub("", _LEAD_RE.sub("", q))
    rest = re.sub(r"呢$", "", rest).strip()
    years = [y.group() for y in _YEAR_RE.finditer(rest)]
    n = _ordinal(rest)
    terms = content_terms(rest)
    if n is not None and not terms:
        old = _ordinal(prev)
        if old is not None:
            return _ORDINAL_RE.sub(lambda mm: mm.group().replace(mm.group(1), str(n)), prev, count=1)
        items = list_items(previous_answer)
        if 1 <= n <= len(items):
            return f"{items[n - 1]}有哪些具体内容？"
        return f"{_topic(prev)}中的第{n}项是什么？"
    if years and not terms:
        return _with_year(prev, years[0].replace(" ", ""))
    if not terms:
        # No content of its own: carry the topic (具体有哪些措施？ → <topic>，具体有哪些措施？).
        return f"{_topic(prev)}，{q}"
    if rest and re.match(r"^(?:那么?|还有|另外)", q) and q.rstrip("？?").endswith("呢"):
        swapped = _subject_swap(prev, rest)
        return _with_year(swapped, years[0]) if years else swapped
    return question.strip()


def _turns(history: list[Message]) -> list[tuple[str, str]]:
    """(user question, the answer that followed) pairs, oldest first."""
    out: list[tuple[str, str]] = []
    for msg in history or []:
        role, content = str(msg.get("role", "")), str(msg.get("content", "") or "")
        if role == "user" and content.strip():
            out.append((content.strip(), ""))
        elif role == "assistant" and out and not out[-1][1]:
            out[-1] = (out[-1][0], content)
    return out


def standalone(question: str, history: list[Message] | None, rewriter: Rewriter | None = None) -> str:
    """The question made standalone from the chat history (rules, or ``rewriter`` checked by rules)."""
    turns = _turns(history or [])
    if not turns:
        return question.strip()
    previous, previous_answer = "", ""
    for text, answer in turns:
        previous = rule_rewrite(text, previous, previous_answer) if previous else text
        previous_answer = answer
    ruled = rule_rewrite(question, previous, previous_answer)
    if rewriter is None or not is_followup(question):
        return ruled
    try:
        proposed = rewriter(question, history or [])
    except Exception:  # the rules answer when the LLM cannot
        return ruled
    return proposed if acceptable(proposed, question, previous, ruled) else ruled


def acceptable(proposed: str, question: str, previous: str, ruled: str) -> bool:
    """Whether an LLM rewrite keeps what the rules know: one line, a question with content,
    the year and place asked about (carried over or new), no year from nowhere, and the new
    content the rules found (an item picked from a list, a swapped subject)."""
    p = normalize_width(proposed.strip())
    if not p or "\n" in p or len(p) > max(3 * len(ruled), 80) or not content_terms(p):
        return False
    allowed = set(explicit_years(f"{question} {previous} {ruled}"))
    stated = set(explicit_years(p))
    if stated - allowed:
        return False
    if not set(explicit_years(ruled)) | set(explicit_years(question)) <= stated:
        return False  # the year asked about (carried over or new) must be kept
    if not stated and any(w in ruled and w not in p for w in _RELATIVE):
        return False  # 今年/去年 … must be kept when no year replaces it
    if any(place not in p for place in places_in(ruled)):
        return False  # the place asked about must be kept
    # The rules' new content (an item picked from a list, a swapped subject) must survive.
    return all(t in p for t in content_terms(ruled) if t not in content_terms(previous) and len(t) >= 2)
