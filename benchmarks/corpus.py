"""The evaluation collection: the default report + the 56 national + the 31 provincial reports
of ``../shared/corpora`` in one collection (what the question sets are judged on). Idempotent:
documents already in the data dir are not embedded again.

    .venv/bin/python benchmarks/corpus.py --data-dir /path/to/collection
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.splits import ROOT, SHARED  # noqa: E402

PATHS = [
    ROOT / "ingest" / "default_corpus",
    SHARED / "corpora" / "national-work-reports",
    SHARED / "corpora" / "provincial-2025",
]


def build(data_dir: Path, collection: str = "planqa", progress: bool = True):  # type: ignore[no-untyped-def]
    """The service over the evaluation collection in ``data_dir`` (built when missing)."""
    from assistant.factory import build_service
    from assistant.settings import Settings

    service = build_service(Settings(data_dir=data_dir, collection=collection, progress=progress))
    started = time.perf_counter()
    report = service.ingest(PATHS)
    if not report.ok:
        raise SystemExit(f"ingest failed: {report.failed}")
    if report.added:
        print(f"{report.summary()}; {report.chars / max(time.perf_counter() - started, 1e-9):,.0f} chars/s",
              file=sys.stderr)
    return service


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--collection", default="planqa")
    args = parser.parse_args()
    service = build(args.data_dir, args.collection)
    print(f"{len(service.documents())} documents in {args.data_dir}")


if __name__ == "__main__":
    main()
