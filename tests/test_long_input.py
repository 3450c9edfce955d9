"""What a long or hostile question may cost, against the real server and service: only the
first tokens of a question are embedded, the history is bounded (its size refused, only the
latest turns read), and the web chat limits each client address as the API does."""

from __future__ import annotations

import re
import threading
from typing import Any

import gradio_raw as gr_raw
import httpx
import pytest
from conftest import SEED_FILE
from live_server import LiveServer

QUESTION = "海城今年计划新建改建多少公里农村道路？"


def long_message(n: int = 1990) -> str:
    """A pasted passage of the report with no piece that asks: kept whole by the question's
    reading (``asking_part``), so all of it reached the embedder."""
    text = re.sub(r"[?？几吗呢哪]|多少|什么|怎么|怎样|如何|是否|分别", "", SEED_FILE.read_text(encoding="utf-8"))
    return text.replace("\n", "")[1000 : 1000 + n]


class Hold:
    """Wraps a service method: counts calls; the first call waits until released."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls = 0
        self.entered, self.release = threading.Event(), threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        self.entered.set()
        self.release.wait(timeout=60)
        return self.inner(*args, **kwargs)


@pytest.fixture(scope="module")
def limited_server(seed_service, seed_settings):
    from assistant.server import create_app

    settings = seed_settings.model_copy(update={"rate_limit_per_minute": 0, "chat_rate_per_minute": 3,
                                                "chat_max_pending": 1})
    server = LiveServer(create_app(settings, service=seed_service), data_dir=settings.data_dir)
    yield server
    server.stop()


def test_only_the_first_tokens_of_a_long_question_are_embedded(planqa_server, seed_service, monkeypatch):
    """A 2,000-character message (~1,400 tokens, three e5 windows) was embedded whole."""
    model = seed_service.kb.embeddings._model
    embedded: list[int] = []
    real_query = model.query

    def query(text: str) -> Any:
        embedded.append(model.token_count(text, True))
        return real_query(text)

    monkeypatch.setattr(model, "query", query)
    question = long_message()
    r = httpx.post(f"{planqa_server.url}/api/v1/ask", json={"question": question}, timeout=120)
    assert r.status_code == 200 and r.json()["question"] == question
    # 128 tokens, the "query: " prefix, <s> and </s>: not the ~1,400 of the question
    assert embedded and max(embedded) <= 136, embedded


def test_history_is_bounded(planqa_server, seed_settings, monkeypatch):
    url = planqa_server.url
    turns = [{"role": "user" if i % 2 == 0 else "assistant", "content": f"第{i}个问题：海城的GDP增速是多少？"}
             for i in range(1000)]
    r = httpx.post(f"{url}/api/v1/ask", json={"question": "那2022年呢？", "history": turns}, timeout=60)
    assert r.status_code == 422 and r.json()["error"]["type"] == "QuestionError"
    assert "history" in r.json()["error"]["message"] and "200" in r.json()["error"]["message"]
    r = httpx.post(f"{url}/api/v1/ask", json={"question": "那2022年呢？", "history": turns, "stream": True}, timeout=60)
    assert r.status_code == 422  # before the stream starts
    r = httpx.post(f"{url}/v1/chat/completions", timeout=60,
                   json={"model": "planqa", "messages": [*turns, {"role": "user", "content": "那2022年呢？"}]})
    assert r.status_code == 422 and r.json()["error"]["type"] == "invalid_request_error"
    big = [{"role": "user", "content": "海" * 60_000}, {"role": "assistant", "content": "城" * 60_000}]
    r = httpx.post(f"{url}/api/v1/ask", json={"question": "那2022年呢？", "history": big}, timeout=60)
    assert r.status_code == 422 and "characters" in r.json()["error"]["message"]

    import assistant.service as service_module

    seen: list[int] = []
    real = service_module.standalone
    monkeypatch.setattr(service_module, "standalone",
                        lambda q, history, rewriter=None: seen.append(len(history or [])) or real(q, history, rewriter))
    r = httpx.post(f"{url}/api/v1/ask", json={"question": "那2022年呢？", "history": turns[:30]}, timeout=60)
    assert r.status_code == 200
    assert seen == [2 * seed_settings.history_turns]  # the latest turns only


def _ask_in_chat(url: str, question: str, client: httpx.Client | None = None) -> dict:
    send = gr_raw.fn_index(url, "planqa-send")
    return gr_raw.call(url, send, [question, [], None, "extractive", 6, "中文"], client=client)


def test_web_chat_is_rate_limited_per_client(limited_server):
    """25 anonymous questions through the chat, which had no limit, made a real user wait 42 s."""
    url = limited_server.url
    outputs = [_ask_in_chat(url, QUESTION)["output"] for _ in range(4)]
    assert all("100公里" in str(o[0]) for o in outputs[:3])
    assert "提问过于频繁" in outputs[3][4] and "100公里" not in str(outputs[3][0])
    other = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=120)
    assert "100公里" in str(_ask_in_chat(url, QUESTION, client=other)["output"][0])  # another client


def test_web_chat_runs_one_question_per_client_at_a_time(limited_server, seed_service, monkeypatch):
    url = limited_server.url
    held = Hold(seed_service.retrieve)
    monkeypatch.setattr(seed_service, "retrieve", held)
    client = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.3"), timeout=120)
    first: dict[str, Any] = {}
    t = threading.Thread(target=lambda: first.update(_ask_in_chat(url, QUESTION, client=client)))
    t.start()
    try:
        assert held.entered.wait(timeout=60)
        second = _ask_in_chat(url, "海城今年新建多少个5G基站？", client=client)
        assert "还在回答中" in second["output"][4]
    finally:
        held.release.set()
        t.join(timeout=60)
    assert "100公里" in str(first["output"][0])
    assert held.calls >= 1
