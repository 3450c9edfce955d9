"""The first question after start: the server with and without its warm-up, each in a fresh
process on the same data dir (ingested first if empty). Prints one table: time to ready, the
first question's latency, the next questions' p50.

    .venv/bin/python benchmarks/first_question.py [--data-dir DIR] [--questions 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ["2023年海城的GDP增速是多少？", "海城今年计划新建改建多少公里农村道路？", "海城要实施几项民生保障工程？",
             "海城要加快启动哪类企业的培育计划？", "海城2023年一般公共预算收入同比增长了多少？",
             "食品药品监管要确保什么？"]

PROBE = """
import json, sys, time
started = time.perf_counter()
from fastapi.testclient import TestClient
from assistant.factory import build_service
from assistant.server import create_app
from assistant.settings import Settings
settings = Settings(data_dir=sys.argv[1], progress=False, rate_limit_per_minute=0)
service = build_service(settings)
app = create_app(settings, service=service, ui=False, warm=sys.argv[2] == "warm")
ready = time.perf_counter() - started
latencies = []
with TestClient(app) as client:
    for q in json.loads(sys.argv[3]):
        t = time.perf_counter()
        assert client.post("/api/v1/ask", json={"question": q}).status_code == 200
        latencies.append((time.perf_counter() - t) * 1000)
print(json.dumps({"ready_s": ready, "latencies_ms": latencies}))
"""


def run(data_dir: Path, mode: str, questions: list[str]) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", PROBE, str(data_dir), mode, json.dumps(questions, ensure_ascii=False)],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, help="default: a temporary one with the default corpus")
    parser.add_argument("--questions", type=int, default=len(QUESTIONS))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data_dir or Path(tmp) / "data"
        if args.data_dir is None:
            subprocess.run([sys.executable, "-m", "assistant.cli", "--data-dir", str(data_dir), "ingest", "--quiet"],
                           cwd=ROOT, check=True, capture_output=True)
        questions = QUESTIONS[: max(2, args.questions)]
        rows = []
        for mode in ("cold", "warm"):
            result = run(data_dir, mode, questions)
            lat = list(result["latencies_ms"])  # type: ignore[call-overload]
            rows.append((mode, float(result["ready_s"]), lat[0], statistics.median(lat[1:])))  # type: ignore[arg-type]
    print(f"{'server start':<22}{'ready (s)':>10}{'1st question (ms)':>19}{'next p50 (ms)':>15}")
    for mode, ready, first, rest in rows:
        label = "warm-up before ready" if mode == "warm" else "no warm-up (before)"
        print(f"{label:<22}{ready:>10.1f}{first:>19.0f}{rest:>15.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
