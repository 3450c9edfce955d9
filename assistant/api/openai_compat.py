"""/v1: an OpenAI-compatible chat-completions API over the same service.

* ``model``: ``planqa`` (the server's answer mode) or ``planqa-<mode>``; ``GET /v1/models`` lists
  those that can answer now (a mode whose model is missing is not listed, and asking for it is 404);
* the last ``user`` message is the question, earlier user/assistant messages are the history;
* the answer's citations are in ``choices[0].message.citations`` (and the whole planqa answer
  in ``planqa``); when streaming, in the last chunk (``citations``, ``planqa``);
* clients that keep only the text (LangChain's ``ChatOpenAI``) get the sources as Markdown
  footnotes with ``"planqa": {"citations": "markdown"}`` or a model name ending in ``:markdown``;
* streamed tokens are provisional: if the final, checked answer differs from them, a last
  content delta says so and gives the checked answer (OpenAI's protocol cannot retract text).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from assistant.api.context import ApiContext
from assistant.api.errors import SafeJSONResponse, dumps_safe, error_body, status_for
from assistant.api.footnotes import (
    SUFFIX,
    MarkerStream,
    footnote_markers,
    footnotes,
    markdown_answer,
    markdown_table,
)
from assistant.api.routes import internal_error_event
from assistant.api.security import Ctx, require_key
from assistant.api.streams import event_stream
from assistant.public import public_message
from assistant.schema import Answer
from common.errors import Cancelled, PlanqaError, QuestionError

router = APIRouter(prefix="/v1", dependencies=[Depends(require_key)], tags=["openai-compatible"],
                   default_response_class=SafeJSONResponse)

MODEL_PREFIX = "planqa"
CORRECTION = "\n\n⚠️ 以下为核对后的答案（以此为准）：\n"


class OpenAIMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str
    content: str | list[dict[str, Any]] | None = None


class PlanqaOptions(BaseModel):
    """planqa's own request options (the ``planqa`` field, e.g. ``extra_body`` of OpenAI clients)."""

    citations: Literal["field", "markdown"] = Field(
        default="field",
        description="'field': citations only in message.citations; 'markdown': also appended to the "
        "content as Markdown footnotes ([^1] … [^1]: title › section：「quote」).",
    )


class ChatCompletionRequest(BaseModel):
    """OpenAI's request; sampling parameters (temperature, …) are accepted and ignored."""

    model_config = ConfigDict(extra="allow")
    model: str = MODEL_PREFIX
    messages: list[OpenAIMessage]
    stream: bool = False
    top_k: int | None = Field(default=None, ge=1, le=50, description="planqa extension: passages to retrieve.")
    planqa: PlanqaOptions | None = Field(default=None, description="planqa extension: output options.")

    @property
    def markdown(self) -> bool:
        return self.model.endswith(SUFFIX) or (self.planqa is not None and self.planqa.citations == "markdown")


def _text(content: str | list[dict[str, Any]] | None) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    return "".join(str(part.get("text", "")) for part in content if part.get("type", "text") == "text")


def _mode_of(model: str, ctx: ApiContext) -> str | None:
    name = model.removesuffix(SUFFIX)
    mode = ctx.services.default_mode if name == MODEL_PREFIX else name.removeprefix(f"{MODEL_PREFIX}-")
    if name != MODEL_PREFIX and (not name.startswith(f"{MODEL_PREFIX}-") or mode not in ctx.services.modes()):
        raise HTTPException(status_code=404, detail=f"model {model!r} does not exist; see GET /v1/models")
    state = ctx.services.state(mode)
    if not state.available:
        raise HTTPException(status_code=404, detail=f"model {model!r} cannot answer now: {state.detail}; "
                            "see GET /v1/models")
    return None if name == MODEL_PREFIX else mode


def model_ids(ctx: ApiContext) -> list[str]:
    """``planqa`` (when the server's own mode can answer) and ``planqa-<mode>`` for each mode that
    can answer now, each also with the ``:markdown`` suffix."""
    available = ctx.services.available_modes()
    ids = [MODEL_PREFIX] if ctx.services.default_mode in available else []
    ids += [f"{MODEL_PREFIX}-{m}" for m in available]
    return ids + [f"{i}{SUFFIX}" for i in ids]


