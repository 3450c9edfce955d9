"""Start the planqa web chat on the configured corpus (what `make run` runs)."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def main() -> None:
    from assistant.factory import build_service
    from assistant.settings import get_settings
    from assistant.webui import build_ui

    settings = get_settings()
    service = build_service(settings)
    report = service.ensure_default_corpus()
    if report is not None:
        print(f"ingested the default corpus: {report.summary()}")
    build_ui(service).launch(server_name=settings.host, server_port=settings.port)


if __name__ == "__main__":
    main()
