"""``common/errors.py`` mapped to HTTP status codes, in one place.

/api/v1 answers ``{"error": {"type", "message"[, "file"]}}``; /v1 answers in OpenAI's shape
``{"error": {"message", "type", "param", "code"}}`` so that OpenAI clients show the message."""

from __future__ import annotations

import json
import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from assistant.public import public_message, public_source
from common.errors import (
    Cancelled,
    ConfigError,
    DocumentError,
    InputError,
    ModelError,
    NotFoundError,
    PlanqaError,
    QuestionError,
    StoreError,
)

log = logging.getLogger("planqa.api")

STATUS: list[tuple[type[PlanqaError], int]] = [
    (QuestionError, 422),
    (DocumentError, 422),
    (NotFoundError, 404),
    (InputError, 400),
    (ConfigError, 400),
    (ModelError, 503),
    (StoreError, 503),
    (Cancelled, 499),  # the client closed the request (nginx's code); nobody reads it
    (PlanqaError, 500),
]


def status_for(exc: PlanqaError) -> int:
    return next(code for cls, code in STATUS if isinstance(exc, cls))


_OPENAI_TYPES = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
                 404: "not_found_error", 413: "invalid_request_error", 422: "invalid_request_error",
                 429: "rate_limit_error"}


def error_body(path: str, status: int, kind: str, message: str, extra: dict[str, Any] | None = None) -> dict:
    if path.startswith("/v1"):
        return {"error": {"message": message, "type": _OPENAI_TYPES.get(status, "api_error"),
                          "param": None, "code": kind}}
    return {"error": {"type": kind, "message": message, **(extra or {})}}


def _finite(value: Any) -> Any:
    """NaN and infinities (not JSON) become null, at any depth."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def dumps_safe(value: Any) -> str:
    """JSON text that always encodes as UTF-8: strings a client sent with lone surrogates
    (``"\\ud800"``, echoed back in ``id`` or a message) are written as ``\\u`` escapes."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        text.encode("utf-8")
        return text
    except (UnicodeEncodeError, ValueError):
        return json.dumps(_finite(value), ensure_ascii=True, allow_nan=False, separators=(",", ":"), default=str)


class SafeJSONResponse(JSONResponse):
    """The JSON response of the APIs (see ``dumps_safe``)."""

    def render(self, content: Any) -> bytes:
        return dumps_safe(content).encode("utf-8")


_KINDS = {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 405: "MethodNotAllowed",
          413: "RequestTooLarge", 429: "RateLimited"}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(PlanqaError)
    async def planqa_error(request: Request, exc: PlanqaError) -> JSONResponse:
        status = status_for(exc)
        extra = {"file": public_source(exc.path)} if isinstance(exc, DocumentError) else None
        return SafeJSONResponse(error_body(request.url.path, status, type(exc).__name__, public_message(str(exc)), extra), status_code=status)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        kind = _KINDS.get(exc.status_code, "HTTPError")
        return SafeJSONResponse(error_body(request.url.path, exc.status_code, kind, public_message(str(exc.detail))),
                                status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
            parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
        body = error_body(request.url.path, 422, "ValidationError", "; ".join(parts))
        return SafeJSONResponse(body, status_code=422)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        """Anything unforeseen: the API's own JSON error (never a plain-text 500); the trace goes to the log."""
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        body = error_body(request.url.path, 500, "InternalError", "internal error (logged on the server)")
        return SafeJSONResponse(body, status_code=500)
