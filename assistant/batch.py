"""Batch answering: JSONL in (``id``, ``question``; other fields ignored), JSONL out, same order.
A bad line becomes an error line for its id; the rest of the batch is still answered."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common.errors import PlanqaError


@dataclass
class BatchStats:
    answered: int = 0
    errors: int = 0


def _error_line(item_id: Any, question: Any, message: str) -> dict[str, Any]:
    return {"id": item_id, "question": question, "error": message}


def answer_line(service: Any, line: str, line_no: int) -> dict[str, Any]:
    """One output object for one input line (an answer or an error, never an exception)."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return _error_line(None, None, f"line {line_no}: not valid JSON ({exc.msg})")
    if not isinstance(item, dict):
        return _error_line(None, None, f"line {line_no}: expected a JSON object")
    item_id = item.get("id")
    if "question" not in item:
        return _error_line(item_id, None, f"line {line_no}: missing field 'question'")
    try:
        return service.ask(item["question"], id=item_id).public(server_paths=True)  # type: ignore[no-any-return]
    except PlanqaError as exc:
        return _error_line(item_id, item.get("question"), f"line {line_no}: {exc}")


def run_batch(service: Any, input_file: Path, output: Path) -> BatchStats:
    stats = BatchStats()
    output.parent.mkdir(parents=True, exist_ok=True)
    with input_file.open(encoding="utf-8") as src, output.open("w", encoding="utf-8") as dst:
        for line_no, line in enumerate(src, start=1):
            if not line.strip():
                continue
            result = answer_line(service, line, line_no)
            if "error" in result:
                stats.errors += 1
            else:
                stats.answered += 1
            dst.write(json.dumps(result, ensure_ascii=False) + "\n")
            dst.flush()
    return stats
