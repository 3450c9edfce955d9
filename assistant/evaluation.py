"""``planqa eval``: score answers against a gold JSONL, one question per line:

* ``question`` (required);
* ``answer_all`` (required): keywords a correct answer contains, all of them; ``[]`` means the
  documents do not answer and the question must be refused;
* ``evidence`` (optional): a substring of the sentence that should be cited;
* ``source_contains`` (optional): a substring of the cited document's source or title, checked
  with ``evidence``;
* ``sources`` (optional): substrings of sources or titles that must each be cited;
* ``id`` (optional), and any other fields (ignored).

A file whose lines carry no gold field is refused with an error (it would score every question
as must-refuse). Rendering (table, Markdown, per-question JSONL) is in ``eval_report.py``."""

from __future__ import annotations

import json
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.schema import Answer
from common.errors import InputError
from common.textutils import Figure, compact, figure_key, find_figures, strip_markers

GOLD_FIELDS = ("answer_all", "evidence", "source_contains", "sources")


@dataclass
class ItemResult:
    id: str
    question: str
    answerable: bool
    correct: bool
    refused: bool
    evidence_cited: bool | None  # None: no evidence given (or must refuse)
    verbatim: bool
    numbers_quoted: bool
    latency_ms: float
    answer: str
    expected: list[str] = field(default_factory=list)
    sources_cited: bool | None = None  # None: no ``sources`` given
    quotes: list[str] = field(default_factory=list)
    cold: bool = False  # the first question of the run (models and indexes loading)

    @property
    def checks(self) -> dict[str, bool | None]:
        return {"correct": self.correct, "evidence_cited": self.evidence_cited, "sources_cited": self.sources_cited,
                "citations_verbatim": self.verbatim, "figures_in_quotes": self.numbers_quoted}

    @property
    def failed_checks(self) -> list[str]:
        return [name for name, ok in self.checks.items() if ok is False]

    def record(self) -> dict[str, Any]:
        """One line of the per-question JSONL."""
        return {"id": self.id, "question": self.question, "expected": self.expected,
                "must_refuse": not self.answerable, "answer": self.answer, "refused": self.refused,
                "checks": self.checks, "passed": not self.failed_checks, "quotes": self.quotes,
                "latency_ms": round(self.latency_ms, 1), "cold": self.cold}


@dataclass
class EvalResult:
    name: str
    mode: str
    items: list[ItemResult] = field(default_factory=list)

    def _share(self, values: list[bool]) -> tuple[int, int]:
        return sum(values), len(values)

    @property
    def metrics(self) -> dict[str, tuple[int, int]]:
        answerable = [i for i in self.items if i.answerable]
        unanswerable = [i for i in self.items if not i.answerable]
        metrics = {
            "answer accuracy (all)": self._share([i.correct for i in self.items]),
            "answer accuracy (answerable)": self._share([i.correct for i in answerable]),
            "evidence cited": self._share([bool(i.evidence_cited) for i in answerable if i.evidence_cited is not None]),
            "refusal accuracy": self._share([i.refused for i in unanswerable]),
            "false refusals": self._share([i.refused for i in answerable]),
            "citations verbatim": self._share([i.verbatim for i in self.items]),
            "figures in cited quotes": self._share([i.numbers_quoted for i in self.items]),
        }
        with_sources = [bool(i.sources_cited) for i in self.items if i.sources_cited is not None]
        if with_sources:
            metrics["sources cited"] = self._share(with_sources)
        return metrics

    @property
    def cold_ms(self) -> float | None:
        """Latency of the first question (models and indexes load on it)."""
        return next((i.latency_ms for i in self.items if i.cold), None)

    @property
    def latency(self) -> tuple[float, float]:
        """p50 and p95 of the warm questions (the cold first one excluded)."""
        values = sorted(i.latency_ms for i in self.items if not i.cold) or [0.0]
        p50 = statistics.median(values)
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        return p50, p95

    @property
    def failures(self) -> list[ItemResult]:
        return [i for i in self.items if i.failed_checks]


def contains_all(answer: str, keywords: list[str]) -> bool:
    text = compact(answer)
    return all(compact(k) in text for k in keywords)


def citations_verbatim(answer: Answer) -> bool:
    return all(c.text[c.start : c.end] == c.quote and c.quote for c in answer.citations)


_COMPUTED_RE = re.compile(r"[（(](?:计算|computed)[：:]\s*([^=）)]*)=([^）)]*)[）)]")


_ITEM_NUMBER_RE = re.compile(r"(?m)^\d+\.\s")


def difference_holds(operands: list[Figure], result: str) -> bool:
    """A computed ``a − b = r`` is arithmetic that holds: ``|a − b|`` equals the first figure
    of ``r`` (percentages differ in 个百分点), to rounding."""
    results = [f for f in find_figures(result) if not f.is_year]
    if len(operands) != 2 or not results:
        return False
    a, b = operands
    return abs(abs(a.value - b.value) - results[0].value) <= 1e-3 * max(abs(a.value - b.value), 1e-6)