def split_messages(messages: list[OpenAIMessage]) -> tuple[str, list[dict[str, str]]]:
    """The question (last user message) and the history before it."""
    last = max((i for i, m in enumerate(messages) if m.role == "user"), default=-1)
    if last < 0:
        raise QuestionError("messages: no message with role 'user'")
    history = [{"role": m.role, "content": _text(m.content)} for m in messages[:last]
               if m.role in ("user", "assistant")]
    return _text(messages[last].content), history


@router.get("/models", summary="Models (answer modes) that can answer now")
def models(ctx: Ctx) -> dict[str, Any]:
    created = int(ctx.started)
    ids = model_ids(ctx)
    return {"object": "list",
            "data": [{"id": i, "object": "model", "created": created, "owned_by": "planqa"} for i in ids]}


def _citations(answer: Answer) -> list[dict[str, Any]]:
    citations: list[dict[str, Any]] = answer.public()["citations"]  # sources without server paths
    return citations


@router.post("/chat/completions", summary="OpenAI-compatible chat completion with citations")
def chat_completions(req: ChatCompletionRequest, ctx: Ctx) -> Any:
    service = ctx.services.get(_mode_of(req.model, ctx))
    question, history = split_messages(req.messages)
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())
    if req.stream:
        service.validate(question)  # bad input → a status code, before the stream starts
        service.bounded_history(history)
        events = service.stream(question, top_k=req.top_k, history=history or None)
        return event_stream(_chunks(events, completion_id, created, req.model, req.markdown))
    answer = service.ask(question, top_k=req.top_k, history=history or None)
    content = markdown_answer(answer, footnoted=req.markdown)
    message = {"role": "assistant", "content": content, "citations": _citations(answer),
               "refused": answer.refused}
    return {
        "id": completion_id, "object": "chat.completion", "created": created, "model": req.model,
        "choices": [{"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}],
        "citations": message["citations"], "planqa": answer.public(),
    }


def _chunk(completion_id: str, created: int, model: str, delta: dict[str, Any],
           finish: str | None = None, **extra: Any) -> str:
    body = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}], **extra}
    return f"data: {dumps_safe(body)}\n\n"


def _chunks(events: Iterator[Any], completion_id: str, created: int, model: str,
            markdown: bool = False) -> Iterator[str]:
    yield _chunk(completion_id, created, model, {"role": "assistant", "content": ""})
    streamed: list[str] = []
    markers = MarkerStream()
    try:
        for event in events:
            if event.type == "token" and event.text:
                streamed.append(event.text)
                text = markers.feed(event.text) if markdown else event.text
                if text:
                    yield _chunk(completion_id, created, model, {"content": text})
            elif event.type == "answer" and event.answer is not None:
                answer: Answer = event.answer
                rest = markers.flush()
                if rest:
                    yield _chunk(completion_id, created, model, {"content": rest})
                if "".join(streamed).strip() != answer.answer.strip():
                    fix = answer.answer if not streamed else CORRECTION + answer.answer
                    yield _chunk(completion_id, created, model, {"content": footnote_markers(fix) if markdown else fix})
                table = markdown_table(answer)
                if table:
                    yield _chunk(completion_id, created, model,
                                 {"content": footnote_markers(table) if markdown else table})
                if markdown and answer.citations:
                    yield _chunk(completion_id, created, model, {"content": footnotes(answer)})
                citations = _citations(answer)
                yield _chunk(completion_id, created, model, {"citations": citations}, "stop",
                             citations=citations, planqa=answer.public())
    except Cancelled:  # the client went away: nobody to tell
        return
    except PlanqaError as exc:
        yield f"data: {dumps_safe(error_body('/v1', status_for(exc), type(exc).__name__, public_message(str(exc))))}\n\n"
    except Exception as exc:  # never a silent end: an error in OpenAI's shape, then [DONE]
        yield f"data: {dumps_safe(internal_error_event('/v1', exc))}\n\n"
    yield "data: [DONE]\n\n"
