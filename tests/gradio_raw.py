"""Gradio's own HTTP protocol, spoken by hand (as an outside caller would): find an event by the
elem_id of the component that triggers it, upload files, join the queue and read the result."""

from __future__ import annotations

import json
import secrets
from typing import Any

import httpx


def fn_index(url: str, trigger_elem_id: str, event: str = "click") -> int:
    """The index of the event fired by ``event`` on the component with ``trigger_elem_id``."""
    config = httpx.get(f"{url}/config", timeout=30).json()
    ids = {c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == trigger_elem_id}
    for i, dep in enumerate(config["dependencies"]):
        if any(t[0] in ids and t[1] == event for t in dep["targets"]):
            return i
    raise LookupError(f"no {event} event on #{trigger_elem_id}")


def file_data(path: str, name: str | None = None) -> dict[str, Any]:
    return {"path": path, "orig_name": name or path.rsplit("/", 1)[-1], "meta": {"_type": "gradio.FileData"}}


def upload(url: str, files: list[tuple[str, bytes]], client: httpx.Client | None = None) -> httpx.Response:
    http = client or httpx.Client(timeout=60)
    return http.post(f"{url}/gradio_api/upload", files=[("files", (name, data)) for name, data in files])


def call(url: str, index: int, data: list[Any], session: str | None = None,
         client: httpx.Client | None = None, timeout: float = 120) -> dict[str, Any]:
    """Run event ``index`` with ``data``: ``{"status", "output"?, "success"?, "error"?}``."""
    http = client or httpx.Client(timeout=timeout)
    session = session or secrets.token_hex(8)
    payload = {"data": data, "fn_index": index, "session_hash": session, "event_data": None, "trigger_id": None}
    # json.dumps escapes what UTF-8 cannot carry (a lone surrogate goes as "\ud800", as a browser sends it)
    r = http.post(f"{url}/gradio_api/queue/join", content=json.dumps(payload).encode(),
                  headers={"Content-Type": "application/json"})
    if r.status_code != 200:
        return {"status": r.status_code, "body": r.text}
    with http.stream("GET", f"{url}/gradio_api/queue/data", params={"session_hash": session},
                     timeout=timeout) as stream:
        for line in stream.iter_lines():
            if not line.startswith("data:"):
                continue
            message = json.loads(line[5:])
            if message.get("msg") == "process_completed":
                return {"status": 200, "success": message.get("success"),
                        "output": (message.get("output") or {}).get("data"),
                        "error": (message.get("output") or {}).get("error")}
    return {"status": 200, "success": False, "error": "stream ended"}
