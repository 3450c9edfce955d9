"""Start planqa: the web chat at /, the API at /api/v1 and /v1 (what `make run` runs).
Same as `planqa serve`; host, port and workers come from PLANQA_* settings."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def main() -> None:
    from assistant.server import serve

    serve()


if __name__ == "__main__":
    main()
