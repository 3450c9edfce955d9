"""The HTTP API: /api/v1 (planqa's own JSON and SSE) and /v1 (OpenAI-compatible)."""

from __future__ import annotations

from fastapi import FastAPI, HTTPException

from assistant.api.context import ApiContext, ServiceProvider, answer_modes
from assistant.api.errors import install_error_handlers
from assistant.api.openai_compat import router as openai_router
from assistant.api.routes import router as api_router
from assistant.api.security import AuthFailures, RateLimiter

__all__ = ["ApiContext", "ServiceProvider", "answer_modes", "install_api"]


def install_api(app: FastAPI, ctx: ApiContext) -> None:
    """Add the routers, their shared state and the error mapping to ``app``."""
    app.state.planqa = ctx
    app.state.rate_limiter = RateLimiter(ctx.settings.rate_limit_per_minute)
    if ctx.auth_failures is None:
        ctx.auth_failures = AuthFailures(ctx.settings.auth_failures_per_minute)
    install_error_handlers(app)
    app.include_router(api_router)
    app.include_router(openai_router)

    # Unknown paths under the APIs answer in the APIs' shape (else the web chat mounted at / would).
    methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]

    @app.api_route("/api/{rest:path}", methods=methods, include_in_schema=False)
    @app.api_route("/v1/{rest:path}", methods=methods, include_in_schema=False)
    def not_found(rest: str) -> None:
        raise HTTPException(status_code=404, detail="no such API path; see /docs")
