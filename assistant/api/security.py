"""API keys, the admin key, the per-key rate limit and the request size limit."""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import threading
import time
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.api.context import ApiContext


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _matches(token: str, keys: list[str]) -> bool:
    return any(hmac.compare_digest(token.encode(), k.encode()) for k in keys)


def context(request: Request) -> ApiContext:
    ctx: ApiContext = request.app.state.planqa
    return ctx


Ctx = Annotated[ApiContext, Depends(context)]


class RateLimiter:
    """Token bucket per client: ``per_minute`` requests, refilled continuously."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def check(self, client: str) -> float:
        """0 when the request may go ahead, else the seconds to wait."""
        if self.per_minute <= 0:
            return 0.0
        rate = self.per_minute / 60.0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(client, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * rate)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                return 0.0
            self._buckets[client] = (tokens, now)
            return (1.0 - tokens) / rate


class AuthFailures:
    """Failed authentications per client address (a wrong or missing API key, a wrong admin key,
    here or in the web chat): ``per_minute`` of them, refilled continuously; past that the address
    is refused with 429 before its key is even looked at, so keys cannot be guessed at speed."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def _tokens(self, address: str, now: float) -> float:
        tokens, last = self._buckets.get(address, (float(self.per_minute), now))
        return min(float(self.per_minute), tokens + (now - last) * self.per_minute / 60.0)

    def locked(self, address: str) -> float:
        """Seconds until ``address`` may try again (0: it may)."""
        if self.per_minute <= 0:
            return 0.0
        with self._lock:
            tokens = self._tokens(address, time.monotonic())
        return 0.0 if tokens >= 1.0 else (1.0 - tokens) * 60.0 / self.per_minute

    def fail(self, address: str) -> None:
        if self.per_minute <= 0:
            return
        now = time.monotonic()
        with self._lock:
            self._buckets[address] = (max(0.0, self._tokens(address, now) - 1.0), now)
            if len(self._buckets) > 100_000:  # forget the addresses that have recovered
                full = [a for a in self._buckets if self._tokens(a, now) >= self.per_minute]
                for a in full:
                    del self._buckets[a]

    def refuse(self, address: str) -> None:
        """Raise 429 when ``address`` has failed too often."""
        wait = self.locked(address)
        if wait > 0:
            raise HTTPException(status_code=429, headers={"Retry-After": str(math.ceil(wait))},
                                detail="too many failed authentication attempts from this address; "
                                       f"try again in {math.ceil(wait)} s")


class ClientGate:
    """Per client address: a rate limit (questions per minute) and a cap on questions running at
    once. What a client started is forgotten after ``stale_s`` even if it was never finished (a
    stream dropped without being closed), so a client is never locked out for good."""

    def __init__(self, per_minute: int, max_running: int, stale_s: float = 300.0) -> None:
        self.limiter = RateLimiter(per_minute)
        self.max_running = max_running
        self.stale_s = stale_s
        self._running: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def admit(self, client: str) -> tuple[str, float] | None:
        """None when the question may run (the caller must ``leave`` afterwards), else why not:
        ("busy", 0) or ("rate", seconds to wait)."""
        now = time.monotonic()
        with self._lock:
            running = [t for t in self._running.get(client, []) if now - t < self.stale_s]
            if len(running) >= self.max_running:
                self._running[client] = running
                return "busy", 0.0
            wait = self.limiter.check(client)
            if wait > 0:
                return "rate", wait
            running.append(now)
            self._running[client] = running
        return None

    def leave(self, client: str) -> None:
        with self._lock:
            running = self._running.get(client, [])
            if running:
                running.pop(0)
            if not running:
                self._running.pop(client, None)


def address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _client_id(request: Request, token: str | None) -> str:
    if token:
        return "key:" + hashlib.sha256(token.encode()).hexdigest()[:16]
    return "addr:" + (request.client.host if request.client else "unknown")


def require_key(request: Request) -> str | None:
    """Dependency of every /api/v1 and /v1 route: a valid key when keys are configured
    (401 otherwise), then the per-key rate limit (429). Returns the key used, if any."""
    ctx = context(request)
    keys = ctx.settings.api_key_list
    admin = ctx.settings.admin_key
    token = _bearer(request)
    failures: AuthFailures | None = ctx.auth_failures
    if keys and failures is not None:
        failures.refuse(address(request))
    if keys and (token is None or not _matches(token, keys + ([admin] if admin else []))):
        if failures is not None:
            failures.fail(address(request))
        raise HTTPException(
            status_code=401,
            detail="missing or invalid API key: send 'Authorization: Bearer <key>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    limiter: RateLimiter = request.app.state.rate_limiter
    wait = limiter.check(_client_id(request, token))
    if wait > 0:
        raise HTTPException(
            status_code=429,
            detail=f"rate limit of {ctx.settings.rate_limit_per_minute} requests per minute exceeded",
            headers={"Retry-After": str(math.ceil(wait))},
        )
    return token


def require_admin(request: Request) -> None:
    """Dependency of uploads and deletes: the admin key when one is configured. Without an
    admin key, writes are open only when the API itself is open (no API keys)."""
    ctx = context(request)
    admin = ctx.settings.admin_key
    token = _bearer(request)
    failures: AuthFailures | None = ctx.auth_failures
    if admin:
        if failures is not None:
            failures.refuse(address(request))
        if token is None:
            if failures is not None:
                failures.fail(address(request))
            raise HTTPException(status_code=401, detail="this action needs the admin key",
                                headers={"WWW-Authenticate": "Bearer"})
        if not _matches(token, [admin]):
            if failures is not None:
                failures.fail(address(request))
            raise HTTPException(status_code=403, detail="this action needs the admin key")
    elif ctx.settings.api_key_list:
        raise HTTPException(
            status_code=403, detail="uploads and deletes are disabled: set PLANQA_ADMIN_KEY to allow them"
        )


class BodySizeLimit:
    """ASGI middleware: bodies larger than ``max_bytes`` get 413 (by Content-Length, or while
    reading a body sent without one)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_bytes
            except ValueError:
                too_big = True
            if too_big:
                await self._reject(send)
                return
            await self.app(scope, receive, send)
            return
        if scope.get("method") not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        # No Content-Length (chunked): read it here, within the limit, then replay it.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._reject(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _reject(self, send: Send) -> None:
        payload = json.dumps(
            {"error": {"type": "RequestTooLarge", "message": f"request body over {self.max_bytes} bytes"}}
        ).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(payload)).encode())]})
        await send({"type": "http.response.body", "body": payload})
