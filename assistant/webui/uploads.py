"""The web chat's file uploads, closed to everything but real uploads.

Gradio uploads in two steps: the browser POSTs the bytes to ``/gradio_api/upload`` and gets
server paths back, then sends those paths (``FileData``) with the event. Gradio trusts the path
of the second step, and its own path check does not run for a mounted app, so a caller could
name any file on the server. Here:

* ``/gradio_api/upload`` is refused while knowledge-base writes are off (no admin key), and is
  otherwise bounded per client address: requests per minute, files per request, bytes pending;
* the files land in ``<data dir>/uploads`` (not a shared ``/tmp/gradio``), and each one Gradio
  wrote is registered with the client that sent it;
* any other request to the chat that carries a ``FileData`` whose path is not such a
  registered upload is refused before Gradio touches the path;
* uploads are never served back (``/gradio_api/file=…`` under the upload folder is 404), are
  deleted once ingested, and expire after ``PLANQA_UPLOAD_TTL_S``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.api.security import RateLimiter

GRADIO_PREFIX = "/gradio_api"
_FILE_ROUTES = (f"{GRADIO_PREFIX}/file=", f"{GRADIO_PREFIX}/file/")
# Gradio routes that take files from anonymous callers and that this app never needs.
_CLOSED_ROUTES = (f"{GRADIO_PREFIX}/process_recording",)


_FOLDER: Path | None = None


def upload_folder(root: Path, ttl_s: float) -> Path:
    """This process's upload folder under ``root`` (``<data dir>/uploads``), made Gradio's upload
    and cache folder (``GRADIO_TEMP_DIR``) for the whole process: Gradio builds components again
    while serving (a session's copy of a component whose label or value an event changed) and
    takes the folder from the environment then. One folder per process, so that workers sharing
    a data dir keep their own; what earlier runs left is removed once older than the TTL."""
    global _FOLDER
    if _FOLDER is None or not _FOLDER.exists():
        root.mkdir(parents=True, exist_ok=True)
        for old in root.iterdir():
            try:
                if time.time() - old.stat().st_mtime > ttl_s:
                    shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink()
            except OSError:
                pass
        _FOLDER = Path(tempfile.mkdtemp(prefix="web-", dir=root)).resolve()
        os.environ["GRADIO_TEMP_DIR"] = str(_FOLDER)
    return _FOLDER


@dataclass
class Upload:
    path: Path
    client: str
    size: int
    at: float


class UploadRegistry:
    """Files that ``/gradio_api/upload`` wrote, by real path, with the client that sent them."""

    def __init__(self, folder: Path, ttl_s: float, max_pending_bytes: int) -> None:
        self.folder = folder.resolve()
        self.ttl_s = ttl_s
        self.max_pending_bytes = max_pending_bytes
        self._items: dict[str, Upload] = {}
        self._lock = threading.Lock()

    def inside(self, path: str | Path) -> bool:
        try:
            return Path(os.path.realpath(path)).is_relative_to(self.folder)
        except (OSError, ValueError):
            return False

    def register(self, paths: list[str], client: str) -> None:
        now = time.monotonic()
        with self._lock:
            for p in paths:
                real = os.path.realpath(p)
                if Path(real).is_relative_to(self.folder) and os.path.isfile(real):
                    self._items[real] = Upload(Path(real), client, os.path.getsize(real), now)

    def known(self, path: str, client: str) -> bool:
        with self._lock:
            item = self._items.get(os.path.realpath(path))
            return item is not None and item.client == client

    def claim(self, path: str, client: str) -> Upload | None:
        """The registered upload at ``path`` sent by ``client``, removed from the registry (its
        file stays until ``discard``); None when it is not one."""
        self.purge()
        with self._lock:
            real = os.path.realpath(path)
            item = self._items.get(real)
            if item is None or item.client != client:
                return None
            del self._items[real]
            return item

    def pending_bytes(self) -> int:
        with self._lock:
            return sum(i.size for i in self._items.values())

    def purge(self, now: float | None = None) -> int:
        """Delete uploads older than the TTL; returns how many."""
        now = time.monotonic() if now is None else now
        with self._lock:
            old = [k for k, v in self._items.items() if now - v.at > self.ttl_s]
            items = [self._items.pop(k) for k in old]
        for item in items:
            self.discard(item.path)
        return len(items)

    def discard(self, path: Path) -> None:
        """Remove an upload's file (and the folder Gradio made for it, when empty)."""
        try:
            path.unlink(missing_ok=True)
            if path.parent != self.folder and self.inside(path.parent):
                path.parent.rmdir()
        except OSError:
            pass


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _file_paths(value: Any) -> list[str]:
    """Paths of every Gradio ``FileData`` inside a request body (at any depth)."""
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            meta = item.get("meta")
            if isinstance(meta, dict) and meta.get("_type") == "gradio.FileData":
                found.append(str(item.get("path") or item.get("url") or ""))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


class UploadGate:
    """ASGI middleware in front of the mounted Gradio app (see the module docstring)."""

    def __init__(self, app: ASGIApp, registry: UploadRegistry, writes_enabled: Callable[[], bool],
                 max_files: int, rate_per_minute: int, mounts: tuple[str, ...] = ("",)) -> None:
        self.app = app
        # Where the chat pages are mounted ("" for /, "/en" for /en/): the gate sees the Gradio
        # routes of every page, whatever its prefix. Longest first, so /en is not read as /.
        self.mounts = sorted((m.rstrip("/") for m in mounts), key=len, reverse=True)
        self.registry = registry
        self.writes_enabled = writes_enabled
        self.max_files = max_files
        self.limiter = RateLimiter(rate_per_minute)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = self._route(scope.get("path", ""))
        method = scope.get("method", "GET")
        if path.startswith(_CLOSED_ROUTES):
            await _reject(send, 404, "NotFound", "not available")
            return
        if path.startswith(_FILE_ROUTES):
            asked = unquote(path.split("=", 1)[1] if "=" in path else path[len(_FILE_ROUTES[1]):])
            if self.registry.inside(asked) or self.registry.inside("/" + asked.lstrip("/")):
                await _reject(send, 404, "NotFound", "uploaded files are not served")
                return
        if method == "POST" and path.rstrip("/") == f"{GRADIO_PREFIX}/upload":
            await self._upload(scope, receive, send)
            return
        if method == "POST" and path.startswith(GRADIO_PREFIX):
            await self._checked(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _route(self, path: str) -> str:
        """``path`` within its page's mount: ``/en/gradio_api/upload`` → ``/gradio_api/upload``."""
        for mount in self.mounts:
            if mount and path.startswith(mount + GRADIO_PREFIX):
                return path[len(mount):]
        return path

    async def _upload(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = _client(scope)
        if not self.writes_enabled():
            await _reject(send, 403, "Forbidden",
                          "knowledge-base writes are off on this server (no PLANQA_ADMIN_KEY)")
            return
        wait = self.limiter.check("upload:" + client)
        if wait > 0:
            await _reject(send, 429, "RateLimited", "too many uploads; try again shortly",
                          [(b"retry-after", str(int(wait) + 1).encode())])
            return
        self.registry.purge()
        if self.registry.pending_bytes() > self.registry.max_pending_bytes:
            await _reject(send, 429, "RateLimited", "too many uploads are waiting to be ingested; try again later")
            return
        status: list[int] = []
        body: list[bytes] = []
        start: list[Message] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
                start.append(message)
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        raw = b"".join(body)
        paths: list[str] = []
        if status and status[0] == 200:
            try:
                parsed = json.loads(raw)
                paths = [str(p) for p in parsed] if isinstance(parsed, list) else []
            except ValueError:
                paths = []
        if len(paths) > self.max_files:
            for p in paths:
                if self.registry.inside(p):
                    self.registry.discard(Path(os.path.realpath(p)))
            await _reject(send, 413, "RequestTooLarge", f"at most {self.max_files} files per upload")
            return
        if status and status[0] == 200:
            self.registry.register(paths, client)
        if not start:
            await _reject(send, 500, "InternalError", "upload failed")
            return
        if status[0] != 200:  # Gradio's own refusals are plain text: give them our JSON shape
            kind = "RequestTooLarge" if status[0] == 413 else "UploadError"
            await _reject(send, status[0], kind, raw.decode("utf-8", "replace")[:300] or "upload refused")
            return
        await send(start[0])
        await send({"type": "http.response.body", "body": raw})

    async def _checked(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse a body naming a file that is not this client's registered upload."""
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        raw = b"".join(chunks)
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = None
        client = _client(scope)
        for path in _file_paths(payload):
            if not path or not self.registry.known(path, client):
                await _reject(send, 403, "Forbidden",
                              "a file must be uploaded to this server first (POST /gradio_api/upload)")
                return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": raw, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _reject(send: Send, status: int, kind: str, message: str,
                  headers: list[tuple[bytes, bytes]] | None = None) -> None:
    payload = json.dumps({"error": {"type": kind, "message": message}}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(payload)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": payload})
