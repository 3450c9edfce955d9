"""Grounding guard: every generated answer passes here before anyone sees it.

1. The answer is split into sentences; each keeps the ``[n]`` markers written after it.
2. Every figure of a sentence (numbers, percentages, amounts, Chinese numerals with a unit)
   must occur in a sentence of a passage the sentence cites, and the words around it must be
   the words around it in the source (a true figure attached to the wrong indicator fails).
   Years must be stated by the cited passage, its headings or its document year.
3. A sentence without figures must be supported by a sentence of a cited passage.
4. A failing sentence is repaired: re-tied to the passage that does state its figure in the
   same context, or replaced by the verbatim source clauses it paraphrases; else dropped.
5. The result is decided against the extractive answer (``extractive.extract``) on the same
   passages, so a guarded answer is never less accurate than the extractive one:
   * extractive refuses for the year, place or figure checks → refusal, whatever the model said;
   * the model refuses (or nothing survives) but the evidence is strong → the extractive answer;
   * the extractive answer's content is missing from the generated one → it is appended.

Each shown sentence carries its citations (a verbatim ``quote`` sentence with offsets) and a
``verified`` flag. An answer citing nothing is never shown as grounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from langchain_core.documents import Document

from assistant.evidence import INSTRUCTION_RE, Candidate, sentence_key
from assistant.extractive import Extraction, citation_for
from assistant.glossary import alternatives
from assistant.question import QUESTION_GENERIC, Question, chinese_terms
from assistant.schema import Citation, SentenceCheck
from common.textutils import (
    Figure,
    Span,
    compact,
    figure_key,
    find_figures,
    split_clauses,
    split_sentences,
    strip_markers,
)
from common.timeref import explicit_years

# Bigram recall a sentence needs in its source sentence to count as supported by it.
MIN_SUPPORT = 0.5
# Below that but at least this much, the sentence is replaced by the source clauses it paraphrases.
MIN_REPAIR = 0.3
# A sentence with fewer letters than this besides its figures ("5个。") claims nothing checkable.
MIN_CLAIM_CHARS = 3
# How much of the words around a figure (bigrams, or terms with their synonyms) must be
# around it in the source too.
MIN_FIGURE_CONTEXT = 0.5
# Share of the extractive answer's new bigrams (not in the question) a generated answer resting
# on other sentences must contain to stand alone.
MIN_ANCHOR_RECALL = 0.6
MAX_LIST_ITEM_CHARS = 12
# A source sentence must be about the question at least this much (question terms in it, its
# heading or title) to support a generated sentence.
MIN_RELEVANCE = 0.15
REFUSAL_RE = re.compile(r"未找到|没有找到|找不到|无法回答|不能回答|无法确定|没有提[到及]|未提[到及]|没有相关|未涉及|没有涉及|not (?:found|mention)", re.I)
_MARKER_NORM = re.compile(r"[［【\[]\s*(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\s*[］】\]]")
_SENT_RE = re.compile(r"[^。！？!?\n]+(?:[。！？!?]+[”’」』）)]*)?(?:\s*\[\d{1,3}(?:,\d{1,3})*\])*|(?:\s*\[\d{1,3}(?:,\d{1,3})*\])+")
_BULLET_RE = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.、)）]|[（(]\d{1,2}[)）]|[一二三四五六七八九十]{1,2}[、.])\s*")
_PUNCT_RE = re.compile(r"[\W_]+", re.UNICODE)
_MARKER_NUMS = re.compile(r"\[(\d{1,3}(?:,\d{1,3})*)\]")


@dataclass
class GenSentence:
    """One sentence of a generated answer: its text without markers and the passages it cites."""

    plain: str
    cites: list[int]


@dataclass
class Checked:
    text: str  # sentence text without markers (possibly repaired)
    sources: list[tuple[int, Span]]  # (passage number, source sentence) it rests on
    verified: bool
    note: str = ""


@dataclass
class GuardResult:
    answer: str
    refused: bool
    citations: list[Citation]
    sentences: list[SentenceCheck]
    outcome: str  # generated | repaired | anchored | extractive | refused
    notes: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ parsing


def normalize_markers(text: str) -> str:
    """``【1】``, ``［1，2］`` and ``[1, 2]`` → ``[1,2]``."""
    return _MARKER_NORM.sub(lambda m: "[" + ",".join(re.findall(r"\d+", m.group(1))) + "]", text)


def _join_lists(text: str) -> str:
    """A header line ending in ``：`` followed by bullet lines becomes one sentence
    (``包括：A、B、C。``), so the items are checked together against their source."""
    out: list[str] = []
    in_list = False
    for line in text.split("\n"):
        item = line.strip()
        if in_list and item and _BULLET_RE.match(item):
            body = _BULLET_RE.sub("", item).rstrip("。；;，,")
            out[-1] = out[-1].rstrip("。") + ("" if out[-1].endswith(("：", ":")) else "、") + body
            continue
        in_list = item.endswith(("：", ":"))
        out.append(item)
    return "\n".join(out)


def parse(text: str) -> list[GenSentence]:
    """Sentences of a generated answer, each with the markers written inside or right after it."""
    out: list[GenSentence] = []
    for m in _SENT_RE.finditer(_join_lists(normalize_markers(text))):
        piece = m.group().strip()
        cites = [int(n) for group in _MARKER_NUMS.findall(piece) for n in group.split(",")]
        plain = _BULLET_RE.sub("", strip_markers(piece)).strip()
        if not _PUNCT_RE.sub("", plain):
            if out and cites:  # markers on their own line belong to the sentence before
                out[-1].cites.extend(c for c in cites if c not in out[-1].cites)
            continue
        out.append(GenSentence(plain, list(dict.fromkeys(cites))))
    return out


def is_refusal(sentence: str) -> bool:
    return bool(REFUSAL_RE.search(sentence))


# ------------------------------------------------------------------ similarity


def bigrams(text: str) -> set[str]:
    s = _PUNCT_RE.sub("", compact(strip_markers(text)).lower())
    if len(s) == 1:
        return {s}
    return {s[i : i + 2] for i in range(len(s) - 1)}


def recall(part: str, whole: str) -> float:
    """Share of ``part``'s character bigrams found in ``whole``."""
    a = bigrams(part)
    return len(a & bigrams(whole)) / len(a) if a else 0.0


