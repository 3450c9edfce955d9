"""/api/v1: ask (JSON or server-sent events), search, documents, figures. Thin over the service."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, HTTPException, Query, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from assistant.api.errors import SafeJSONResponse, dumps_safe, error_body, status_for
from assistant.api.security import Ctx, require_admin, require_key
from assistant.api.streams import event_stream
from assistant.public import public_message, public_source
from assistant.schema import StreamEvent
from common.errors import Cancelled, PlanqaError
from ingest.figures import SORT_KEYS, select_figures

# SafeJSONResponse: an answer echoing a client's lone surrogate (in ``id``) is still JSON, never a 500.
router = APIRouter(prefix="/api/v1", dependencies=[Depends(require_key)], tags=["planqa"],
                   default_response_class=SafeJSONResponse)
log = logging.getLogger("planqa.api")


class ChatMessage(BaseModel):
    role: Literal["user", "assistant", "system"]
    content: str


class AskRequest(BaseModel):
    question: str = Field(description="The question, in Chinese or English.")
    id: Any = Field(default=None, description="Echoed back in the answer.")
    top_k: int | None = Field(default=None, ge=1, le=50, description="Passages to retrieve.")
    history: list[ChatMessage] | None = Field(
        default=None, description="The conversation so far (oldest first), for follow-up questions."
    )
    stream: bool = Field(default=False, description="Server-sent events: token…, then answer.")
    mode: str | None = Field(default=None, description="Answer mode; default: the server's.")


class SearchRequest(BaseModel):
    query: str
    k: int | None = Field(default=None, ge=1, le=50)


def sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {dumps_safe(data)}\n\n"


def internal_error_event(path: str, exc: Exception) -> dict[str, Any]:
    """The body of an ``error`` event for an unforeseen failure mid-stream (the trace is logged)."""
    log.error("stream on %s failed", path, exc_info=exc)
    return error_body(path, 500, "InternalError", "internal error (logged on the server)")


def sse_answer_events(events: Iterator[StreamEvent]) -> Iterator[str]:
    """``token`` events ({"text"}), then one ``answer`` event (the public answer JSON, the one
    to show), or an ``error`` event."""
    try:
        for event in events:
            if event.type == "token":
                yield sse("token", {"text": event.text})
            elif event.type == "answer" and event.answer is not None:
                yield sse("answer", event.answer.public())
    except Cancelled:  # the client went away: nobody to tell
        return
    except PlanqaError as exc:
        yield sse("error", error_body("/api", status_for(exc), type(exc).__name__, public_message(str(exc))))
    except Exception as exc:  # never an empty 200: say so in the stream's own shape
        yield sse("error", internal_error_event("/api", exc))


@router.post("/ask", summary="Answer a question with citations (JSON, or SSE with stream=true)")
def ask(req: AskRequest, ctx: Ctx) -> Any:
    service = ctx.services.get(req.mode)
    history = [m.model_dump() for m in req.history] if req.history else None
    if req.stream:
        service.validate(req.question)  # bad input → a status code, before the stream starts
        service.bounded_history(history)
        events = service.stream(req.question, id=req.id, top_k=req.top_k, history=history)
        return event_stream(sse_answer_events(events))
    return service.ask(req.question, id=req.id, top_k=req.top_k, history=history).public()


@router.post("/search", summary="Retrieve passages (no answer)")
def search(req: SearchRequest, ctx: Ctx) -> dict[str, Any]:
    docs = ctx.service.search(req.query, req.k)
    results = [
        {"rank": i, "chunk_id": d.id, "doc_id": d.metadata.get("doc_id"), "title": d.metadata.get("title"),
         "source": public_source(d.metadata.get("source")), "section": d.metadata.get("section"), "text": d.page_content,
         "score": round(float(d.metadata.get("rrf", 0.0)), 6)}
        for i, d in enumerate(docs, start=1)
    ]
    return {"query": req.query, "results": results}


def document_json(d: Any) -> dict[str, Any]:
    meta = {**d.meta, "container": public_source(d.meta.get("container"))} if d.meta.get("container") else d.meta
    return {"doc_id": d.doc_id, "title": d.title, "source": public_source(d.source), "chunks": d.n_chunks,
            "chars": d.chars, "ingested_at": d.ingested_at, **meta}


@router.get("/documents", summary="List ingested documents")
def list_documents(ctx: Ctx) -> list[dict[str, Any]]:
    return [document_json(d) for d in ctx.service.documents()]


@router.post("/documents", summary="Upload documents (admin key)", dependencies=[Depends(require_admin)])
async def upload_documents(
    files: Annotated[list[UploadFile], File(description="One or more files (.txt, .md, … as the loaders support)")],
    ctx: Ctx,
) -> JSONResponse:
    items = [(f.filename or "upload", await f.read()) for f in files]

    def run() -> Any:  # the write lock is held only while the stores change, not for a whole file
        return ctx.service.ingest_files(items, lock=ctx.write_lock)

    report = await run_in_threadpool(run)
    body = {
        "added": report.added, "replaced": report.replaced, "unchanged": report.unchanged,
        "failed": [{"file": public_source(f), "reason": public_message(r)} for f, r in report.failed],
        "chunks": report.chunks, "chars": report.chars, "seconds": round(report.seconds, 2),
        "summary": report.summary(),
    }
    stored = report.added or report.replaced or report.unchanged
    if report.failed and not stored:
        message = "; ".join(f"{public_source(f)}: {public_message(r)}" for f, r in report.failed)
        return SafeJSONResponse({**error_body("/api", 422, "DocumentError", message), **body}, status_code=422)
    return SafeJSONResponse(body, status_code=200)


@router.delete("/documents/{doc_id}", summary="Delete a document (admin key)",
               dependencies=[Depends(require_admin)])
def delete_document(doc_id: str, ctx: Ctx) -> dict[str, Any]:
    with ctx.write_lock:
        removed = ctx.service.remove_document(doc_id)
    if not removed:
        raise HTTPException(status_code=404, detail=f"no document {doc_id}")
    return {"deleted": doc_id}


@router.get("/figures", summary="Figures and targets of the corpus")
def figures(
    ctx: Ctx,
    kind: Annotated[str | None, Query(description="目标 or 实际")] = None,
    q: Annotated[str | None, Query(description="Text to find in indicator, sentence or title")] = None,
    doc_id: str | None = None,
    period: Annotated[str | None, Query(description="e.g. 2024年")] = None,
    region: Annotated[str | None, Query(description="The document's region, e.g. 湖北省 or 国务院")] = None,
    year: Annotated[int | None, Query(ge=1900, le=2100, description="Figures about this year")] = None,
    sort: Annotated[str, Query(description="Column to sort by: " + ", ".join(SORT_KEYS))] = "position",
    order: Literal["asc", "desc"] = "asc",
    limit: Annotated[int, Query(ge=1, le=20000)] = 2000,
) -> dict[str, Any]:
    rows = select_figures(ctx.service.figures(), kind=kind, text=q, doc_id=doc_id, period=period,
                          sort=sort, descending=order == "desc", region=region, year=year)
    return {"count": len(rows), "figures": [{**r, "source": public_source(r["source"])} if r.get("source") else r
                                           for r in rows[:limit]]}
