"""The HTTP API against the real app over the real seed service: /api/v1 (JSON and SSE),
uploads and deletes, figures, errors mapped to status codes, API keys, the admin key, CORS,
the size limit and the rate limit, and the official ``openai`` client talking to /v1."""

from __future__ import annotations

import json
import random
import re
import string

import httpx
import openai
import pytest
from fastapi.testclient import TestClient

from assistant.schema import Answer, Citation

# The public answer JSON, as the CLI prints it (``Answer.public()``).
PUBLIC_KEYS = list(Answer(question="q", answer="a", refused=False, mode="m").public())
CITATION_KEYS = list(Citation.model_fields)


def sse_events(response: httpx.Response) -> list[tuple[str, dict]]:
    events, name = [], "message"
    for line in response.iter_lines():
        if line.startswith("event:"):
            name = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            events.append((name, json.loads(line.split(":", 1)[1])))
            name = "message"
    return events


def test_server_serves_chat_api_docs_and_health(planqa_server):
    url = planqa_server.url
    health = httpx.get(f"{url}/healthz").json()
    assert health["status"] == "ok" and health["documents"] >= 1
    page = httpx.get(f"{url}/")
    assert page.status_code == 200 and "<gradio-app" in page.text
    spec = httpx.get(f"{url}/openapi.json").json()
    for path in ("/api/v1/ask", "/api/v1/search", "/api/v1/documents", "/api/v1/documents/{doc_id}",
                 "/api/v1/figures", "/v1/chat/completions", "/v1/models", "/healthz"):
        assert path in spec["paths"], path
    assert httpx.get(f"{url}/docs").status_code == 200
    js = httpx.get(f"{url}/gradio.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert httpx.get(f"{url}/{js.text.split(chr(34))[1].lstrip('./')}").status_code == 200  # its module


def test_ask_returns_the_cli_json(planqa_server, seed_dev):
    item = seed_dev[0]
    r = httpx.post(f"{planqa_server.url}/api/v1/ask", json={"question": item["question"], "id": item["id"]},
                   timeout=60)
    assert r.status_code == 200
    body = r.json()
    assert list(body) == PUBLIC_KEYS
    assert body["id"] == item["id"] and not body["refused"] and body["mode"] == "extractive"
    assert any(a in body["answer"] for a in item["answer_all"])
    cite = body["citations"][0]
    assert list(cite) == CITATION_KEYS
    assert cite["text"][cite["start"] : cite["end"]] == cite["quote"]


def test_ask_streams_server_sent_events(planqa_server, seed_dev):
    item = seed_dev[2]
    with httpx.stream("POST", f"{planqa_server.url}/api/v1/ask", timeout=60,
                      json={"question": item["question"], "stream": True}) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        events = sse_events(r)
    names = [name for name, _ in events]
    assert names[-1] == "answer" and names.count("answer") == 1
    assert set(names[:-1]) == {"token"}
    final = events[-1][1]
    assert list(final) == PUBLIC_KEYS and final["citations"]
    assert any(a in final["answer"] for a in item["answer_all"])


def test_follow_up_history_is_accepted(planqa_server, seed_dev):
    history = [{"role": "user", "content": seed_dev[0]["question"]},
               {"role": "assistant", "content": "2023年，海城市地区生产总值同比增长6.7%[1]。"}]
    r = httpx.post(f"{planqa_server.url}/api/v1/ask", timeout=60,
                   json={"question": "一般公共预算收入呢？", "history": history})
    assert r.status_code == 200 and list(r.json()) == PUBLIC_KEYS


def test_search_returns_passages(planqa_server):
    r = httpx.post(f"{planqa_server.url}/api/v1/search", json={"query": "农村道路", "k": 3}, timeout=60)
    results = r.json()["results"]
    assert r.status_code == 200 and 1 <= len(results) <= 3
    assert any("农村道路" in x["text"] for x in results)
    assert {"rank", "chunk_id", "doc_id", "title", "section", "text", "score"} <= set(results[0])


@pytest.mark.parametrize(
    ("payload", "status", "kind"),
    [
        ({"question": "   "}, 422, "QuestionError"),
        ({"question": "问" * 5000}, 422, "QuestionError"),
        ({"top_k": 3}, 422, "ValidationError"),
        ({"question": "海城", "top_k": 0}, 422, "ValidationError"),
        ({"question": "海城", "mode": "telepathy"}, 400, "ConfigError"),
    ],
)
def test_bad_questions_get_clear_errors(planqa_server, payload, status, kind):
    r = httpx.post(f"{planqa_server.url}/api/v1/ask", json=payload, timeout=30)
    assert r.status_code == status
    error = r.json()["error"]
    assert error["type"] == kind and error["message"]


def test_upload_ask_figures_delete(planqa_server):
    url = planqa_server.url
    tag = "".join(random.choices(string.ascii_lowercase, k=8))
    name = f"qingshan-{tag}-2025.md"
    text = (f"# 青山县{tag}2025年工作要点\n\n"
            "2024年，青山县粮食产量达到36.5万吨。今年，青山县将新建标准化厂房12万平方米，年内新增冷链仓储4座。\n")
    r = httpx.post(f"{url}/api/v1/documents", timeout=120,
                   files=[("files", (name, text.encode(), "text/markdown")),
                          ("files", ("notes.exe", b"MZ\x00\x01binary", "application/octet-stream"))])
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["added"] == [name]
    assert report["failed"][0]["file"] == "notes.exe" and "unsupported" in report["failed"][0]["reason"]
    docs = {d["source"]: d for d in httpx.get(f"{url}/api/v1/documents").json()}
    doc = docs[name]
    assert doc["chunks"] >= 1
    try:
        answer = httpx.post(f"{url}/api/v1/ask", timeout=60,
                            json={"question": f"青山县{tag}今年新建多少标准化厂房？"}).json()
        assert "12万平方米" in answer["answer"] and answer["citations"][0]["doc_id"] == doc["doc_id"]
        figures = httpx.get(f"{url}/api/v1/figures", params={"doc_id": doc["doc_id"]}).json()["figures"]
        found = {(f["value"], f["unit"], f["kind"], f["period"]) for f in figures}
        assert ("36.5", "万吨", "实际", "2024年") in found
        assert ("12", "万平方米", "目标", "2025年") in found
        targets = httpx.get(f"{url}/api/v1/figures", params={"doc_id": doc["doc_id"], "kind": "目标",
                                                            "sort": "number", "order": "desc"}).json()
        assert [f["value"] for f in targets["figures"]] == ["12", "4"]
    finally:
        assert httpx.delete(f"{url}/api/v1/documents/{doc['doc_id']}").json() == {"deleted": doc["doc_id"]}
    assert name not in {d["source"] for d in httpx.get(f"{url}/api/v1/documents").json()}
    assert httpx.get(f"{url}/api/v1/figures", params={"doc_id": doc["doc_id"]}).json()["count"] == 0
    gone = httpx.delete(f"{url}/api/v1/documents/{doc['doc_id']}")
    assert gone.status_code == 404 and gone.json()["error"]["type"] == "NotFound"


def test_upload_of_only_bad_files_is_rejected_naming_them(planqa_server):
    before = httpx.get(f"{planqa_server.url}/api/v1/documents").json()
    r = httpx.post(f"{planqa_server.url}/api/v1/documents", timeout=60,
                   files=[("files", ("empty.txt", b"", "text/plain"))])
    assert r.status_code == 422
    assert r.json()["error"]["type"] == "DocumentError" and "empty.txt" in r.json()["error"]["message"]
    assert httpx.get(f"{planqa_server.url}/api/v1/documents").json() == before


# ---------------------------------------------------------------- security settings

@pytest.fixture(scope="module")
def secured(seed_service, seed_settings):
    from assistant.server import create_app

    settings = seed_settings.model_copy(update={
        "api_keys": "reader-key, other-key", "admin_key": "admin-key", "cors_origins": "https://portal.example.gov.cn",
        "max_request_bytes": 4096, "rate_limit_per_minute": 1000, "auth_failures_per_minute": 1000,
    })
    with TestClient(create_app(settings, service=seed_service, ui=False)) as client:
        yield client


def test_api_keys_are_required_when_configured(secured):
    assert secured.get("/healthz").status_code == 200  # liveness stays open
    for path in ("/api/v1/documents", "/v1/models"):
        r = secured.get(path)
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert secured.get(path, headers={"Authorization": "Bearer nope"}).status_code == 401
        assert secured.get(path, headers={"Authorization": "Bearer other-key"}).status_code == 200
    assert secured.get("/v1/models").json()["error"]["type"] == "authentication_error"  # OpenAI's shape


def test_uploads_and_deletes_need_the_admin_key(secured):
    files = [("files", ("tiny.txt", "青山县新建公园3个。".encode(), "text/plain"))]
    assert secured.post("/api/v1/documents", files=files,
                        headers={"Authorization": "Bearer reader-key"}).status_code == 403
    assert secured.delete("/api/v1/documents/0000", headers={"Authorization": "Bearer reader-key"}).status_code == 403
    r = secured.post("/api/v1/documents", files=files, headers={"Authorization": "Bearer admin-key"})
    assert r.status_code == 200 and r.json()["added"] == ["tiny.txt"]
    doc = next(d for d in secured.get("/api/v1/documents", headers={"Authorization": "Bearer admin-key"}).json()
               if d["source"] == "tiny.txt")
    r = secured.delete(f"/api/v1/documents/{doc['doc_id']}", headers={"Authorization": "Bearer admin-key"})
    assert r.status_code == 200


def test_cors_allow_list(secured):
    def preflight(origin: str) -> httpx.Response:
        return secured.options("/api/v1/ask", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type"})

    ok = preflight("https://portal.example.gov.cn")
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == "https://portal.example.gov.cn"
    assert "access-control-allow-origin" not in preflight("https://evil.example.com").headers


def test_request_size_limit(secured):
    big = "问" * 3000  # 9000 bytes of UTF-8 > 4096
    r = secured.post("/api/v1/ask", json={"question": big}, headers={"Authorization": "Bearer admin-key"})
    assert r.status_code == 413 and r.json()["error"]["type"] == "RequestTooLarge"

    def chunked():  # no Content-Length: counted while reading
        yield b'{"question": "'
        yield ("问" * 3000).encode()
        yield b'"}'

    r = secured.post("/api/v1/ask", content=chunked(), headers={"Authorization": "Bearer admin-key",
                                                                 "Content-Type": "application/json"})
    assert r.status_code == 413


def test_rate_limit_per_key(seed_service, seed_settings):
    from assistant.server import create_app

    settings = seed_settings.model_copy(update={"api_keys": "a-key,b-key", "rate_limit_per_minute": 3})
    with TestClient(create_app(settings, service=seed_service, ui=False)) as client:
        headers = {"Authorization": "Bearer a-key"}
        codes = [client.get("/api/v1/documents", headers=headers).status_code for _ in range(6)]
        assert codes[:3] == [200, 200, 200] and codes.count(429) >= 2
        limited = client.get("/api/v1/documents", headers=headers)
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        assert limited.json()["error"]["type"] == "RateLimited"
        # another key has its own budget
        assert client.get("/api/v1/documents", headers={"Authorization": "Bearer b-key"}).status_code == 200


def test_openai_client_uses_the_api_key(secured):
    good = openai.OpenAI(base_url="http://testserver/v1", api_key="other-key", http_client=secured, max_retries=0)
    assert "planqa" in {m.id for m in good.models.list()}
    bad = openai.OpenAI(base_url="http://testserver/v1", api_key="wrong", http_client=secured, max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        bad.models.list()


# ---------------------------------------------------------------- the official openai client

def test_openai_client_chat_completions(planqa_server, seed_dev):
    client = openai.OpenAI(base_url=f"{planqa_server.url}/v1", api_key="unused", max_retries=0)
    assert "planqa" in {m.id for m in client.models.list()}
    item = seed_dev[0]
    completion = client.chat.completions.create(
        model="planqa", messages=[{"role": "system", "content": "ignored"},
                                  {"role": "user", "content": item["question"]}])
    message = completion.choices[0].message
    assert any(a in (message.content or "") for a in item["answer_all"])
    citations = (message.model_extra or {})["citations"]
    assert citations and citations[0]["quote"] in citations[0]["text"]

    stream = client.chat.completions.create(
        model="planqa-extractive", stream=True,
        messages=[{"role": "user", "content": item["question"]},
                  {"role": "assistant", "content": message.content or ""},
                  {"role": "user", "content": seed_dev[2]["question"]}])
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert any(a in text for a in seed_dev[2]["answer_all"])
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert (last.model_extra or {})["citations"][0]["doc_id"]

    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "你好"}])
    with pytest.raises(openai.UnprocessableEntityError):
        client.chat.completions.create(model="planqa", messages=[{"role": "user", "content": " "}])