def _without(text: str, figures: list[Figure]) -> str:
    for fig in sorted(figures, key=lambda f: f.start, reverse=True):
        text = text[: fig.start] + " " + text[fig.end :]
    return text


def _clause_around(text: str, pos: int, min_bigrams: int = 3, max_back: int = 2) -> str:
    """The clause of ``text`` holding ``pos``, extended left while it says too little."""
    clauses = split_clauses(text)
    idx = next((i for i, c in enumerate(clauses) if c.start <= pos < c.end), len(clauses) - 1)
    lo = idx
    while lo > 0 and idx - lo < max_back and len(bigrams(_strip_figs("".join(c.text for c in clauses[lo : idx + 1])))) < min_bigrams:
        lo -= 1
    return "".join(c.text for c in clauses[lo : idx + 1])


def context_match(generated: str, source: str) -> float:
    """How much of ``generated`` (words around a figure) the ``source`` says too: the larger of
    bigram recall and the share of its terms (by length) found there (with domain synonyms)."""
    terms = [t for t in chinese_terms(generated) if t not in QUESTION_GENERIC]
    norm = compact(source).lower()
    # Terms weigh by length: 一般公共预算收入 says more about which figure it is than 增长.
    total = sum(len(t) for t in terms)
    found = sum(len(t) for t in terms if any(compact(a).lower() in norm for a in alternatives(t)))
    share = found / total if total else 0.0
    return max(recall(generated, source), share)


def _strip_figs(text: str) -> str:
    return _without(text, find_figures(text))


