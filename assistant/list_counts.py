"""How many items a question asks for, and whether an English question asks for several
things: the count words of list questions (哪四个, 八方面, 三大; nine areas), kept apart from
the planner that reads them."""

from __future__ import annotations

import re

from common.textutils import chinese_to_number

# The measure words that count the items of a list (哪几个, 三大, 八方面).
MEASURE_WORD = r"(?:个|项|条|类|大|方面|点|件|种|场|批|块|步)"
_COUNT_RE = re.compile(rf"(?:哪|这)?(?<!第)([一二两三四五六七八九十\d]+){MEASURE_WORD}")  # (第三个: an ordinal, no count)
QUOTED_SPAN_RE = re.compile(r"“[^”]{1,20}”")

_EN_NUMBERS = {w: n for n, w in enumerate("two three four five six seven eight nine ten eleven twelve".split(), start=2)}
# An English count of items: a number word or digits before up to two words and a plural
# noun of parts (nine areas of work, the three main tasks, 10 livelihood projects).
_EN_COUNT_RE = re.compile(r"\b(" + "|".join(_EN_NUMBERS) + r"|\d{1,2})\s+(?:[a-z-]+\s+){0,2}?"
                          r"(?:areas|aspects|tasks|items|measures|parts|points|priorities|projects|principles|"
                          r"fields|sectors|industries|goals|targets|steps|things)\b", re.I)


# An English question for several things: which / what, up to five words ending in a noun,
# then the question's verb (Which N <adjective> <nouns> does…, In which <nouns> will…); a list
# when that noun is plural (``_plural``), one thing when not (What target did…).
_EN_WHICH_RE = re.compile(r"\b(?:which|what)\s+(?:[a-z-]+\s+){0,5}?([a-z-]+)\s+(?:(?:of|for)\s+[a-z ,-]+?\s+)?"
                          r"(?:does|do|did|are|were|will|would|should|shall|must|has|have|had|can|could|is|was)\b",
                          re.I)


def _plural(word: str) -> bool:
    """An English noun in the plural: its lemma as a noun is shorter (projects → project)."""
    import lemminflect

    w = word.lower()
    lemmas = lemminflect.getAllLemmas(w).get("NOUN") or lemminflect.getAllLemmasOOV(w, "NOUN").get("NOUN", ())
    return any(lemma != w and w.startswith(lemma[:3]) for lemma in lemmas)


def asks_english_list(text: str) -> bool:
    """An English question that asks which things (a plural noun after which / what)."""
    return any(_plural(m.group(1)) for m in _EN_WHICH_RE.finditer(text))


def count_in(text: str) -> int:
    """The count a text states of items (哪四个, 八方面, 三大; nine areas): 0 when none."""
    english = _EN_COUNT_RE.search(text)
    if english is not None:
        word = english.group(1).lower()
        return int(word) if word.isdigit() else _EN_NUMBERS[word]
    # (not a number inside a quoted name, “一X两Y”; a list has two items or more)
    plain = QUOTED_SPAN_RE.sub("", text)
    for m in _COUNT_RE.finditer(plain):
        # (the count of a whole the question picks a part of, 在N个方面中，A包括哪几项: not the
        # count of the items asked)
        if re.match(r"[^，,。；;？?]{0,12}?之?中[，,]", plain[m.end():]):
            continue
        raw = m.group(1)
        value = int(raw) if raw.isdigit() else int(chinese_to_number(raw) or 0)
        if value >= 2:
            return value
    return 0
