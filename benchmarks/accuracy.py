"""Answer accuracy on the tuning and held-out parts of the question sets, over the evaluation
collection (``benchmarks/corpus.py``), extractive mode, one table per part:

* accuracy: answerable questions whose answer holds every gold keyword;
* refused: unanswerable questions refused (a comparison with one side missing must name it);
* right document: answered answerable questions whose first citation is from a document the
  gold names (year and region);
* all documents cited: answered answerable questions citing every document the gold needs
  (``sources``: both sides of a comparison, every year of a trend);
* wrong: answers given that are not correct (answerable) or should have been refusals;
* unchecked figures: answers with a number that is neither in a cited quote nor a computed
  number marked ``（计算：…）`` over cited operands (``assistant.evaluation.figures_quoted``);
* latency p50 / p95 (warm: the first question is left out).

Held-out rows are printed as counts per set and style only (``--show-failures`` prints the
failed questions of the tuning part).

    .venv/bin/python benchmarks/accuracy.py --data-dir /path/to/collection [--kind core|compose]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import percentile, print_table  # noqa: E402
from benchmarks.splits import questions, source_ok  # noqa: E402


def all_cited(gold: dict, answer) -> bool | None:  # type: ignore[no-untyped-def]
    """Whether every document the gold needs is cited (None when the gold names none)."""
    needed = [s for s in gold.get("sources") or [] if s] or ([gold["source_contains"]] if gold.get("source_contains") else [])
    if not needed:
        return None
    cited = [(c.source, c.title) for c in answer.citations]
    return all(any(n in src or n in title for src, title in cited) for n in needed)


# A part of a composed answer said to be missing: "2020年：资料中未找到（…）", "X: not found in the documents".
_PART_MISSING_RE = re.compile(r"[：:]\s*(?:资料中未找到|not found in the documents)")


def names_missing(missing: str, text: str) -> bool:
    """The answer names the missing part: says a part was not found and names that part by its
    year or its place (the gold's ``missing``: ``2020年政府工作报告``, ``深圳市2025年政府工作报告``)."""
    keys = re.findall(r"(?:19|20)\d\d", missing)
    place = re.match(r"[\u4e00-\u9fff]{2,}?(?=省|市|自治区|特别行政区|(?:19|20)\d\d)", missing)
    keys += [place.group(0)] if place else []
    return bool(_PART_MISSING_RE.search(text)) and any(k in text for k in keys)


def judge(gold: dict, answer) -> dict:  # type: ignore[no-untyped-def]
    from assistant.evaluation import contains_all, figures_quoted

    keywords = gold.get("answer_all") or []
    missing = gold.get("missing")
    answerable = bool(keywords)
    if answerable:
        correct = not answer.refused and contains_all(answer.answer, keywords)
        if correct and missing:  # one side missing: it must be named
            correct = names_missing(str(missing), answer.answer)
    else:
        # refused as a whole, or, for a question in parts, a part named as missing (issue 11:
        # "unanswerable questions refused, including comparisons where one side is missing")
        correct = answer.refused or bool(_PART_MISSING_RE.search(answer.answer))
    right_doc = None
    if answerable and not answer.refused and answer.citations:
        right_doc = source_ok(gold, answer.citations[0].source, answer.citations[0].title)
    every_doc = all_cited(gold, answer) if answerable and not answer.refused else None
    return {"correct": correct, "answerable": answerable, "refused": answer.refused, "right_doc": right_doc,
            "all_docs": every_doc, "wrong": not answer.refused and not correct,
            "unchecked": not answer.refused and not figures_quoted(answer)}


def run(service, items: list[dict]) -> list[dict]:  # type: ignore[no-untyped-def]
    results = []
    for gold in items:
        started = time.perf_counter()
        answer = service.ask(gold["question"], id=gold.get("id"))
        seconds = time.perf_counter() - started
        results.append({"gold": gold, "answer": answer, "s": seconds, **judge(gold, answer)})
    return results


def summary_row(name: str, rows: list[dict]) -> list[object]:
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    docs = [r["right_doc"] for r in answerable if r["right_doc"] is not None]
    every = [r["all_docs"] for r in answerable if r["all_docs"] is not None]
    times = [r["s"] * 1000 for r in rows[1:]] or [r["s"] * 1000 for r in rows]
    return [
        name,
        f"{sum(r['correct'] for r in answerable)}/{len(answerable)}",
        f"{sum(r['correct'] for r in unanswerable)}/{len(unanswerable)}",
        f"{sum(docs)}/{len(docs)}",
        f"{sum(every)}/{len(every)}",
        sum(r["wrong"] for r in rows),
        sum(r["unchecked"] for r in rows),
        f"{percentile(times, 50):.0f} / {percentile(times, 95):.0f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--collection", default="planqa")
    parser.add_argument("--kind", default="core", choices=["core", "compose"])
    parser.add_argument("--parts", default="tuning,heldout")
    parser.add_argument("--show-failures", action="store_true", help="the failed tuning questions")
    args = parser.parse_args()

    from assistant.server import warm_up
    from benchmarks.corpus import build

    service = build(args.data_dir, args.collection, progress=False)
    warm_up(service)  # as the server does: models loaded, caches filled
    header = ["set", "accuracy", "refused", "right document", "all documents cited", "wrong", "unchecked figures",
              "p50 / p95 ms"]
    for part in args.parts.split(","):
        results = run(service, questions(args.kind, part))
        by_set: dict[str, list[dict]] = defaultdict(list)
        by_style: dict[str, list[dict]] = defaultdict(list)
        for r in results:
            by_set[r["gold"]["set"]].append(r)
            by_style[str(r["gold"].get("style") or r["gold"].get("type") or "")].append(r)
        rows = [summary_row(k, v) for k, v in sorted(by_set.items())] + [summary_row("ALL", results)]
        print_table(f"{args.kind} questions, {part} part", header, rows)
        print_table(f"{args.kind} questions, {part} part, by style/type", header,
                    [summary_row(k, v) for k, v in sorted(by_style.items())])
        if args.show_failures and part == "tuning":
            for r in results:
                if not r["correct"]:
                    g = r["gold"]
                    print(f"\n✗ {g['id']} [{g.get('style') or g.get('type')}] {g['question']}\n"
                          f"  want {g.get('answer_all')} from {g.get('source_contains') or g.get('sources')}\n"
                          f"  got  {r['answer'].answer[:200]}")


if __name__ == "__main__":
    main()