def figures_quoted(answer: Answer) -> bool:
    """Every figure in a non-refused answer occurs in one of its cited quotes (years name
    periods and documents, not figures). A computed number (``（计算：8% − 5.5% = 2.5个百分点）``)
    is allowed when every operand before its ``=`` is a cited figure and the arithmetic holds."""
    if answer.refused:
        return True
    quoted = {figure_key(f) for c in answer.citations for f in find_figures(c.quote)}
    return not unquoted_figures(strip_markers(answer.answer), quoted)


def unquoted_figures(text: str, quoted: set[tuple[float, str]]) -> list[str]:
    """The figures of ``text`` (markers stripped) whose key is not in ``quoted``: a list's own
    numbering (``1. ``) is no figure, and a computed ``（计算：a − b = r）`` counts as one
    unquoted figure unless its operands are quoted and its arithmetic holds."""
    return checked_figures(text, quoted)[1]


def checked_figures(text: str, quoted: set[tuple[float, str]]) -> tuple[list[str], list[str]]:
    """(every figure of ``text``, those not verified by ``quoted``) by the rule of
    ``unquoted_figures``, read in one pass."""
    text = _ITEM_NUMBER_RE.sub("", text)
    shown: list[str] = []
    missing: list[str] = []
    for m in _COMPUTED_RE.finditer(text):
        shown.append(m.group(0))
        operands = [f for f in find_figures(m.group(1)) if not f.is_year]
        if not all(figure_key(f) in quoted for f in operands) or not difference_holds(operands, m.group(2)):
            missing.append(m.group(0))
    for f in find_figures(_COMPUTED_RE.sub("", text)):
        if not f.is_year:
            shown.append(f.text)
            if figure_key(f) not in quoted:
                missing.append(f.text)
    return shown, missing


def score_item(gold: dict[str, Any], answer: Answer, cold: bool = False) -> ItemResult:
    keywords = gold.get("answer_all") or []
    answerable = bool(keywords)
    correct = (not answer.refused and contains_all(answer.answer, keywords)) if answerable else answer.refused
    evidence = gold.get("evidence")
    cited: bool | None = None
    if answerable and evidence:
        want = gold.get("source_contains")
        cited = any(
            compact(evidence) in compact(c.quote) and (not want or want in c.source or want in c.title)
            for c in answer.citations
        )
    sources = gold.get("sources") or []
    sources_cited = (all(any(s in c.source or s in c.title for c in answer.citations) for s in sources)
                     if answerable and sources else None)
    return ItemResult(
        id=str(gold.get("id", "")), question=str(gold.get("question", "")), answerable=answerable,
        correct=correct, refused=answer.refused, evidence_cited=cited,
        verbatim=citations_verbatim(answer), numbers_quoted=figures_quoted(answer),
        latency_ms=answer.latency_ms, answer=answer.answer, expected=list(keywords),
        sources_cited=sources_cited, quotes=[c.quote for c in answer.citations], cold=cold,
    )


def read_gold(gold_file: Path) -> list[dict[str, Any]]:
    """The gold lines, or an ``InputError`` naming the file and line that is not usable."""
    items: list[dict[str, Any]] = []
    missing: list[int] = []
    for line_no, line in enumerate(gold_file.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{gold_file}: line {line_no}: not valid JSON ({exc.msg})") from exc
        if not isinstance(item, dict) or not isinstance(item.get("question"), str) or not item["question"].strip():
            raise InputError(f"{gold_file}: line {line_no}: needs a 'question' (a non-empty string)")
        if not isinstance(item.get("answer_all", []), list):
            raise InputError(f"{gold_file}: line {line_no}: 'answer_all' must be a list of keywords")
        if "answer_all" not in item:
            missing.append(line_no)
        items.append(item)
    if not items:
        raise InputError(f"{gold_file}: no questions (one JSON object per line)")
    if not any(key in item for item in items for key in GOLD_FIELDS):
        raise InputError(
            f"{gold_file}: no gold fields ({', '.join(GOLD_FIELDS)}) on any line: this is a question file, not a "
            "gold file (use `planqa batch` to answer it, or add 'answer_all': [keywords], [] for must-refuse)"
        )
    if missing:
        shown = ", ".join(str(n) for n in missing[:10]) + (" …" if len(missing) > 10 else "")
        raise InputError(f"{gold_file}: line(s) {shown} have no 'answer_all' (the keywords of a correct answer; "
                         "[] when the question must be refused)")
    return items


def evaluate(service: Any, gold_file: Path) -> EvalResult:
    items = read_gold(gold_file)
    result = EvalResult(name=gold_file.name, mode=service.settings.answer_mode)
    for n, gold in enumerate(items):
        answer = service.ask(gold["question"], id=gold.get("id"))
        result.items.append(score_item(gold, answer, cold=n == 0))
    return result
