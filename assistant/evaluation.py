"""``planqa eval``: score answers against a gold JSONL in the format of ``shared/eval``:
``question``, ``answer_all`` (keywords a correct answer contains; empty = must refuse),
``evidence`` (substring of the source) and optionally ``source_contains``."""

from __future__ import annotations

import json
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.schema import Answer
from common.textutils import compact, figure_key, find_figures, strip_markers


@dataclass
class ItemResult:
    id: str
    question: str
    answerable: bool
    correct: bool
    refused: bool
    evidence_cited: bool | None
    verbatim: bool
    numbers_quoted: bool
    latency_ms: float
    answer: str


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
        return {
            "answer accuracy (all)": self._share([i.correct for i in self.items]),
            "answer accuracy (answerable)": self._share([i.correct for i in answerable]),
            "evidence cited": self._share([bool(i.evidence_cited) for i in answerable if i.evidence_cited is not None]),
            "refusal accuracy": self._share([i.refused for i in unanswerable]),
            "false refusals": self._share([i.refused for i in answerable]),
            "citations verbatim": self._share([i.verbatim for i in self.items]),
            "figures in cited quotes": self._share([i.numbers_quoted for i in self.items]),
        }

    @property
    def latency(self) -> tuple[float, float]:
        values = sorted(i.latency_ms for i in self.items) or [0.0]
        p50 = statistics.median(values)
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        return p50, p95


def contains_all(answer: str, keywords: list[str]) -> bool:
    text = compact(answer)
    return all(compact(k) in text for k in keywords)


def citations_verbatim(answer: Answer) -> bool:
    return all(c.text[c.start : c.end] == c.quote and c.quote for c in answer.citations)


_COMPUTED_RE = re.compile(r"[（(](?:计算|computed)[：:]\s*([^=）)]*)=[^）)]*[）)]")


def figures_quoted(answer: Answer) -> bool:
    """Every figure in a non-refused answer occurs in one of its cited quotes (years name
    periods and documents, not figures). A computed number (``（计算：8% − 5.5% = 2.5个百分点）``)
    is allowed when every operand before its ``=`` is a cited figure."""
    if answer.refused:
        return True
    quoted = {figure_key(f) for c in answer.citations for f in find_figures(c.quote)}
    text = strip_markers(answer.answer)
    for m in _COMPUTED_RE.finditer(text):
        if not all(figure_key(f) in quoted for f in find_figures(m.group(1)) if not f.is_year):
            return False
    plain = _COMPUTED_RE.sub("", text)
    return all(figure_key(f) in quoted for f in find_figures(plain) if not f.is_year)


def score_item(gold: dict[str, Any], answer: Answer) -> ItemResult:
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
    return ItemResult(
        id=str(gold.get("id", "")), question=str(gold.get("question", "")), answerable=answerable,
        correct=correct, refused=answer.refused, evidence_cited=cited,
        verbatim=citations_verbatim(answer), numbers_quoted=figures_quoted(answer),
        latency_ms=answer.latency_ms, answer=answer.answer,
    )


def evaluate(service: Any, gold_file: Path) -> EvalResult:
    result = EvalResult(name=gold_file.name, mode=service.settings.answer_mode)
    for line in gold_file.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        gold = json.loads(line)
        answer = service.ask(gold["question"], id=gold.get("id"))
        result.items.append(score_item(gold, answer))
    return result


def render_table(result: EvalResult) -> str:
    rows = [(name, f"{a}/{b}", f"{(100 * a / b if b else 0):.1f}%") for name, (a, b) in result.metrics.items()]
    p50, p95 = result.latency
    rows.append(("latency p50 / p95", f"{p50:.0f} / {p95:.0f} ms", ""))
    width = max(len(r[0]) for r in rows)
    lines = [f"{result.name} ({result.mode})", "-" * (width + 24)]
    lines += [f"{name:<{width}}  {count:>14}  {pct:>6}" for name, count, pct in rows]
    return "\n".join(lines)


def render_markdown(result: EvalResult) -> str:
    p50, p95 = result.latency
    out = [f"# planqa eval: {result.name}", "", f"Answer mode: `{result.mode}`", "",
           "| metric | count | share |", "|---|---|---|"]
    for name, (a, b) in result.metrics.items():
        out.append(f"| {name} | {a}/{b} | {(100 * a / b if b else 0):.1f}% |")
    out += [f"| latency p50 / p95 | {p50:.0f} / {p95:.0f} ms | |", "", "## Questions", "",
            "| id | ok | refused | evidence | question | answer |", "|---|---|---|---|---|---|"]
    for i in result.items:
        ev = "" if i.evidence_cited is None else ("yes" if i.evidence_cited else "no")
        answer = i.answer.replace("|", "\\|").replace("\n", " ")
        out.append(f"| {i.id} | {'✅' if i.correct else '❌'} | {i.refused} | {ev} | {i.question} | {answer} |")
    return "\n".join(out) + "\n"
