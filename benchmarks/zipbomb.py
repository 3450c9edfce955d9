"""The overlapping-entries zip bomb of issue 13 through `planqa ingest`, measured: one stored member
(a nested zip of ~2.5 MB whose text expands ~130×) and 199 central-directory entries pointing at it,
so ~65 GB in all while every declared size and ratio looks harmless. Prints the outcome, the wall
time and the peak RSS of the ingest process (sampled from /proc; the run is killed at --timeout).

    .venv/bin/python benchmarks/zipbomb.py [--entries 199] [--inner-mb 2.5] [--timeout 60]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0:1] = [str(ROOT), str(ROOT / "tests")]  # not benchmarks/ (its ingest.py would shadow the package)

from zipbombs import overlapping_zip  # noqa: E402


def inner_zip(compressed_bytes: int) -> bytes:
    """A zip holding one text member that deflates about 130×, up to ``compressed_bytes``."""
    base = (ROOT / "ingest" / "default_corpus" / "haicheng-2024-work-plan.txt").read_text(encoding="utf-8")
    rng = random.Random(1)
    period = base.replace("\n", "") + "\n"
    text_bytes = int(compressed_bytes * 125)
    parts, size = [], 0
    while size < text_bytes:
        part = f"{period}{rng.randrange(10**5, 10**6)}\n"
        parts.append(part)
        size += len(part.encode())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("plan.txt", "".join(parts))
    return buf.getvalue()


def peak_rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=199)
    parser.add_argument("--inner-mb", type=float, default=2.5)
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="planqa-zipbomb-") as tmp:
        inner = inner_zip(int(args.inner_mb * 1024 * 1024))
        with zipfile.ZipFile(io.BytesIO(inner)) as z:
            expands = z.infolist()[0].file_size
        bomb = Path(tmp) / "bomb.zip"
        bomb.write_bytes(overlapping_zip(inner, args.entries, name="inner.zip"))
        bomb_bytes = bomb.stat().st_size
        env = {**os.environ, "PLANQA_DATA_DIR": str(Path(tmp) / "data"), "PLANQA_PROGRESS": "false",
               "PLANQA_DEFAULT_CORPUS": str(Path(tmp) / "none")}
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "ingest", str(bomb)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        peak = 0
        while proc.poll() is None and time.perf_counter() - started < args.timeout:
            peak = max(peak, peak_rss(proc.pid))
            time.sleep(0.2)
        killed = proc.poll() is None
        if killed:
            peak = max(peak, peak_rss(proc.pid))
            proc.kill()
        output = proc.communicate()[0]
        seconds = time.perf_counter() - started
    outcome = f"killed after {args.timeout:.0f} s" if killed else f"exit {proc.returncode}"
    message = next((line for line in output.splitlines() if "bomb" in line or "overlap" in line), output[-200:])
    print(f"| bomb | expands to | outcome | wall | peak RSS |\n|---|---|---|---|---|\n"
          f"| {bomb_bytes:,} B zip, {args.entries} entries → one "
          f"{len(inner):,} B stored zip | {args.entries} × {expands:,} B = {args.entries * expands / 1e9:.0f} GB "
          f"| {outcome} | {seconds:.1f} s | {peak / 1e6:,.0f} MB |")
    print(f"message: {message.strip()[:300]}")


if __name__ == "__main__":
    main()