def _letters(text: str) -> int:
    return sum(1 for ch in strip_markers(text) if ch.isalnum())


def same_figure(said: Figure, source: Figure) -> bool:
    """The same value in the same unit; a figure said without a unit (``1100万``) matches the
    same value with one (``1100万人``): it claims nothing about the unit."""
    said_value, said_unit = figure_key(said)
    src_value, src_unit = figure_key(source)
    return said_value == src_value and (said_unit == src_unit or not said_unit)


def _non_year(figs: list[Figure]) -> list[Figure]:
    return [f for f in figs if not f.is_year]


_QUALIFIER_RE = re.compile(r"以上|左右|以下|以内|之内|上下|多|余")


def _figure_text(answer: str) -> str:
    """An answer's text where its figures are: no citation markers, no list numbering."""
    return compact(re.sub(r"(?m)^\s*\d+[.、．]\s*", "", strip_markers(answer)))


def _figures_kept_whole(extractive: str, generated: str, have: set[tuple[float, str]]) -> bool:
    """Every figure of the extractive answer is in the generated text, with the qualifier that
    follows it (1100万人以上 is a range target: 1100万人 alone says something else)."""
    for fig in _non_year(find_figures(extractive)):
        if figure_key(fig) not in have:
            return False
        qualifier = _QUALIFIER_RE.match(extractive, fig.end)
        if qualifier and compact(fig.text + qualifier.group(0)) not in generated:
            return False
    return True


# ------------------------------------------------------------------ the guard


