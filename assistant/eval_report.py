"""What ``planqa eval`` writes: the table it prints, the Markdown report (metrics, latency cold
and warm, the failures with the expected answer next to the given one, every question) and the
per-question JSONL."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.evaluation import EvalResult, ItemResult


def _latency_rows(result: EvalResult) -> list[tuple[str, str]]:
    p50, p95 = result.latency
    cold = result.cold_ms
    warm = len([i for i in result.items if not i.cold])
    rows = [("latency cold (first question)", f"{cold:.0f} ms" if cold is not None else "—"),
            (f"latency warm p50 / p95 ({warm} questions)", f"{p50:.0f} / {p95:.0f} ms" if warm else "—")]
    return rows


def render_table(result: EvalResult) -> str:
    rows = [(name, f"{a}/{b}", f"{(100 * a / b if b else 0):.1f}%") for name, (a, b) in result.metrics.items()]
    rows += [(name, value, "") for name, value in _latency_rows(result)]
    width = max(len(r[0]) for r in rows)
    lines = [f"{result.name} ({result.mode})", "-" * (width + 24)]
    lines += [f"{name:<{width}}  {count:>14}  {pct:>6}" for name, count, pct in rows]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _expected(item: ItemResult) -> str:
    return "、".join(item.expected) if item.expected else "(must refuse)"


def render_markdown(result: EvalResult) -> str:
    out = [f"# planqa eval: {result.name}", "", f"Answer mode: `{result.mode}`", "",
           "| metric | count | share |", "|---|---|---|"]
    for name, (a, b) in result.metrics.items():
        out.append(f"| {name} | {a}/{b} | {(100 * a / b if b else 0):.1f}% |")
    for name, value in _latency_rows(result):
        out.append(f"| {name} | {value} | |")
    failures = result.failures
    out += ["", f"## Failures ({len(failures)})", ""]
    if failures:
        out += ["| id | question | expected | given | failed checks | cited quote |", "|---|---|---|---|---|---|"]
        for i in failures:
            quote = i.quotes[0] if i.quotes else ""
            out.append(f"| {i.id} | {_cell(i.question)} | {_cell(_expected(i))} | {_cell(i.answer)} | "
                       f"{', '.join(i.failed_checks)} | {_cell(quote)} |")
    else:
        out.append("None.")
    out += ["", "## Questions", "",
            "| id | ok | refused | evidence | latency | question | expected | answer |", "|---|---|---|---|---|---|---|---|"]
    for i in result.items:
        ev = "" if i.evidence_cited is None else ("yes" if i.evidence_cited else "no")
        ms = f"{i.latency_ms:.0f} ms" + (" (cold)" if i.cold else "")
        out.append(f"| {i.id} | {'✅' if not i.failed_checks else '❌'} | {i.refused} | {ev} | {ms} | "
                   f"{_cell(i.question)} | {_cell(_expected(i))} | {_cell(i.answer)} |")
    return "\n".join(out) + "\n"


def write_jsonl(result: EvalResult, path: Path) -> None:
    """One line per question: question, expected, answer, each check, cited quotes, latency."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for item in result.items:
            out.write(json.dumps(item.record(), ensure_ascii=False) + "\n")
