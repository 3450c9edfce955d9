"""👍/👎 feedback from the web chat, appended as JSON lines to ``<data dir>/feedback.jsonl``."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

from assistant.schema import Answer

_lock = threading.Lock()


class FeedbackLog:
    def __init__(self, path: Path) -> None:
        self.path = path

    def record(self, *, rating: str, question: str, answer: Answer | None, session: str = "",
               mode: str = "", lang: str = "") -> dict[str, Any]:
        """Append one rating (``up``/``down``) with the question, the answer and what it cited."""
        entry: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "session": session,
            "rating": rating,
            "question": question,
            "answer": answer.answer if answer else "",
            "refused": answer.refused if answer else None,
            "mode": answer.mode if answer else mode,
            "citations": [{"n": c.n, "doc_id": c.doc_id, "title": c.title, "quote": c.quote}
                          for c in (answer.citations if answer else [])],
            "lang": lang,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _lock, self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")
        return entry

    def read(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line.strip()]
