"""What a list question names: its most specific words, present in the passages or not (a list
they lack is about something else), and the enumeration of a sentence it names (by the noun
after its items, the words before them, the count after them)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.evidence import Candidate
from assistant.list_counts import count_in
from assistant.planner import SUMMARY_TERMS
from assistant.question import Question, Term
from assistant.windows import term_matches
from common.tokens import jieba_module, tokenize

if TYPE_CHECKING:
    from langchain_core.documents import Document

    from assistant.service import PlanqaService

_NAME_REACH = 6  # characters around an enumeration where its name (head noun, verb) stands


def is_noun(word: str) -> bool:
    """A thing a list is about (a noun, by jieba's part of speech): not a verb or a word of the
    question's frame (分为, 做好, 这部分)."""
    import jieba.posseg

    jieba_module()  # initialised quietly, with the project's dictionary
    return any(pair.flag.startswith("n") for pair in jieba.posseg.cut(word))


def lacks_key_term(service: PlanqaService, q: Question, docs: list[Document]) -> bool:
    """The question's most specific words that the corpus knows (highest IDF, and a second one
    nearly as specific; not a word of what is asked, such as 举措) are in none of the retrieved
    passages: a list or section they hold is about something else (a question about X over a
    report that never says X). The second: an everyday word is rare in reports too."""
    return missing_key(service, q, docs) is not None


def missing_key(service: PlanqaService, q: Question, docs: list[Document]) -> Term | None:
    """The key word of ``lacks_key_term`` that none of the passages has, else ``None``; a name
    the corpus writes whole (X新区 of the question's X and 新区) is no term of the question."""
    vocabulary = service.vocabulary()
    # (the name of a summary section, 总体要求, is found by the outline, not by retrieval)
    # (a word followed by an aspect particle, 总结了, is a verb there whatever jieba says)
    known = [t for t in q.terms if t.weight > 0 and not t.answer_type and is_noun(t.text)
             and not re.search(re.escape(t.text) + "[了过着]", q.text)
             and not any(t.text in name for name in SUMMARY_TERMS)
             and any(vocabulary.idf_of(a) is not None for a in t.alternatives)]
    if not known or not docs:
        return None
    ranked = sorted(known, key=lambda t: t.weight, reverse=True)
    keys = [t for t in ranked[:2] if t.weight >= KEY_SPREAD * ranked[0].weight]
    compound = _compound_of(service, q, ranked[0], docs)
    if compound is not None:
        keys = [compound]  # (two words of one name, X新区: the name is the key, not its parts)
    return None if any(term_there(key, docs) for key in keys) else keys[0]


def _compound_of(service: PlanqaService, q: Question, key: Term, docs: list[Document]) -> Term | None:
    """The key word joined with a rarer word of the question right next to it that is no
    common noun and that none of the passages has, when the corpus writes the two as one name
    (X and 新区: X新区, over passages that never say X)."""
    for other in q.terms:
        if other is key or other.weight <= key.weight or is_noun(other.text) or term_there(other, docs):
            continue
        for joined in (key.text + other.text, other.text + key.text):
            if joined in q.text and service.kb.docstore.documents_containing(joined):
                return Term(joined, (joined,), key.weight)
    return None


# A second word counts as specific when its IDF is at least this share of the first's (an
# everyday word, then the report's term); a word of the genre (经济, 项目) is far below.
KEY_SPREAD = 0.6


def term_there(key: Term, docs: list[Document]) -> bool:
    """The term is in one of the passages; a compound is when each of its words is (ABCD as
    CD in one passage and AB in another), one of its words alone is not (X经济: 经济 is
    everywhere)."""
    if any(term_matches(key, d.page_content) for d in docs):
        return True
    # (a short word may abbreviate a longer one, its characters in order: 农机 of 农业机械; a
    # compound of two words may have a qualifier between them: 完成任务 of 完成各项任务)
    if 2 <= len(key.text) <= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in key.text):
        gapped = re.compile(".?".join(map(re.escape, key.text)) if len(key.text) < 4
                            else f"{re.escape(key.text[:2])}.{{0,2}}{re.escape(key.text[2:])}")
        if any(gapped.search(d.page_content) for d in docs):
            return True
    parts = [w for w in tokenize(key.text) if len(w) >= 2 and w != key.text]
    return len(parts) >= 2 and all(any(w in d.page_content for d in docs) for w in parts)


