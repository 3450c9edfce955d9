"""The terms of an English question, in the reports' Chinese words: the glossary's phrases,
then pairs of words the dictionary glosses as one word, then each other content word
(``english_words``); the words of the question's frame (what, report, target…) are none."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.english_words import american_spelling, singular
from assistant.glossary import alternatives, english_glosses, english_phrases, ies_singular

if TYPE_CHECKING:
    from assistant.question import Term, Vocabulary

# (assistant.question imports this module: its Term and QUESTION_GENERIC are imported where used)

_EN_STOP = frozenset(
    "the a an of in on at to for by and or is are was were be been did does do what which who whom how "
    "much many when where why this that these those its it's their his her with from as about according "
    "report city government will should would could can has have had "
    "shown show shows showed depicted pictured photo photos picture pictures image images "
    "fast faster quickly above below more less than over under per each any some all there they them we our "
    "us you your one first last next year years kind kinds type types way ways thing things main "
    "specific exactly approximately around roughly say says said mention mentioned mentions plans "
    "planned planning going tell me list describe explain please aim aims aiming intend intends key major "
    "work province provincial region autonomous municipality china china's chinese national country "
    "nationwide set share proportion percentage percent rate ratio figure figures regarding concerning "
    "related relating during through since into under within between promise promised pledge pledged total overall whole entire "
    "combined altogether cumulative cumulatively "
    # a count of the things asked is read by the planner, it is no word of the answer
    "two three four five six seven eight nine ten eleven twelve "
    # words of how a figure is asked (how long, what level, in units of, the volume of), not of what
    "long far level levels unit units volume meet met reach reached reaches reaching "
    # verbs of what a report does with its words (names, proposes, sets out)
    "name names named propose proposes proposed outline outlines outlined out stated states reported reporting "
    # words of when (at the end of the year, by the end of)
    "end beginning start".split()
)


# "X-to-Y ratio" (deficit-to-GDP ratio) measures X: Y is its denominator, not what is asked.
_EN_DENOMINATOR_RE = re.compile(r"\b([a-z]+)[- ]to[- ][a-z]+(?=\s+ratio)", re.I)
_EN_REPORT_NAME_RE = re.compile(r"\b(?:national|provincial|state council'?s?)\s+(?:(?:government|work)\s+)*reports?\b", re.I)


_EN_ORDINALS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
                "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth").split()
# The Nth Five-Year Plan (period): the reports' “N五” (七五, 十四五).
_EN_FIVE_YEAR_PLAN_RE = re.compile(
    rf"\b(?:the\s+)?({'|'.join(_EN_ORDINALS)}|\d{{1,2}}(?:st|nd|rd|th))\s+five[- ]year(?:\s+(?:plan|period))*\b", re.I)


def _plan_term(match: re.Match[str]) -> Term:
    """The term of a five-year plan named in English: ``“七五”``, also written 第七个五年计划."""
    import cn2an

    from assistant.question import Term

    ordinal = match.group(1).lower()
    n = _EN_ORDINALS.index(ordinal) + 1 if ordinal in _EN_ORDINALS else int(re.sub(r"\D", "", ordinal))
    numeral = cn2an.an2cn(n)
    return Term(f"{numeral}五", (f"{numeral}五", f"第{numeral}个五年计划", f"第{numeral}个五年规划"))


def _en_stop(word: str) -> bool:
    """A word of the question's frame, also in the plural (reports)."""
    w = word.lower()
    return w in _EN_STOP or singular(w) in _EN_STOP


def _rendered_term(renderings: tuple[str, ...]) -> Term:
    """One term for Chinese renderings of English words: the first, matched by any of them and
    their synonyms."""
    from assistant.question import Term

    return Term(renderings[0], tuple(dict.fromkeys(a for r in renderings for a in alternatives(r))))


