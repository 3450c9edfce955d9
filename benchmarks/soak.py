"""Soak benchmark (issue 13): mixed load for N minutes against one `planqa serve`, watching
errors, latency, the server's memory and its open file descriptors.

    .venv/bin/python benchmarks/soak.py                  # 10 minutes, 6 client threads
    .venv/bin/python benchmarks/soak.py --minutes 0.2    # a smoke run

It starts `planqa serve` (extractive, no rate limit, an admin key) over a temporary data dir
(the default corpus is ingested on the first start), then several client threads each pick, at
random: /api/v1/ask (JSON), /api/v1/search, an SSE ask stream, /v1/chat/completions (plain and
stream), an upload of a small generated .txt (admin key) or the delete of one, and a stream
whose client goes away after its first bytes. About 1 % of requests are malformed (bad JSON, a
lone surrogate, a huge number, wrong types). The server's RSS and fd count (/proc/<pid>) are read
before the load, after its first minute (a fifth of a shorter run: the warm-up, when caches,
thread arenas and connection pools fill), every --sample-s seconds, and after it. Targets: 0 5xx,
RSS growth from the warm sample to the end ≤ 10 % (the growth from before the load is shown too),
fds stable (after the load, at most 5 more than before it). Exit status 1 when a target fails.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from _common import ROOT, percentile, print_table, start_server

QUESTIONS = [
    "海城今年计划新建改建多少公里农村道路？", "2024年海城的地区生产总值增长目标是多少？",
    "海城如何推进乡村振兴？", "What is Haicheng's GDP growth target?", "海城今年要新增多少城镇就业？",
    "海城的财政收入目标是什么？", "海城今年在教育方面有哪些计划？", "那去年呢？",
]
MALFORMED: list[tuple[str, str, bytes]] = [  # (label, path, raw body)
    ("bad JSON", "/api/v1/ask", b'{"question": "\xe6\xb5\xb7\xe5\x9f\x8e'),
    ("lone surrogate", "/api/v1/ask", b'{"question": "\\ud800\\udfff\\ud800 \xe6\xb5\xb7\xe5\x9f\x8e?"}'),
    ("lone surrogate", "/v1/chat/completions", b'{"messages": [{"role": "user", "content": "\\udc00"}]}'),
    ("huge number", "/api/v1/search", b'{"query": "GDP", "k": 1' + b"0" * 400 + b"}"),
    ("huge number", "/api/v1/ask", b'{"question": "GDP", "top_k": 1e999}'),
    ("wrong type", "/api/v1/ask", b'{"question": ["a", {"b": 1}], "history": "x"}'),
    ("wrong type", "/v1/chat/completions", b'{"messages": "hello", "stream": "yes"}'),
]
WEIGHTS = {"ask": 25, "search": 20, "ask_sse": 12, "openai": 10, "openai_stream": 8,
           "upload": 4, "delete": 4, "disconnect": 6}


@dataclass
class Tally:
    """What happened to one kind of request."""

    outcomes: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)


class Soak:
    def __init__(self, url: str, admin_key: str, rng: random.Random, weights: dict[str, int] | None = None) -> None:
        self.url, self.rng = url, rng
        self.weights = weights or WEIGHTS
        self.admin = {"Authorization": f"Bearer {admin_key}"}
        self.tallies: dict[str, Tally] = defaultdict(Tally)
        self.uploaded: list[str] = []
        self.lock = threading.Lock()
        self.five_hundreds: list[str] = []
        self.client_errors: list[str] = []  # 4xx of well-formed requests (the first 20)

    def record(self, kind: str, outcome: str, seconds: float | None, detail: str = "") -> None:
        with self.lock:
            tally = self.tallies[kind]
            tally.outcomes[outcome] += 1
            if seconds is not None:
                tally.latencies.append(seconds)
            if outcome == "5xx" and len(self.five_hundreds) < 20:
                self.five_hundreds.append(f"{kind}: {detail[:200]}")
            if outcome == "4xx" and not kind.startswith("malformed") and len(self.client_errors) < 20:
                self.client_errors.append(f"{kind}: {detail[:200]}")

    def timed(self, kind: str, send: Callable[[], httpx.Response]) -> None:
        began = time.perf_counter()
        try:
            r = send()
        except httpx.HTTPError as exc:
            self.record(kind, type(exc).__name__, None)
            return
        self.record(kind, f"{r.status_code // 100}xx", time.perf_counter() - began, r.text)

    # ------------------------------------------------------------------ one request of each kind
    def ask(self, c: httpx.Client) -> None:
        self.timed("ask", lambda: c.post(f"{self.url}/api/v1/ask", json={"question": self.rng.choice(QUESTIONS)}))

    def search(self, c: httpx.Client) -> None:
        self.timed("search", lambda: c.post(f"{self.url}/api/v1/search", json={"query": self.rng.choice(QUESTIONS)}))

    def openai(self, c: httpx.Client) -> None:
        body = {"model": "planqa", "messages": [{"role": "user", "content": self.rng.choice(QUESTIONS)}]}
        self.timed("openai", lambda: c.post(f"{self.url}/v1/chat/completions", json=body))

    def streamed(self, c: httpx.Client, kind: str, path: str, body: dict[str, Any], last: str) -> None:
        """A whole stream, which must end with its ``last`` marker (an ``error`` event of an
        unforeseen failure counts as a 5xx)."""
        began = time.perf_counter()
        try:
            with c.stream("POST", f"{self.url}{path}", json=body) as r:
                text = "".join(r.iter_text())
        except httpx.HTTPError as exc:
            self.record(kind, type(exc).__name__, None)
            return
        outcome = f"{r.status_code // 100}xx"
        if r.status_code == 200 and "InternalError" in text:  # the error event of an unforeseen failure
            outcome = "5xx"
        elif r.status_code == 200 and last not in text:
            outcome = "truncated stream"
        self.record(kind, outcome, time.perf_counter() - began, text[-300:])

    def ask_sse(self, c: httpx.Client) -> None:
        body = {"question": self.rng.choice(QUESTIONS), "stream": True}
        self.streamed(c, "ask_sse", "/api/v1/ask", body, "event: answer")

    def openai_stream(self, c: httpx.Client) -> None:
        body = {"model": "planqa", "stream": True, "messages": [{"role": "user", "content": self.rng.choice(QUESTIONS)}]}
        self.streamed(c, "openai_stream", "/v1/chat/completions", body, "data: [DONE]")

    def disconnect(self, c: httpx.Client) -> None:
        """A stream whose client reads its first bytes and goes away (its own connection)."""
        began = time.perf_counter()
        path, body = self.rng.choice([
            ("/api/v1/ask", {"question": self.rng.choice(QUESTIONS), "stream": True}),
            ("/v1/chat/completions", {"stream": True, "messages": [{"role": "user", "content": self.rng.choice(QUESTIONS)}]}),
        ])
        try:
            with httpx.Client(timeout=60) as own, own.stream("POST", f"{self.url}{path}", json=body) as r:
                next(r.iter_bytes(), b"")
                status = r.status_code
        except httpx.HTTPError as exc:
            self.record("disconnect", type(exc).__name__, None)
            return
        self.record("disconnect", f"{status // 100}xx", time.perf_counter() - began)

    def upload(self, c: httpx.Client) -> None:
        name = f"soak-{secrets.token_hex(6)}.txt"
        text = "\n".join(f"海城2024年第{i}项测试工作：新建{self.rng.randrange(1, 999)}个{name}项目。"
                         for i in range(self.rng.randrange(5, 40)))
        files = {"files": (name, text.encode("utf-8"), "text/plain")}
        began = time.perf_counter()
        try:
            r = c.post(f"{self.url}/api/v1/documents", files=files, headers=self.admin)
        except httpx.HTTPError as exc:
            self.record("upload", type(exc).__name__, None)
            return
        self.record("upload", f"{r.status_code // 100}xx", time.perf_counter() - began, r.text)
        if r.status_code == 200:
            with self.lock:
                self.uploaded.append(name)

    def delete(self, c: httpx.Client) -> None:
        with self.lock:
            name = self.uploaded.pop(self.rng.randrange(len(self.uploaded))) if self.uploaded else None
        if name is None:
            return self.upload(c)
        began = time.perf_counter()
        try:
            docs = c.get(f"{self.url}/api/v1/documents").json()
            doc_id = next(d["doc_id"] for d in docs if d["source"] == name)
            r = c.delete(f"{self.url}/api/v1/documents/{doc_id}", headers=self.admin)
        except (httpx.HTTPError, ValueError, StopIteration) as exc:
            self.record("delete", type(exc).__name__, None)
            return None
        self.record("delete", f"{r.status_code // 100}xx", time.perf_counter() - began, r.text)
        return None

    def malformed(self, c: httpx.Client) -> None:
        label, path, raw = self.rng.choice(MALFORMED)
        self.timed(f"malformed ({label})", lambda: c.post(f"{self.url}{path}", content=raw,
                                                           headers={"Content-Type": "application/json"}))

    def client(self, until: float, seed: int) -> None:
        rng = random.Random(seed)
        kinds, weights = list(self.weights), list(self.weights.values())
        with httpx.Client(timeout=120) as c:
            while time.monotonic() < until:
                if rng.random() < 0.01:
                    self.malformed(c)
                else:
                    getattr(self, rng.choices(kinds, weights)[0])(c)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def fd_count(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def sample(pid: int, began: float, label: str) -> dict[str, Any]:
    return {"at_s": round(time.monotonic() - began, 1), "label": label, "rss_mb": round(rss_mb(pid), 1),
            "fds": fd_count(pid)}


def warm_up(soak: Soak) -> None:
    """One request of each kind, so caches and lazy imports are in the baseline."""
    with httpx.Client(timeout=300) as c:
        for kind in soak.weights:
            getattr(soak, kind)(c)
    soak.tallies.clear()


def run(url: str, pid: int, admin_key: str, minutes: float, clients: int, sample_s: float, seed: int,
        weights: dict[str, int]) -> dict[str, Any]:
    soak = Soak(url, admin_key, random.Random(seed), weights)
    warm_up(soak)
    began = time.monotonic()
    time.sleep(2)
    samples = [sample(pid, began, "before load")]
    until = began + minutes * 60
    warm = began + min(60.0, minutes * 60 / 5)  # caches, thread arenas and pools fill up first
    threads = [threading.Thread(target=soak.client, args=(until, seed + i), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    time.sleep(max(0.0, warm - time.monotonic()))
    samples.append(sample(pid, began, "start (warm)"))
    while time.monotonic() < until:
        time.sleep(max(0.0, min(sample_s, until - time.monotonic())))
        if time.monotonic() < until:
            samples.append(sample(pid, began, "load"))
    for t in threads:
        t.join(timeout=300)
    time.sleep(3)  # closed connections and finished streams leave the server
    samples.append(sample(pid, began, "end"))
    kinds: dict[str, dict[str, Any]] = {
        kind: {"requests": sum(t.outcomes.values()), "outcomes": dict(t.outcomes),
               "p50_ms": round(percentile(t.latencies, 50) * 1000), "p95_ms": round(percentile(t.latencies, 95) * 1000),
               "max_ms": round(max(t.latencies, default=0.0) * 1000)}
        for kind, t in sorted(soak.tallies.items())
    }
    cold, start, end = samples[0], samples[1], samples[-1]
    growth = (end["rss_mb"] - start["rss_mb"]) / start["rss_mb"] * 100
    growth_cold = (end["rss_mb"] - cold["rss_mb"]) / cold["rss_mb"] * 100
    five = sum(k["outcomes"].get("5xx", 0) for k in kinds.values())
    targets = {
        "5xx": {"ours": five, "target": "0", "ok": five == 0},
        "rss_growth_pct": {"ours": round(growth, 1), "target": "≤ 10", "ok": growth <= 10},
        "rss_growth_from_cold_pct": {"ours": round(growth_cold, 1), "target": "(shown)", "ok": True},
        "fds": {"ours": f"{cold['fds']} → {end['fds']} (max {max(s['fds'] for s in samples)})",
                "target": "end ≤ before + 5", "ok": end["fds"] <= cold["fds"] + 5},
    }
    return {"minutes": minutes, "clients": clients, "cores": os.cpu_count(), "weights": weights,
            "load_average": os.getloadavg(), "requests": sum(k["requests"] for k in kinds.values()),
            "kinds": kinds, "samples": samples, "targets": targets, "first_5xx": soak.five_hundreds,
            "first_4xx": soak.client_errors}


def report(result: dict[str, Any]) -> None:
    rows = [[kind, k["requests"], ", ".join(f"{o} {n}" for o, n in sorted(k["outcomes"].items())),
             k["p50_ms"], k["p95_ms"], k["max_ms"]] for kind, k in result["kinds"].items()]
    print_table(f"planqa soak: {result['minutes']} min, {result['clients']} client threads, {result['requests']} requests "
                f"({result['cores']} cores, load average at the end {result['load_average'][0]:.2f})",
                ["kind", "requests", "outcomes", "p50 ms", "p95 ms", "max ms"], rows)
    print_table("server over time", ["at s", "when", "RSS MB", "open fds"],
                [[s["at_s"], s["label"], s["rss_mb"], s["fds"]] for s in result["samples"]])
    print_table("targets", ["", "ours", "target", "ok"],
                [[name, t["ours"], t["target"], "yes" if t["ok"] else "NO"] for name, t in result["targets"].items()])
    for line in result["first_5xx"]:
        print("5xx:", line)
    for line in result["first_4xx"]:
        print("4xx of a well-formed request:", line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=10.0, help="minutes of load (default 10)")
    ap.add_argument("--clients", type=int, default=6, help="client threads (default 6)")
    ap.add_argument("--sample-s", type=float, default=60.0, help="seconds between RSS/fd samples (default 60)")
    ap.add_argument("--data-dir", type=Path, help="data dir of the started server (default: temporary)")
    ap.add_argument("--json", type=Path, default=ROOT / "reports" / "soak.json", help="where the numbers go")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--without", default="", help="kinds of request left out, comma-separated: " + ", ".join(WEIGHTS))
    ap.add_argument("--startup-timeout", type=float, default=600.0)
    args = ap.parse_args()
    left_out = {k.strip() for k in args.without.split(",") if k.strip()}
    if left_out - set(WEIGHTS):
        ap.error(f"unknown kinds: {', '.join(sorted(left_out - set(WEIGHTS)))}")
    weights = {k: w for k, w in WEIGHTS.items() if k not in left_out}
    tmp = tempfile.TemporaryDirectory(prefix="planqa-soak-") if args.data_dir is None else None
    data_dir = Path(tmp.name) if tmp is not None else args.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    admin_key = secrets.token_urlsafe(24)
    print(f"starting planqa serve over {data_dir} …", file=sys.stderr)
    proc, url = start_server(data_dir, args.startup_timeout, {"PLANQA_ADMIN_KEY": admin_key})
    try:
        result = run(url, proc.pid, admin_key, args.minutes, args.clients, args.sample_s, args.seed, weights)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        args.json.parent.mkdir(parents=True, exist_ok=True)
        log = args.json.with_suffix(".serve.log")  # the server's tracebacks, kept with the numbers
        shutil.copyfile(data_dir / "serve.log", log)
        if tmp is not None:
            tmp.cleanup()
    report(result)
    print(f"server log: {log}")
    args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nnumbers: {args.json}")
    sys.exit(0 if all(t["ok"] for t in result["targets"].values()) else 1)


if __name__ == "__main__":
    main()