def test_planqa_serve_command(seed_settings, tmp_path):
    """`planqa serve --host --port` starts the one server (here over the seed data dir)."""
    import os
    import subprocess
    import sys
    import time

    from live_server import free_port

    port = free_port()
    env = {**os.environ, "PLANQA_DATA_DIR": str(seed_settings.data_dir), "PLANQA_PROGRESS": "false"}
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--host", "127.0.0.1",
                             "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).json()
        assert health["status"] == "ok" and health["documents"] >= 1
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
    assert "http://127.0.0.1:" in (tmp_path / "serve.log").read_text(encoding="utf-8")


# ---------------------------------------------------------------- standard clients, offline docs

def test_docs_are_served_without_a_cdn(planqa_server):
    """/docs loaded Swagger UI from cdn.jsdelivr.net: a blank page offline."""
    page = httpx.get(f"{planqa_server.url}/docs")
    assert page.status_code == 200
    urls = re.findall(r"""(?:src|href)=['"]([^'"]+)['"]""", page.text) + re.findall(r"url: '([^']+)'", page.text)
    assert urls and all(u.startswith("/") for u in urls), urls  # same origin only
    for url in urls:
        r = httpx.get(f"{planqa_server.url}{url}")
        assert r.status_code == 200 and len(r.content) > 100, url
    assert "SwaggerUIBundle" in httpx.get(f"{planqa_server.url}/docs-assets/swagger-ui-bundle.js").text