class Guard:
    """Checks generated answers against the passages they were given (numbered from 1)."""

    def __init__(self, qa: Question, passages: list[Document], pool: list[Candidate]) -> None:
        self.qa = qa
        self.passages = passages
        self.sentences: dict[int, list[Span]] = {
            n: [s for s in split_sentences(doc.page_content) if not INSTRUCTION_RE.search(s.text)]
            for n, doc in enumerate(passages, start=1)
        }
        self.pool = {sentence_key(c.doc, c.sentence): c for c in pool}

    def candidate(self, n: int, sent: Span) -> Candidate | None:
        return self.pool.get(sentence_key(self.passages[n - 1], sent))

    # -------------------------------------------------------------- figures
    def _years_of(self, n: int) -> set[int]:
        doc = self.passages[n - 1]
        meta = doc.metadata
        text = f"{doc.page_content} {meta.get('section', '')} {meta.get('title', '')}"
        years = set(explicit_years(text))
        doc_year = int(meta.get("year") or 0)
        if doc_year:
            years |= {doc_year, doc_year - 1}
        return years

    def _figure_source(self, sentence: str, fig: Figure, cites: list[int]) -> tuple[int, Span] | None:
        """A sentence of a cited passage stating ``fig`` with the same words around it."""
        context = _clause_around(sentence, fig.start)
        want = _strip_figs(context)
        best: tuple[float, int, Span] | None = None
        for n in cites:
            for sent in self.sentences.get(n, []):
                for src in find_figures(sent.text):
                    if not same_figure(fig, src):
                        continue
                    around = _clause_around(sent.text, src.start, min_bigrams=6)
                    heading = str(self.passages[n - 1].metadata.get("section", ""))
                    score = context_match(want, f"{_strip_figs(around)} {heading}") if bigrams(want) else 1.0
                    if best is None or score > best[0]:
                        best = (score, n, sent)
        if best is None or best[0] < MIN_FIGURE_CONTEXT:
            return None
        return best[1], best[2]

    def _support(self, sentence: str, cites: list[int]) -> tuple[float, int, Span] | None:
        best: tuple[float, int, Span] | None = None
        for n in cites:
            for sent in self.sentences.get(n, []):
                score = recall(sentence, sent.text)
                if best is None or score > best[0]:
                    best = (score, n, sent)
        return best

    def check(self, gen: GenSentence) -> Checked:
        """Verify one sentence against the passages it cites; repair it when it fails."""
        if _letters(_strip_figs(gen.plain)) < MIN_CLAIM_CHARS:
            return Checked(gen.plain, [], False, note=f"dropped (a fragment): {gen.plain!r}")
        valid = [n for n in gen.cites if 1 <= n <= len(self.passages)]
        everywhere = list(range(1, len(self.passages) + 1))
        result = self._verify(gen.plain, valid)
        if result is not None:
            return result
        # Repair 1: the same sentence, tied to the passage(s) that really state it.
        others = [n for n in everywhere if n not in valid]
        result = self._verify(gen.plain, others)
        if result is not None:
            result.note = f"re-cited: [{','.join(map(str, valid)) or '-'}] → [{','.join(str(n) for n, _ in result.sources)}]"
            return result
        # Repair 2: the source sentence it paraphrases, quoted (its own clause window).
        support = self._support(_strip_figs(gen.plain), valid or everywhere)
        if support is not None and support[0] >= MIN_REPAIR and self.relevant(support[1], support[2]):
            _, n, sent = support
            cand = self.candidate(n, sent)
            text = (cand.window.text if cand else sent.text).strip().rstrip("，,；;。：:")
            return Checked(text, [(n, sent)], True, note=f"repaired from source [{n}]: {gen.plain!r}")
        return Checked(gen.plain, [], False, note=f"dropped: {gen.plain!r}")

    def _verify(self, plain: str, cites: list[int]) -> Checked | None:
        if not cites:
            return None
        figures = find_figures(plain)
        sources: list[tuple[int, Span]] = []
        for fig in figures:
            if fig.is_year:
                if not any(int(fig.value) in self._years_of(n) for n in cites):
                    return None
                continue
            found = self._figure_source(plain, fig, cites)
            if found is None:
                return None
            if found not in sources:
                sources.append(found)
        if not sources:
            support = self._support(_without(plain, figures), cites)
            if support is None or support[0] < MIN_SUPPORT:
                return None
            sources.append((support[1], support[2]))
        if not all(self.relevant(n, sent) for n, sent in sources):
            return None
        return Checked(plain, sources, True)

    def relevant(self, n: int, sent: Span) -> bool:
        cand = self.candidate(n, sent)
        return cand is not None and cand.context_coverage >= MIN_RELEVANCE

    # -------------------------------------------------------------- decision
    def review(self, generated: str, extraction: Extraction) -> GuardResult:
        notes: list[str] = []
        parsed = parse(generated)
        claims = [g for g in parsed if not is_refusal(g.plain)]
        model_refused = not claims
        checked = [self.check(g) for g in claims]
        notes += [c.note for c in checked if c.note]
        kept = [c for c in checked if c.verified]

        if extraction.refused:
            notes.append("extractive evidence refuses" + ("" if model_refused else "; model answer withheld"))
            return GuardResult(extraction.answer, True, [], [], "refused", notes)
        if not kept:
            notes.append("model refused" if model_refused else "no generated sentence could be verified")
            return self._compose([], extraction, "extractive", notes)
        outcome = "repaired" if len(kept) < len(checked) or any(c.note for c in kept) else "generated"
        covered = self.covers(kept, extraction)
        return self._compose(kept, None if covered else extraction, outcome if covered else "anchored", notes)

    def covers(self, kept: list[Checked], extraction: Extraction) -> bool:
        """Whether the generated sentences already say what the extractive answer says: the
        figure it found and, when they rest on the same source sentence, one of its quoted
        terms; otherwise all its quoted terms, listed items and most of its new wording."""
        text = compact(" ".join(c.text for c in kept))
        have = {figure_key(f) for f in find_figures(text)}
        if any(c.figure is not None and figure_key(c.figure) not in have for c in extraction.chosen):
            return False
        if not _figures_kept_whole(_figure_text(extraction.answer), text, have):
            return False
        windows = [c.window.text for c in extraction.chosen]
        quoted = [compact(q) for w in windows for q in re.findall(r"“([^”]{1,30})”", w)]
        chosen = {sentence_key(c.doc, c.sentence) for c in extraction.chosen}
        if any(sentence_key(self.passages[n - 1], sent) in chosen for c in kept for n, sent in c.sources):
            return not quoted or any(q in text for q in quoted)
        if any(q not in text for q in quoted):
            return False
        if not self.qa.wants_number and any(compact(i) not in text for w in windows for i in list_items(w)):
            return False
        novel = bigrams(" ".join(windows)) - bigrams(self.qa.text)
        return bool(novel) and len(novel & bigrams(text)) / len(novel) >= MIN_ANCHOR_RECALL

    def _compose(
        self, kept: list[Checked], extraction: Extraction | None, outcome: str, notes: list[str]
    ) -> GuardResult:
        citations: list[Citation] = []
        index: dict[tuple[str, int], int] = {}
        parts: list[str] = []
        checks: list[SentenceCheck] = []
        for item in kept:
            if any(c.text.startswith(item.text.rstrip("。！？!?；;，,：:")) for c in checks):
                continue  # the same sentence twice (two paraphrases repaired to one source)
            ns: list[int] = []
            for n, sent in item.sources:
                key = sentence_key(self.passages[n - 1], sent)
                if key not in index:
                    index[key] = len(citations) + 1
                    citations.append(self._citation(index[key], n, sent))
                ns.append(index[key])
            body = item.text.rstrip("。！？!?；;，,：:")
            marks = "".join(f"[{k}]" for k in ns)
            parts.append(f"{body}{marks}。")
            checks.append(SentenceCheck(text=f"{body}{marks}。", citations=ns, verified=item.verified))
        if extraction is not None:
            number: dict[int, int] = {}
            for c in extraction.citations:
                same = next((o.n for o in citations if (o.doc_id, o.text, o.start, o.end) == (c.doc_id, c.text, c.start, c.end)), None)
                if same is None:
                    same = len(citations) + 1
                    citations.append(c.model_copy(update={"n": same}))
                number[c.n] = same
            text = _MARKER_NUMS.sub(
                lambda m: "[" + ",".join(str(number.get(int(x), int(x))) for x in m.group(1).split(",")) + "]",
                extraction.answer,
            )
            parts.append(text)
            checks += extractive_sentences(text)
        return GuardResult("".join(parts), False, citations, checks, outcome, notes)

    def _citation(self, n_out: int, n: int, sent: Span) -> Citation:
        cand = self.candidate(n, sent)
        doc = self.passages[n - 1]
        if cand is not None and cand.doc is doc:
            return citation_for(n_out, cand)
        fake = Candidate(doc, n - 1, sent, sent, set(), 0.0, 0.0, 0.0, None)
        return citation_for(n_out, fake)


