"""The web chat's scripting endpoint: ``gradio_client.Client(url).predict(question,
api_name="/ask")`` returns planqa's answer JSON (``answer``, ``citations`` with verbatim quotes, …),
the same object as ``POST /api/v1/ask``. The chat's own events stay private. When the server
has API keys, this endpoint needs one too (``Client(url, headers={"Authorization": "Bearer …"})``)."""

from __future__ import annotations

import hmac
import math
from typing import Any

import gradio as gr

from assistant.api.context import ApiContext
from assistant.public import public_message
from common.errors import PlanqaError


def install_ask_endpoint(ctx: ApiContext) -> None:
    """Add ``/ask`` to the Blocks being built."""
    keys = ctx.settings.api_key_list

    def ask(question: str, mode: str = "", top_k: int = 0, history: list[dict[str, str]] | None = None,
            request: gr.Request | None = None) -> dict[str, Any]:
        """Answer a question about the documents, with citations.

        Args:
            question: the question, in Chinese or English.
            mode: answer mode (extractive, local, openai); empty: the server's.
            top_k: passages to retrieve; 0: the server's setting.
            history: the conversation so far as [{"role", "content"}] messages (for follow-ups).
        """
        if keys:
            client = str(getattr(getattr(request, "client", None), "host", "") or "unknown")
            failures = ctx.auth_failures  # counted with the APIs' (AuthFailures)
            wait = failures.locked(client) if failures is not None else 0.0
            if wait > 0:
                raise gr.Error(f"429: too many failed authentication attempts; try again in {math.ceil(wait)} s")
            header = (request.headers.get("authorization", "") if request is not None else "") or ""
            given = header.removeprefix("Bearer ").strip()
            if not any(hmac.compare_digest(given.encode(), k.encode()) for k in keys):
                if failures is not None:
                    failures.fail(client)
                raise gr.Error("401: a valid API key is needed (Authorization: Bearer <key>)")
        try:
            service = ctx.services.get(mode or None)
            return service.ask(question, top_k=top_k or None, history=history or None).public()  # type: ignore[no-any-return]
        except PlanqaError as exc:
            raise gr.Error(public_message(str(exc))) from exc

    gr.api(ask, api_name="ask", concurrency_limit=8)