def counted_after(text: str, items: list[str], count: int) -> bool:
    """The sentence states the count asked right after the enumeration's last item (A、B、C和D四个方面)."""
    last = text.rfind(items[-1]) if items else -1
    return count == len(items) and last >= 0 and count_in(text[last + len(items[-1]) : last + len(items[-1]) + 6]) == count


def names_list(terms: Sequence[Term], text: str, items: list[str], nouns_only: bool = False) -> int:
    """Whether a question term of two or more characters stands right after the last item of
    the enumeration (2: its head noun, A、B、C等新的Y) or right before its first (1: a verb or
    the topic), else 0; ``nouns_only``: a noun (a verb such as 抓好 stands before many lists)."""
    first = text.find(items[0]) if items else -1
    if len(items) < 2 or first < 0 or text.rfind(items[-1]) < 0:
        return 0
    asked = [t for t in terms if t.weight > 0 and len(t.text) >= 2 and (not nouns_only or is_noun(t.text))]
    if head_nouns(asked, text, items):
        return 2
    before = text[max(0, first - _NAME_REACH) : first]
    return 1 if any(term_matches(t, before) for t in asked if not t.answer_type) else 0


def head_nouns(terms: Sequence[Term], text: str, items: list[str]) -> list[Term]:
    """The terms that name the enumeration by its head noun: right after its last item (A、B、C
    等新的Y), or holding the last item (A、B和C筛查), or ending each item (A优势、B优势、C优势)."""
    last = text.rfind(items[-1]) if items else -1
    if last < 0:
        return []
    end = last + len(items[-1])
    after = _ETC_RE.sub("", text[end : end + _NAME_REACH + 12])
    after = _QUOTED_LABEL_RE.sub("", after)  # (A、B等“N+M”Y: the list's label, then Y)
    after = _QUALIFIER_RE.sub("", after)[:_NAME_REACH]  # (A、B等前景广阔的Y: Y)
    return [t for t in terms if term_matches(t, after) or ends_items(t.text, items)]


def ends_items(word: str, items: list[str]) -> bool:
    """The noun that names a list ends each item (A优势、B优势、C优势), or the last item only, the
    others not having it (A、B和C筛查: the noun glued to the last item)."""
    if not items or len(items[-1]) <= len(word):
        return False
    return all(item.endswith(word) for item in items) or (
        items[-1].endswith(word) and not any(word in item for item in items[:-1]))


# The words between the last item and the noun that names the list (A、B、C等新的Y).
_ETC_RE = re.compile(r"^(?:等等|等|这些|这样的|新的|的)+")
_QUALIFIER_RE = re.compile(r"^[^，。；、：]{1,8}?的")
_QUOTED_LABEL_RE = re.compile(r"^“[^”]{1,12}”")


def enumeration_asked(q: Question, cand: Candidate, enums: list[list[str]]) -> list[str]:
    """Of a sentence's enumerations, the one the question names (a question term right before
    its first item or right after its last: 发展A、B等多种X模式 for …X…有哪些), else the longest."""
    named = [(n, items) for items in enums if (n := names_list(q.terms, cand.sentence.text, items))]
    return max(named, key=lambda e: (e[0], terms_in_items(q, e[1])))[1] if named else max(enums, key=len)


def terms_in_items(q: Question, items: list[str]) -> float:
    """The weight of the question's terms inside an enumeration's items: of two enumerations
    named alike (…A、B的X，…C、D的X), the one whose items hold more of what is asked."""
    text = "".join(items)
    return sum(t.weight for t in q.terms if t.weight > 0 and term_matches(t, text))