def list_items(text: str) -> list[str]:
    """Short items enumerated with ``、`` in a clause (``物流、建筑、文旅等``)."""
    items: list[str] = []
    for clause in split_clauses(strip_markers(text)):
        if "、" not in clause.text:
            continue
        parts = clause.text.strip("，,；;。：: ").split("、")
        if len(parts) < 3:
            continue  # "A、B" is as often a pair of names as a list
        # Inner parts are items (cut at 等 / 和 where a list ends); the first part shares its
        # clause with the words before the list and is left out.
        for part in parts[1:]:
            item = re.split(r"等|和|及", part)[0]
            if 1 < len(item) <= MAX_LIST_ITEM_CHARS:
                items.append(item)
    return items


def extractive_sentences(answer: str) -> list[SentenceCheck]:
    """Sentences of an extractive answer: verbatim clauses of their quotes, verified by construction."""
    out = []
    for m in _SENT_RE.finditer(normalize_markers(answer)):
        piece = m.group().strip()
        if not _PUNCT_RE.sub("", strip_markers(piece)):
            continue
        cites = [int(n) for group in _MARKER_NUMS.findall(piece) for n in group.split(",")]
        out.append(SentenceCheck(text=piece, citations=list(dict.fromkeys(cites)), verified=bool(cites)))
    return out
