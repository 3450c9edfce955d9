"""The tuning / held-out split of every question set, by the committed rule of
``tests/data/heldout.txt``:

* the shared dev sets (``../shared/eval/*.jsonl``): within each file and question type, ids in
  sorted order alternate tuning, held-out (the ids listed in ``heldout.txt`` are held out);
* ``tests/data/eval/*_tuning.jsonl`` are tuning questions, ``*_heldout.jsonl`` held-out ones,
  written on documents that no tuning question uses.

Scorer weights and thresholds are fitted on the tuning part only; tests assert and benchmarks
report on the held-out part.

Question kinds: *core* questions (single facts and figures, every wording) belong to the
answering core; *compose* questions (lists, comparisons, trends, summaries) to composition.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
HELDOUT_FILE = ROOT / "tests" / "data" / "heldout.txt"
EVAL_DIR = ROOT / "tests" / "data" / "eval"
# compose_dev types that are single answers in other wordings (the core's), not compositions.
CORE_TYPES_OF_COMPOSE = {"paraphrase", "english", "chinese_numerals"}
SHARED_SETS = ("seed_dev", "multi_dev", "compose_dev")
PARTS = ("tuning", "heldout")


def heldout_ids() -> set[str]:
    lines = HELDOUT_FILE.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _tag(items: list[dict], source: str) -> list[dict]:
    return [{**item, "set": source} for item in items]


def questions(kind: str, part: str) -> list[dict]:
    """The questions of one kind (``core`` or ``compose``) and part (``tuning``, ``heldout`` or
    ``all``), each tagged with the set it comes from."""
    assert kind in ("core", "compose") and part in (*PARTS, "all")
    held = heldout_ids()
    out: list[dict] = []
    for name in SHARED_SETS:
        path = SHARED / "eval" / f"{name}.jsonl"
        if not path.exists():
            continue
        for item in _tag(read_jsonl(path), name):
            is_core = name != "compose_dev" or item.get("type") in CORE_TYPES_OF_COMPOSE
            if is_core != (kind == "core"):
                continue
            in_part = "heldout" if item["id"] in held else "tuning"
            if part in ("all", in_part):
                out.append(item)
    for in_part in PARTS:
        if part in ("all", in_part):
            path = EVAL_DIR / f"{kind}_{in_part}.jsonl"
            out += _tag(read_jsonl(path), f"{kind}_{in_part}")
    return out


def source_ok(gold: dict, source: str, title: str = "") -> bool:
    """Whether a cited document is one the gold answer needs (``source_contains``/``sources``)."""
    wanted = [gold["source_contains"]] if gold.get("source_contains") else []
    wanted += [s for s in gold.get("sources") or [] if s]
    return not wanted or any(w in source or w in title for w in wanted)