def test_gradio_client_gets_cited_answers(planqa_server, seed_dev):
    """Client(url) used to find 0 endpoints (every event of the chat is private)."""
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    client = Client(planqa_server.url + "/", verbose=False)
    item = seed_dev[0]
    answer = client.predict(item["question"], api_name="/ask")
    assert list(answer) == PUBLIC_KEYS and not answer["refused"]
    assert any(a in answer["answer"] for a in item["answer_all"]) and "[1]" in answer["answer"]
    cite = answer["citations"][0]
    assert cite["text"][cite["start"]:cite["end"]] == cite["quote"] and cite["title"]
    follow = client.predict("那一般公共预算收入呢？", "", 0,
                            [{"role": "user", "content": item["question"]},
                             {"role": "assistant", "content": answer["answer"]}], api_name="/ask")
    assert "30.6%" in follow["answer"]
    with pytest.raises(AppError, match="question is empty"):
        client.predict("  ", api_name="/ask")


def test_gradio_client_needs_a_key_when_the_api_has_keys(seed_service, seed_settings):
    from gradio_client import Client
    from gradio_client.exceptions import AppError
    from live_server import LiveServer

    from assistant.server import create_app

    settings = seed_settings.model_copy(update={"api_keys": "k1", "rate_limit_per_minute": 0})
    server = LiveServer(create_app(settings, service=seed_service))
    try:
        with pytest.raises(AppError, match="401"):
            Client(server.url + "/", verbose=False).predict("海城要实施几项民生保障工程？", api_name="/ask")
        keyed = Client(server.url + "/", verbose=False, headers={"Authorization": "Bearer k1"})
        assert "20" in keyed.predict("海城要实施几项民生保障工程？", api_name="/ask")["answer"]
    finally:
        server.stop()


