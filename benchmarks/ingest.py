"""Ingest at scale over ../shared/corpora (national reports, provincial reports, news lines), in
one run, each configuration in its own process (so peak RSS is its own):

* **planqa** — the default settings: every sentence embedded once, whole (batched e5,
  ``vectorstore/e5_batched.py``), chunks for BM25 and context.

The baseline column of the table is the target: the issue asks for ingest that embeds all of
the text at a stated speed.

Printed per configuration: characters/s (wall and per CPU-second), chunks/s, peak RSS, index
size on disk, the time of a re-ingest of the unchanged corpus (a no-op), query p50/p95 over
the dev questions at that size, and — when the national and provincial reports are both in —
answer accuracy on ../shared/eval/multi_dev.jsonl (and seed_dev over the seed corpus).

    .venv/bin/python benchmarks/ingest.py                      # everything (takes hours on 2 cores)
    .venv/bin/python benchmarks/ingest.py --limit 2 --corpus national --corpus news
    .venv/bin/python benchmarks/ingest.py --config planqa      # only one configuration
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import ROOT, SHARED, peak_rss_mb, percentile, print_table

CORPORA = {
    "national": SHARED / "corpora" / "national-work-reports",
    "provincial": SHARED / "corpora" / "provincial-2025",
    "news": SHARED / "corpora" / "news-subset" / "policy_news_2023.txt",
}
CONFIGS: dict[str, dict[str, str]] = {
    "planqa": {},
}


def select(corpus: str, limit: int, work: Path) -> tuple[list[Path], bool]:
    """Files of a corpus (the first ``limit``, newest first for reports) and whether they are
    one-document-per-line files."""
    path = CORPORA[corpus]
    if corpus == "news":
        if not limit:
            return [path], True
        part = work / f"news-first-{limit}.txt"
        with path.open(encoding="utf-8") as src, part.open("w", encoding="utf-8") as dst:
            for n, line in enumerate(src):
                if n >= limit:
                    break
                dst.write(line)
        return [part], True
    files = sorted((p for p in path.iterdir() if p.suffix in (".txt", ".docx")), reverse=True)
    return (files[:limit] if limit else files), False


def dir_size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def questions() -> list[dict[str, Any]]:
    out = []
    for name in ("multi_dev.jsonl", "seed_dev.jsonl"):
        for line in (SHARED / "eval" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(json.loads(line))
    return out


def run_one(args: argparse.Namespace) -> dict[str, Any]:
    """One configuration, in this process: ingest, re-ingest, queries, accuracy."""
    from assistant.evaluation import score_item
    from assistant.factory import build_service
    from assistant.settings import Settings

    work = Path(args.work)
    settings = Settings(data_dir=work / "data", collection="bench", progress=not args.quiet)
    service = build_service(settings)
    result: dict[str, Any] = {"sentences": 0, "chars": 0, "chunks": 0, "docs": 0}
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for corpus in args.corpus:
        files, lines = select(corpus, args.limit, work)
        print(f"[{args.one}] ingest {corpus}: {len(files)} file(s){' (one document per line)' if lines else ''}",
              file=sys.stderr)
        report = service.ingest(files, lines=lines)
        for source, reason in report.failed:
            print(f"  failed: {source}: {reason}", file=sys.stderr)
        result["chars"] += report.chars
        result["chunks"] += report.chunks
        result["sentences"] += report.sentences
        result["docs"] += len(report.added) + len(report.replaced)
    result["wall_s"] = time.perf_counter() - wall0
    result["cpu_s"] = time.process_time() - cpu0
    result["ingest_rss_mb"] = peak_rss_mb()

    started = time.perf_counter()
    for corpus in args.corpus:
        files, lines = select(corpus, args.limit, work)
        again = service.ingest(files, lines=lines)
        assert again.chunks == 0, "re-ingest of an unchanged corpus embedded something"
    result["reingest_s"] = time.perf_counter() - started
    result["index_mb"] = dir_size_mb(work / "data")

    gold = questions()
    service.ask(gold[0]["question"])  # warm-up (query embedder, BM25 load)
    latencies: list[float] = []
    multi = {"correct": 0, "n": 0, "cited": 0}
    for item in gold:
        t = time.perf_counter()
        answer = service.ask(item["question"])
        latencies.append((time.perf_counter() - t) * 1000)
        if str(item.get("id", "")).startswith("md"):
            scored = score_item(item, answer)
            multi["n"] += 1
            multi["correct"] += int(scored.correct)
            multi["cited"] += int(scored.evidence_cited is not False)
    result["p50_ms"] = percentile(latencies, 50)
    result["p95_ms"] = percentile(latencies, 95)
    result["multi_dev"] = multi if {"national", "provincial"} <= set(args.corpus) else None
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", action="append", choices=sorted(CORPORA),
                        help="corpora to ingest (repeatable; default: all three)")
    parser.add_argument("--limit", type=int, default=0,
                        help="first N files per report corpus / first N news lines (0: all)")
    parser.add_argument("--config", action="append", choices=sorted(CONFIGS), help="default: all")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.add_argument("--keep", action="store_true", help="keep the data dirs")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.corpus = args.corpus or ["national", "provincial", "news"]

    if args.one:  # child process: one configuration
        print("RESULT " + json.dumps(run_one(args)))
        return

    rows = []
    for name in args.config or list(CONFIGS):
        work = Path(tempfile.mkdtemp(prefix=f"planqa-bench-{name}-"))
        cmd = [sys.executable, __file__, "--one", name, "--work", str(work), "--limit", str(args.limit)]
        cmd += [f"--corpus={c}" for c in args.corpus] + (["--quiet"] if args.quiet else [])
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False", **CONFIGS[name]}
        proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, check=False)
        line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), "")
        if proc.returncode or not line:
            print(f"{name}: failed (exit {proc.returncode})\n{proc.stdout}", file=sys.stderr)
            continue
        r = json.loads(line[len("RESULT "):])
        md = r["multi_dev"]
        rows.append([
            name, r["sentences"], r["docs"], f"{r['chars']:,}", r["chunks"],
            f"{r['chars'] / max(r['wall_s'], 1e-9):,.0f}", f"{2 * r['chars'] / max(r['cpu_s'], 1e-9):,.0f}",
            f"{r['chunks'] / max(r['wall_s'], 1e-9):.1f}", f"{r['ingest_rss_mb']:,.0f}", f"{r['index_mb']:,.1f}",
            f"{r['reingest_s']:.2f}", f"{r['p50_ms']:.0f}", f"{r['p95_ms']:.0f}",
            f"{md['correct']}/{md['n']} ({md['cited']} cited)" if md else "-",
        ])
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"{name}: data kept in {work}", file=sys.stderr)
    print_table(
        f"Ingest of {', '.join(args.corpus)}" + (f" (limit {args.limit})" if args.limit else "") +
        f" — {os.cpu_count()} cores; targets: ≥3,000 chars/s, p50 ≤150 ms, peak RSS ≤3 GB",
        ["config", "sentences", "docs", "chars", "chunks", "chars/s", "chars/s (2 free cores)", "chunks/s",
         "peak RSS MB", "index MB", "re-ingest s", "query p50 ms", "p95 ms", "multi_dev"],
        rows,
    )
    print("chars/s (2 free cores) = chars per CPU-second × 2: what two otherwise idle cores would do.")


if __name__ == "__main__":
    main()
