"""Load benchmark: concurrent clients asking questions over loopback against `planqa serve`.

    python benchmarks/load.py                      # 50 clients × 20 questions (the target run)
    python benchmarks/load.py --clients 5 --questions 4     # a quick check
    python benchmarks/load.py --url http://127.0.0.1:7860  # against a server already running

Without --url it starts `planqa serve` itself (extractive mode, no rate limit) on a free
loopback port over --data-dir (default: a temporary dir, so the first start ingests the
default corpus), and stops it at the end. Questions come from --questions-file (default: the
dev set's questions), cycled. One table: a single sequential client (the baseline) beside the
concurrent run: requests, errors (target 0), p50/p95/max latency, throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from _common import start_server

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_QUESTIONS = ROOT.parent / "shared" / "eval" / "seed_dev.jsonl"


@dataclass
class Run:
    label: str
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies) + len(self.errors)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def load_questions(path: Path) -> list[str]:
    if not path.exists():
        raise SystemExit(f"questions file not found: {path} (give --questions-file)")
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            questions.append(item["question"] if isinstance(item, dict) else str(item))
    if not questions:
        raise SystemExit(f"{path}: no questions")
    return questions


async def client_loop(client: httpx.AsyncClient, url: str, questions: list[str], start: int, count: int,
                      run: Run, headers: dict[str, str]) -> None:
    for i in range(count):
        question = questions[(start + i) % len(questions)]
        began = time.perf_counter()
        try:
            r = await client.post(f"{url}/api/v1/ask", json={"question": question}, headers=headers)
            elapsed = time.perf_counter() - began
            if r.status_code != 200:
                run.errors.append(f"HTTP {r.status_code}: {r.text[:120]}")
                continue
            body = r.json()
            if "answer" not in body or "citations" not in body:
                run.errors.append(f"malformed answer: {str(body)[:120]}")
                continue
            run.latencies.append(elapsed)
        except (httpx.HTTPError, ValueError) as exc:
            run.errors.append(f"{type(exc).__name__}: {exc}")


async def measure(url: str, questions: list[str], clients: int, per_client: int, label: str,
                  timeout: float, headers: dict[str, str]) -> Run:
    run = Run(label)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
        began = time.perf_counter()
        await asyncio.gather(*(client_loop(client, url, questions, c * per_client, per_client, run, headers)
                               for c in range(clients)))
        run.wall = time.perf_counter() - began
    return run


def table(runs: list[Run]) -> str:
    head = "| run | requests | errors | p50 ms | p95 ms | max ms | throughput req/s | wall s |"
    rows = [head, "|" + "---|" * 8]
    for r in runs:
        ms = [x * 1000 for x in r.latencies]
        rows.append(
            f"| {r.label} | {r.requests} | {len(r.errors)} | {percentile(ms, 50):.0f} | {percentile(ms, 95):.0f} | "
            f"{max(ms) if ms else float('nan'):.0f} | {r.requests / r.wall if r.wall else 0:.1f} | {r.wall:.1f} |"
        )
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    ap.add_argument("--questions", type=int, default=20, help="questions per client (default 20)")
    ap.add_argument("--baseline", type=int, default=20, help="questions for the single-client baseline (0: none)")
    ap.add_argument("--url", help="an already running server (else `planqa serve` is started)")
    ap.add_argument("--api-key", default="", help="Bearer key for a server with PLANQA_API_KEYS")
    ap.add_argument("--data-dir", type=Path, help="data dir for the started server (default: temporary)")
    ap.add_argument("--questions-file", type=Path, default=DEFAULT_QUESTIONS)
    ap.add_argument("--timeout", type=float, default=120.0, help="per-request timeout in seconds")
    ap.add_argument("--startup-timeout", type=float, default=600.0)
    args = ap.parse_args()

    questions = load_questions(args.questions_file)
    headers = {"Authorization": f"Bearer {args.api_key}"} if args.api_key else {}
    proc = None
    tmp = None
    url = args.url
    if not url:
        if args.data_dir is None:
            tmp = tempfile.TemporaryDirectory(prefix="planqa-load-")
            data_dir = Path(tmp.name)
        else:
            data_dir = args.data_dir
            data_dir.mkdir(parents=True, exist_ok=True)
        print(f"starting planqa serve (extractive) over {data_dir} …", file=sys.stderr)
        proc, url = start_server(data_dir, args.startup_timeout)
    try:
        # warm-up: first requests load caches
        asyncio.run(measure(url, questions, 1, 2, "warm-up", args.timeout, headers))
        runs = []
        if args.baseline:
            runs.append(asyncio.run(measure(url, questions, 1, args.baseline,
                                            f"1 client × {args.baseline} (baseline)", args.timeout, headers)))
        runs.append(asyncio.run(measure(url, questions, args.clients, args.questions,
                                        f"{args.clients} clients × {args.questions}", args.timeout, headers)))
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        if tmp is not None:
            tmp.cleanup()
    print(f"\nplanqa load benchmark: POST /api/v1/ask over loopback, extractive mode, {os.cpu_count()} cores\n")
    print(table(runs))
    errors = [e for r in runs for e in r.errors]
    if errors:
        print(f"\n{len(errors)} errors; first: {errors[0]}")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
