"""Two figures asked in one English question, each by its own interrogative: ``how many X, and
how many Y``. Each ask becomes a question of its own, with the words before the first ask
(``According to the 1983 report,``) and the clause after the last (``, according to …``),
which belong to both; the planner answers them as parts, as it does the Chinese
``多少X、多少Y``."""

from __future__ import annotations

import re

_ASK_RE = re.compile(r"\bhow\s+(?:many|much)\b", re.I)
# (the second ask after "and", with a hedge before it: …, and roughly how many…)
_SECOND_ASK_RE = re.compile(r",?\s+and\s+(?:(?:roughly|approximately|about|around|nearly)\s+)?(?=how\s+(?:many|much)\b)",
                            re.I)
# the clause that names the source, after the asks: …, according to X's 2025 government work report?
_SOURCE_TAIL_RE = re.compile(r",\s*(?:according to|as stated in|as reported in)\b[^?]*$", re.I)
_LABEL_WORDS = 6
# An ask going straight on to its verb (how many had received…, how many did it have) counts
# the thing the first ask named (how many people had been awarded…): that noun is carried over.
_AUXILIARY = r"(?:did|do|does|had|have|has|were|was|is|are|will|would|could)"
_NOUN_THEN_VERB_RE = re.compile(rf"^how\s+(?:many|much)\s+(.+?)\s+{_AUXILIARY}\b", re.I)
_VERB_AT_ONCE_RE = re.compile(rf"^(how\s+(?:many|much))\s+(?={_AUXILIARY}\b)", re.I)


def english_asks(text: str) -> list[str]:
    """The two asks of ``text`` as whole questions, or none when it asks one figure (or more
    than two, or no figure by how many/much)."""
    text = text.strip()
    seconds = list(_SECOND_ASK_RE.finditer(text))
    if len(seconds) != 1:
        return []
    second_at = seconds[0]
    first_at = _ASK_RE.search(text, 0, second_at.start())
    if first_at is None or _ASK_RE.search(text, first_at.end(), second_at.start()):
        return []
    lead = text[: first_at.start()]
    first = text[first_at.start(): second_at.start()]
    rest = text[second_at.end():].rstrip("?？ ")
    tail_at = _SOURCE_TAIL_RE.search(rest)
    tail = tail_at.group(0) if tail_at else ""
    second = rest[: tail_at.start()] if tail_at else rest
    named = _NOUN_THEN_VERB_RE.match(first)
    if named is not None:
        second = _VERB_AT_ONCE_RE.sub(lambda m: f"{m.group(1)} {named.group(1)} ", second, count=1)
    asks = [f"{lead}{first}{tail}?", f"{lead}{second}{tail}?"]
    return [a[0].upper() + a[1:] for a in asks]


def ask_label(ask: str) -> str:
    """A short name of what an ask is about: its first words after how many/much."""
    at = _ASK_RE.search(ask)
    words = re.findall(r"[A-Za-z'’-]+", ask[at.end():] if at else ask)
    return " ".join(words[:_LABEL_WORDS])