def test_langchain_chat_openai_gets_the_citations_as_markdown_footnotes(planqa_server, seed_dev):
    """ChatOpenAI keeps no unknown message fields, so `citations` never reached LangChain."""
    from langchain_openai import ChatOpenAI

    item = seed_dev[0]
    plain = ChatOpenAI(base_url=f"{planqa_server.url}/v1", api_key="unused", model="planqa", max_retries=0)
    assert "[^1]" not in str(plain.invoke(item["question"]).content)  # unchanged unless asked for

    cited = ChatOpenAI(base_url=f"{planqa_server.url}/v1", api_key="unused", model="planqa", max_retries=0,
                       extra_body={"planqa": {"citations": "markdown"}})
    text = str(cited.invoke(item["question"]).content)
    body, notes = text.split("\n\n[^1]: ", 1)
    assert "[^1]" in body and any(a in body for a in item["answer_all"]) and "[1]" not in body
    assert notes.startswith("《乘势而上启新程 策马扬鞭再出发》") and f"「{item['evidence']}" not in notes
    assert item["evidence"] in notes and "」" in notes

    streamed = ChatOpenAI(base_url=f"{planqa_server.url}/v1", api_key="unused", model="planqa:markdown",
                          max_retries=0)
    text = "".join(str(chunk.content) for chunk in streamed.stream(seed_dev[2]["question"]))
    assert "[^1]" in text.split("\n\n")[0] and "\n\n[^1]: 《" in text and "[1]" not in text