def _dictionary_pairs(raw: list[str], words: list[str], phrases: list[str],
                      vocabulary: Vocabulary | None) -> tuple[list[Term], list[str]]:
    """Two adjacent content words that the dictionary glosses as one Chinese word (fixed
    asset → 固定资产) are one term, the second word's own renderings among its alternatives
    (the head of the compound: a report may name the thing by the head's word alone); the words
    left to render one by one."""
    if vocabulary is None:
        return [], words
    content = set(words)
    terms: list[Term] = []
    used: set[str] = set()
    for first, second in zip(raw, raw[1:], strict=False):
        # (a particle, up or on, makes a verb of many senses: give up, carry on)
        if first not in content or second not in content or first in used or second in used \
                or min(len(first), len(second)) <= 2 \
                or any(w.lower() in p for p in phrases for w in (first, second)):
            continue
        rendered = vocabulary.english.render_pair(first, second)
        if rendered:
            terms.append(_rendered_term((*rendered, *vocabulary.english.render(second))))
            used |= {first, second}
    return terms, [w for w in words if w not in used]


def english_terms(text: str, names: set[str], vocabulary: Vocabulary | None = None) -> list[Term]:
    """One term per English phrase the glossary renders (matched by any of its glosses and
    their synonyms), then the other content words (without possessives, and without the place
    names, which the question's places carry): in the corpus's Chinese words when the
    dictionary has them (``english_words``), else as they are."""
    from assistant.question import QUESTION_GENERIC, Term

    # (the words that name the report, national government work report, are no terms; a
    # British spelling is read as the dictionary's American one)
    text = american_spelling(text)
    text = _EN_DENOMINATOR_RE.sub(r"\1", _EN_REPORT_NAME_RE.sub(" ", text))
    plans = [_plan_term(m) for m in _EN_FIVE_YEAR_PLAN_RE.finditer(text)]
    text = _EN_FIVE_YEAR_PLAN_RE.sub(" ", text)
    # (a word without its possessive, or the closing quote of a quoted term: 'X Y')
    raw = [re.sub(r"'s$", "", w).rstrip("'-") for w in re.findall(r"[A-Za-z][A-Za-z'-]+|[^A-Za-z\s]", text)]
    words = [w for w in raw if w[:1].isalpha() and not _en_stop(w) and w.lower() not in names]
    openers = set(re.findall(r"(?:^|[.?!:]\s+)([A-Z][a-z'-]+)", text.strip()))
    phrases = english_phrases(text)
    glosses = [g for g in english_glosses(phrases) if g[0] not in QUESTION_GENERIC]
    terms = [*plans, *(_rendered_term(g) for g in glosses)]
    paired, words = _dictionary_pairs(raw, words, phrases, vocabulary)
    terms += paired
    for word in words:
        # (a word read in a phrase, also a plural in -ies read as its singular: activities of activity)
        if len(word) <= 2 or any(w in p for p in phrases for w in (word.lower(), ies_singular(word.lower()))) \
                or re.fullmatch(r"(?:19|20)\d\d", word):
            continue
        if "-" in word and vocabulary is not None and not vocabulary.english.render(word):
            # a hyphenated compound the dictionary lacks: its parts, each as a word
            parts = [w for w in word.split("-") if not _en_stop(w) and w.lower() not in names]
            terms += english_terms(" ".join(parts), names, vocabulary) if parts else []
            continue
        # a capitalised word is a name (its place is in the question's places), unless it opens a
        # sentence (Looking back…); others are rendered
        name = word[:1].isupper() and word not in openers
        rendered = vocabulary.english.render(word.lower() if word in openers else word) \
            if vocabulary is not None and not name else ()
        if rendered:
            terms.append(_rendered_term(rendered))
        else:
            terms.append(Term(word, (word,)))
    # Chinese words an English question quotes ('X', (Y)) are the reports' own words
    terms += [Term(w, alternatives(w)) for w in re.findall(r"[\u4e00-\u9fff]{2,}", text)]
    unique: dict[str, Term] = {}
    for term in terms:  # one term per rendering, the first kept
        unique.setdefault(term.text, term)
    return list(unique.values())
