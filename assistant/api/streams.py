"""Server-sent event streams that stop working when their client goes away.

Starlette pulls a sync iterator's chunks in worker threads and, when the client disconnects,
cancels the response task, but a worker thread already inside ``next()`` (answering the
question) ran on to the end of its step: four disconnected 2,000-character questions still cost
the server their whole answers. ``cancellable_stream`` pulls each chunk under a ``CancelToken``
and does not wait for an abandoned pull: on cancellation it sets the token, so the answering
thread stops at its next ``checkpoint()`` (``common.cancel``), and closes the iterator when no
pull is running (a language model's stream included).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import anyio.to_thread
from fastapi.responses import StreamingResponse

from common.cancel import CancelToken, run_with

_END = object()
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


async def cancellable_stream(chunks: Iterator[str], token: CancelToken | None = None) -> AsyncIterator[str]:
    token = token or CancelToken()
    pulling = False
    try:
        while True:
            pulling = True
            chunk = await anyio.to_thread.run_sync(run_with, token, next, chunks, _END, abandon_on_cancel=True)
            pulling = False
            if chunk is _END:
                return
            yield str(chunk)
    finally:
        token.cancel()  # a pull still running stops at its next checkpoint
        close = getattr(chunks, "close", None)
        if not pulling and close is not None:
            close()


def event_stream(chunks: Iterator[str]) -> StreamingResponse:
    """The response of an SSE stream whose work stops when its client goes away."""
    return StreamingResponse(cancellable_stream(chunks), media_type="text/event-stream", headers=SSE_HEADERS)