def test_models_lists_only_modes_that_can_answer(seed_service, seed_settings, tmp_path):
    """planqa-local was listed, then answered 503 (model file missing)."""
    from assistant.server import create_app

    settings = seed_settings.model_copy(update={"models_dir": tmp_path / "no-models"})
    with TestClient(create_app(settings, service=seed_service, ui=False)) as client:
        ids = [m["id"] for m in client.get("/v1/models").json()["data"]]
        assert ids == ["planqa", "planqa-extractive", "planqa:markdown", "planqa-extractive:markdown"]
        r = client.post("/v1/chat/completions", json={"model": "planqa-local",
                                                      "messages": [{"role": "user", "content": "海城"}]})
        assert r.status_code == 404 and "cannot answer now" in r.json()["error"]["message"]
        r = client.post("/api/v1/ask", json={"question": "海城要实施几项民生保障工程？", "mode": "local"})
        assert r.status_code == 503 and "not available" in r.json()["error"]["message"]
    with TestClient(create_app(seed_settings, service=seed_service, ui=False)) as client:  # models in place
        assert "planqa-local" in [m["id"] for m in client.get("/v1/models").json()["data"]]


def test_figures_filter_by_region_and_year(planqa_server):
    url = f"{planqa_server.url}/api/v1/figures"
    every = httpx.get(url).json()["count"]
    assert every > 0
    assert httpx.get(url, params={"region": "海城市"}).json()["count"] == every
    assert httpx.get(url, params={"region": "湖北省"}).json()["count"] == 0
    y2023 = httpx.get(url, params={"year": 2023}).json()["figures"]
    assert y2023 and all("2023" in f["period"] for f in y2023) and all(f["region"] == "海城市" for f in y2023)


def test_serve_warms_up_before_it_reports_ready(seed_settings, tmp_path):
    """The first question after start took 6.7 s: jieba's dictionaries, the BM25 index, the
    embedder and Chroma loaded on it. A server started in a fresh process has them loaded
    before create_app returns (so before /healthz answers)."""
    import subprocess
    import sys

    probe = (
        "import sys, jieba\n"
        "from assistant.settings import Settings\n"
        "from assistant.factory import build_service\n"
        "from assistant.server import create_app\n"
        f"settings = Settings(data_dir={str(seed_settings.data_dir)!r}, progress=False)\n"
        "service = build_service(settings)\n"
        "before = (jieba.dt.initialized, service.kb.bm25._version != -1)\n"
        "create_app(settings, service=service, ui=False)\n"
        "after = (jieba.dt.initialized, service.kb.bm25._version != -1)\n"
        "print(before, after, len(service.kb.embeddings._cache._items))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    # loaded before, and the warm-up questions' vectors cached (one per language; an English
    # question's also with its Chinese words)
    assert out.stdout.split()[-5:-1] == ["(False,", "False)", "(True,", "True)"], out.stdout
    assert int(out.stdout.split()[-1]) >= 2, out.stdout


def test_failed_authentication_is_rate_limited_per_address(seed_service, seed_settings):
    """1,000 wrong keys used to get 1,000 × 401: now the address is refused (429) after a few,
    whatever key it sends next, while other addresses are not affected."""
    from live_server import LiveServer

    from assistant.server import create_app

    settings = seed_settings.model_copy(update={"api_keys": "reader-key", "admin_key": "admin-key",
                                                "auth_failures_per_minute": 5, "rate_limit_per_minute": 0})
    server = LiveServer(create_app(settings, service=seed_service, ui=False))
    try:
        with httpx.Client(base_url=server.url, timeout=30) as attacker:
            codes = [attacker.get("/v1/models", headers={"Authorization": f"Bearer guess-{i}"}).status_code
                     for i in range(50)]
            assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}
            locked = attacker.get("/api/v1/documents", headers={"Authorization": "Bearer reader-key"})
            assert locked.status_code == 429 and int(locked.headers["retry-after"]) >= 1
            assert locked.json()["error"]["type"] == "RateLimited"
        other = httpx.Client(base_url=server.url, timeout=30, transport=httpx.HTTPTransport(local_address="127.0.0.2"))
        with other:
            assert other.get("/api/v1/documents", headers={"Authorization": "Bearer reader-key"}).status_code == 200
            # wrong admin keys count too
            deletes = [other.delete("/api/v1/documents/x", headers={"Authorization": "Bearer reader-key"}).status_code
                       for _ in range(7)]
            assert deletes[:5] == [403] * 5 and deletes[-1] == 429
    finally:
        server.stop()
