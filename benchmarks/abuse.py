"""What hostile or careless clients cost the server (issue 13, item 4), measured in one run against
`planqa serve` (extractive, no API rate limit) started on a free loopback port:

* one unique 2,000-character question; four at once;
* one question with 1,000 history messages;
* four streams of unique 2,000-character questions whose clients disconnect at once;
* 25 anonymous 600-character questions in the web chat from one address, while a real user
  (another address) asks a short question.

The server's CPU seconds come from /proc/<pid>/stat (user + system), read once its CPU use has
settled after each scenario, so work left running for a client that went away is counted.

    .venv/bin/python benchmarks/abuse.py [--data-dir DIR] [--only one,four,history,disconnected,flood]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(1, str(ROOT / "tests"))

import gradio_raw  # noqa: E402
from _common import start_server  # noqa: E402

TEXT = (ROOT / "ingest" / "default_corpus" / "haicheng-2024-work-plan.txt").read_text(encoding="utf-8").replace("\n", "")
rng = random.Random(13)
SCENARIOS = {
    "one": "1 unique 2,000-char question",
    "four": "4 unique 2,000-char questions at once",
    "history": "1 question + 1,000 history messages",
    "disconnected": "4 streams of 2,000-char questions, clients disconnect",
    "flood": "web chat: 25 × 600-char flood + 1 real user",
}


def unique_question(n: int) -> str:
    start = rng.randrange(0, len(TEXT) - n)
    return f"请问{rng.randrange(10**6)}" + TEXT[start : start + n - 12] + "是多少？"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_rate(pid: int, seconds: float = 6.0) -> float:
    """CPU seconds per second the server uses doing nothing (heartbeats, background threads)."""
    before = cpu_seconds(pid)
    time.sleep(seconds)
    return (cpu_seconds(pid) - before) / seconds


def settled(pid: int, idle: float, quiet: float = 1.5, limit: float = 180.0) -> tuple[float, float]:
    """(CPU seconds, time) once the server is back to its idle CPU rate over ``quiet`` seconds."""
    deadline = time.monotonic() + limit
    last = cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = cpu_seconds(pid)
        if now - last <= idle * quiet * 1.5 + 0.03:
            return now, time.monotonic()
        last = now
    return last, time.monotonic()


def scenario(pid: int, idle: float, label: str, run, rows: list[str]) -> None:  # type: ignore[no-untyped-def]
    cpu0, t0 = settled(pid, idle)
    began = time.perf_counter()
    note = run()
    wall = time.perf_counter() - began
    cpu1, t1 = settled(pid, idle)
    used = (cpu1 - cpu0) - idle * (t1 - t0)  # the idle rate over the same time is not the scenario's
    rows.append(f"| {label} | {used:.1f} | {wall:.1f} | {note} |")
    print(rows[-1], file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", type=Path)
    ap.add_argument("--only", default=",".join(SCENARIOS),
                    help="comma-separated scenarios to run (default: all): " + ", ".join(SCENARIOS))
    args = ap.parse_args()
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(chosen) - set(SCENARIOS))
    if unknown:
        ap.error(f"unknown scenarios: {', '.join(unknown)}")
    tmp = None
    if args.data_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="planqa-abuse-")
        data_dir = Path(tmp.name)
    else:
        data_dir = args.data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
    proc, url = start_server(data_dir, 600)
    rows = ["| scenario | server CPU s | wall s | result |", "|---|---|---|---|"]
    try:
        httpx.post(f"{url}/api/v1/ask", json={"question": "海城今年计划新建改建多少公里农村道路？"}, timeout=120)

        def one() -> str:
            r = httpx.post(f"{url}/api/v1/ask", json={"question": unique_question(1990)}, timeout=300)
            return f"HTTP {r.status_code}"

        def four() -> str:
            codes: list[int] = []
            threads = [threading.Thread(target=lambda: codes.append(httpx.post(
                f"{url}/api/v1/ask", json={"question": unique_question(1990)}, timeout=300).status_code))
                for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            return "HTTP " + ",".join(map(str, sorted(codes)))

        def history() -> str:
            turns = [{"role": "user" if i % 2 == 0 else "assistant", "content": unique_question(40)} for i in range(1000)]
            r = httpx.post(f"{url}/api/v1/ask", json={"question": "那2022年呢？", "history": turns}, timeout=300)
            return f"HTTP {r.status_code}"

        def disconnected() -> str:
            for _ in range(4):
                client = httpx.Client(timeout=30)
                with client.stream("POST", f"{url}/api/v1/ask", json={"question": unique_question(1990), "stream": True}):
                    pass  # headers received: the client goes away
                client.close()
            return "4 clients gone after the response headers"

        def flood() -> str:
            send = gradio_raw.fn_index(url, "planqa-send")
            answered: list[str] = []
            threads = [threading.Thread(target=lambda: answered.append(str(gradio_raw.call(
                url, send, [unique_question(600), [], None, "extractive", 6, "中文"], timeout=300)["output"][4])))
                for _ in range(25)]
            for t in threads:
                t.start()
            time.sleep(1.0)
            user = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=300)
            began = time.perf_counter()
            result = gradio_raw.call(url, send, ["海城今年计划新建改建多少公里农村道路？", [], None, "extractive", 6, "中文"],
                                     client=user, timeout=300)
            waited = time.perf_counter() - began
            for t in threads:
                t.join()
            refused = sum(1 for a in answered if a)
            ok = "100公里" in str(result.get("output"))
            return f"real user answered {'correctly' if ok else 'WRONGLY'} in {waited:.1f} s; {refused}/25 flood questions refused"

        idle = idle_rate(proc.pid)
        rows.insert(0, f"idle server: {idle:.3f} CPU s per s (subtracted)\n")
        runs = {"one": one, "four": four, "history": history, "disconnected": disconnected, "flood": flood}
        for name in chosen:
            scenario(proc.pid, idle, SCENARIOS[name], runs[name], rows)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if tmp is not None:
            tmp.cleanup()
    print(f"\nplanqa abuse benchmark ({os.cpu_count()} cores; server CPU counted until it settles)\n")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
