"""Answers that compose: parts answered one by one, tables over years, lists and summaries,
every item cited. Each part goes through the full checks of a single answer (year, place,
target or result, unit); a part the documents do not answer is named as missing.

* **parts / table**: one extractive answer per part, renumbered into one answer; a comparison
  of two figures in one unit adds the difference, marked as computed (``（计算：…）``); three or
  more years make a table (year → figure → citation), years without a report shown as missing;
* **lists and summaries**: ``assistant/lists.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.evidence import Candidate
from assistant.extractive import Extraction, refusal_text
from assistant.planner import MAX_TABLE_ROWS, Part, Plan
from assistant.question import Question
from assistant.schema import Citation, Table

if TYPE_CHECKING:
    from assistant.service import PlanqaService

_MARK_RE = re.compile(r"\[(\d+)\]")


@dataclass
class Composition:
    answer: str
    refused: bool
    citations: list[Citation]
    table: Table | None = None
    items: list[str] = field(default_factory=list)
    chosen: list[Candidate] = field(default_factory=list)
    # What any rewording must keep: each item's words or figure with its citation markers.
    required: list[tuple[str, list[int]]] = field(default_factory=list)
    computed: str = ""  # the computed comparison, to be copied as it is

    def prose_keeps_items(self, text: str) -> bool:
        """Whether a rewording (a generative mode's prose) keeps every item with its markers,
        states no figure that is not in a cited quote, and copies the computed part as it is."""
        from assistant.evaluation import figures_quoted
        from assistant.schema import Answer
        from common.textutils import compact

        plain = compact(text)
        for words, marks in self.required:
            if compact(words) not in plain or any(f"[{n}]" not in text for n in marks):
                return False
        if self.computed and compact(self.computed) not in plain:
            return False
        probe = Answer(question="", answer=text, refused=False, mode="", citations=self.citations)
        return figures_quoted(probe)


def nothing_found(q: Question) -> Composition:
    """The refusal of a composition (a list, a summary) that found nothing for the question: the
    plain statement that the documents do not answer it, as an extraction with no candidates says."""
    return Composition(refusal_text(q, [], 1.0)[0], True, [])


def _renumbered(ext: Extraction, start: int) -> tuple[str, list[Citation]]:
    """An extraction's answer and citations with markers shifted to start after ``start``."""
    mapping = {c.n: start + i + 1 for i, c in enumerate(ext.citations)}
    text = _MARK_RE.sub(lambda m: f"[{mapping.get(int(m.group(1)), int(m.group(1)))}]", ext.answer)
    return text, [c.model_copy(update={"n": mapping[c.n]}) for c in ext.citations]


def _missing(part: Part, ext: Extraction, english: bool) -> str:
    reason = ext.answer.rstrip("。.")
    return f"{part.label}: not found in the documents ({reason})" if english else f"{part.label}：资料中未找到（{reason}）"


_SCALES = (("万亿", 1e12), ("亿", 1e8), ("万", 1e4), ("千", 1e3))


def _amount(diff: float, unit: str) -> str:
    """``diff`` (in base units, as figures store their values) written in the scale of ``unit``
    (``1300亿斤`` − ``1100亿斤`` → ``200亿斤``); a unit with no scale takes the largest one
    that keeps the number at 1 or more (元 → 亿元)."""
    if unit.endswith("%"):
        return f"{_plain(abs(diff))}个百分点"
    scale = next((s for s, _ in _SCALES if unit.startswith(s) and unit != s), "")
    base = unit[len(scale):]
    if not scale:
        scale = next((s for s, m in _SCALES[1:3] if abs(diff) >= m), "")
    return f"{_plain(abs(diff) / dict(_SCALES).get(scale, 1.0))}{scale}{base}"


def _plain(value: float) -> str:
    """A number without an exponent and without trailing zeros (2, 0.5, 13120000)."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _computed(parts: list[tuple[Part, Extraction]], english: bool) -> str:
    """The difference of the two figures of a two-part question, in one unit, marked as
    computed; '' otherwise (a part missing, other units, a range, or more than two parts:
    a trend with a year missing is no comparison of the other two)."""
    figs = [(p, ext.chosen[0].figure) for p, ext in parts if not ext.refused and ext.chosen and ext.chosen[0].figure]
    if len(parts) != 2 or len(figs) != 2:
        return ""
    (pa, a), (pb, b) = figs
    assert a is not None and b is not None
    if a.unit != b.unit or "－" in a.text or "－" in b.text or "-" in a.text[1:] or "-" in b.text[1:]:
        return ""  # other units, or a range: no single difference
    diff = a.value - b.value
    value = _amount(diff, a.unit)
    higher = pa.label if diff > 0 else pb.label
    if abs(diff) < 1e-9 * max(abs(a.value), abs(b.value), 1.0):
        return f"(computed: {a.text} − {b.text} = 0; the same)" if english else f"（计算：{a.text} − {b.text} = 0，两者相同）"
    sign = "" if diff > 0 else "−"
    if english:
        return f"(computed: {a.text} − {b.text} = {sign}{value}; {higher} is higher)"
    return f"（计算：{a.text} − {b.text} = {sign}{value}，{higher}更高）"


def compose_parts(service: PlanqaService, p: Plan) -> Composition:
    english = p.question.is_english
    results = [(part, service.extract_scoped(part.question)[0]) for part in p.parts]
    citations: list[Citation] = []
    pieces: list[str] = []
    chosen: list[Candidate] = []
    rows: list[list[str]] = []
    required: list[tuple[str, list[int]]] = []
    sep, colon, end = ("; ", ": ", ".") if english else ("；", "：", "。")
    for part, ext in results:
        if ext.refused:
            pieces.append(_missing(part, ext, english))
            required.append((part.label, []))
            rows.append([part.label, "资料中没有" if not english else "not in the documents", ""])
            continue
        text, cites = _renumbered(ext, len(citations))
        citations += cites
        chosen += ext.chosen
        label_in = part.label.rstrip("年") in text or part.label in text
        pieces.append(text.rstrip("。.") if label_in else f"{part.label}{colon}{text.rstrip('。.')}")
        figure = ext.chosen[0].figure if ext.chosen else None
        shown = figure.text if figure is not None else ext.chosen[0].window.text
        rows.append([part.label, shown, "".join(f"[{c.n}]" for c in cites)])
        required.append((shown, [c.n for c in cites]))
    if not citations:  # (every piece says its part is missing)
        return Composition(sep.join(pieces) + end, True, [])
    answer = sep.join(pieces) + end
    computed = _computed(results, english) if p.compare else ""
    answer += computed
    table = None
    if p.kind == "table":
        columns = ["year", "figure", "source"] if english else ["年份", "数值", "出处"]
        note = ""
        if p.capped:
            note = (f"capped at {MAX_TABLE_ROWS} rows: the {p.capped} earliest years are left out" if english
                    else f"只列出最近{MAX_TABLE_ROWS}年，更早的{p.capped}年未列出")
            answer += f"（{note}）" if not english else f" ({note})"
        table = Table(columns=columns, rows=rows, note=note)
    return Composition(answer, False, citations, table=table, chosen=chosen, required=required, computed=computed)
