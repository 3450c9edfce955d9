"""A client that goes away mid-stream stops the server's work for it (issue 13, item 4): four
disconnected 2,000-character questions used to cost their whole answers. Real server; the
service's steps are wrapped to hold the answer inside one step and count the later ones."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from live_server import LiveServer

QUESTION = "海城今年计划新建改建多少公里农村道路？"


class Ends:
    """The app, noting when its handling of a request to ``path`` has returned."""

    def __init__(self, app: Any, path: str) -> None:
        self.app, self.path = app, path
        self.ended = threading.Event()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            if scope["type"] == "http" and scope["path"] == self.path:
                self.ended.set()


class Held:
    """Wraps a service step: the first call waits (in the server's worker) until released."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.entered, self.release = threading.Event(), threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.entered.set()
        self.release.wait(timeout=60)
        return self.inner(*args, **kwargs)


class Counted:
    def __init__(self, inner: Any) -> None:
        self.inner, self.calls = inner, 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.inner(*args, **kwargs)


@pytest.mark.parametrize(("path", "body"), [
    ("/api/v1/ask", {"question": QUESTION, "stream": True}),
    ("/v1/chat/completions", {"stream": True, "messages": [{"role": "user", "content": QUESTION}]}),
])
def test_a_stream_whose_client_goes_away_stops_its_work(seed_service, seed_settings, monkeypatch, path, body):
    """The client reads the response headers and closes the connection while the answer is in
    its first step. The server ends the request without waiting for the step, and the answer
    stops at the next step: nothing is retrieved for a client that is gone. (Before: the
    request ran the whole answer, retrieval included, for nobody.)"""
    from assistant.server import create_app

    settings = seed_settings.model_copy(update={"rate_limit_per_minute": 0})
    app = Ends(create_app(settings, service=seed_service), path)
    server = LiveServer(app, data_dir=settings.data_dir)
    held, retrieve = Held(seed_service.analyze), Counted(seed_service.retrieve)
    streams_done = threading.Event()
    real_stream = seed_service.stream

    def stream(*args: Any, **kwargs: Any) -> Iterator[Any]:
        try:
            yield from real_stream(*args, **kwargs)
        finally:
            streams_done.set()

    monkeypatch.setattr(seed_service, "analyze", held)
    monkeypatch.setattr(seed_service, "retrieve", retrieve)
    monkeypatch.setattr(seed_service, "stream", stream)
    try:
        with httpx.Client(timeout=30) as client, client.stream("POST", f"{server.url}{path}", json=body) as r:
            assert r.status_code == 200
            assert held.entered.wait(timeout=30), "the answer never reached its first step"
        # the client is gone; the answer is still held inside analyze()
        assert app.ended.wait(timeout=20), "the server kept the request of a gone client open until its answer ended"
        held.release.set()
        assert streams_done.wait(timeout=30), "the answer for a gone client never stopped"
        assert retrieve.calls == 0, "the server went on retrieving for a client that had gone away"
    finally:
        held.release.set()
        server.stop()


def test_a_stream_read_to_the_end_is_unchanged(planqa_server):
    with httpx.Client(timeout=60) as client:
        text = client.post(f"{planqa_server.url}/api/v1/ask", json={"question": QUESTION, "stream": True}).text
    assert "event: token" in text and "event: answer" in text and "100公里" in text



def gradio_job_alive(blocks: Any, event_id: str) -> bool:
    """Whether Gradio's queue still counts the event as wanted (its page still there)."""
    return any(e._id == event_id and e.alive for job in blocks._queue.active_jobs for e in job or [])


def test_a_web_chat_page_that_goes_away_stops_its_answer(planqa_server, seed_service, monkeypatch):
    """The page's event stream closes while its answer is in its first step: once Gradio has
    marked the event dead, the answer stops at the next step (nothing retrieved)."""
    import gradio_raw
    from gradio.context import LocalContext

    held, retrieve = Held(seed_service.analyze), Counted(seed_service.retrieve)
    event: dict[str, Any] = {}

    def analyze(*args: Any, **kwargs: Any) -> Any:  # runs in Gradio's worker: its event is known
        event.update(blocks=LocalContext.blocks.get(None), id=LocalContext.event_id.get(None))
        return held(*args, **kwargs)

    streams_done = threading.Event()
    real_stream = seed_service.stream

    def stream(*args: Any, **kwargs: Any) -> Iterator[Any]:
        try:
            yield from real_stream(*args, **kwargs)
        finally:
            streams_done.set()

    monkeypatch.setattr(seed_service, "analyze", analyze)
    monkeypatch.setattr(seed_service, "retrieve", retrieve)
    monkeypatch.setattr(seed_service, "stream", stream)
    url, session = planqa_server.url, "gone-page-0001"
    payload = {"data": [QUESTION, [], None, "extractive", 6, "中文"], "fn_index": gradio_raw.fn_index(url, "planqa-send"),
               "session_hash": session, "event_data": None, "trigger_id": None}
    try:
        with httpx.Client(timeout=30) as page:
            assert page.post(f"{url}/gradio_api/queue/join", json=payload).status_code == 200
            with page.stream("GET", f"{url}/gradio_api/queue/data", params={"session_hash": session}) as r:
                for _ in r.iter_lines():
                    if held.entered.is_set():
                        break
        assert held.entered.wait(timeout=30), "the answer never reached its first step"
        # Gradio notices the closed stream at its next poll (within ~10 s) and marks the event dead
        waiting = threading.Event()
        for _ in range(300):
            if not gradio_job_alive(event["blocks"], event["id"]):
                break
            waiting.wait(0.1)
        assert not gradio_job_alive(event["blocks"], event["id"]), "Gradio never noticed the page had gone"
        held.release.set()
        assert streams_done.wait(timeout=30), "the answer for a gone page never stopped"
        assert retrieve.calls == 0, "the web chat went on retrieving for a page that had gone away"
    finally:
        held.release.set()
