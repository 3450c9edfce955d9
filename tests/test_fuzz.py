"""A seeded fuzz of every endpoint of the real server: random Unicode (lone surrogates, control
characters, noncharacters, emoji, right-to-left marks), huge and non-finite numbers, wrong
types and broken bodies. No request may get a 5xx; every error is JSON of the API's own shape
(OpenAI's on /v1); a stream always ends with its answer or an error event."""

from __future__ import annotations

import json
import random
from urllib.parse import quote

import gradio_raw as gr_raw
import httpx
import pytest

SEED = 20261213
NASTY = ["\ud800", "\udfff", "a\ud800b", "\x00", "\x1b[31m", "\ufeff", "\u202e", "\uffff", "\U0010ffff", "🙂" * 300,
         "", " ", "问" * 2001, "\n" * 5, "%00", "../../etc/passwd", "<script>alert(1)</script>", "{{7*7}}",
         "'; DROP TABLE documents;--", "\\", '"', "海城今年计划新建改建多少公里农村道路？\ud83d"]
NUMBERS = ["0", "-1", "1e309", "-1e309", "1" + "0" * 5000, "NaN", "Infinity", "1.5", "true", "null", "[]", "{}",
           '"5"', "9" * 30, "3"]


def js(text: str) -> str:
    """A JSON string literal that keeps lone surrogates and control characters (as escapes)."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif code < 0x20 or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def random_text(rng: random.Random) -> str:
    if rng.random() < 0.4:
        return rng.choice(NASTY)
    pools = [(0x20, 0x7E), (0x4E00, 0x9FFF), (0x00, 0x1F), (0xD800, 0xDFFF), (0xFDD0, 0xFDEF), (0x1F300, 0x1F64F),
             (0x0590, 0x06FF), (0x3000, 0x303F)]
    length = rng.choice([1, 3, 10, 40, 200])
    return "".join(chr(rng.randint(*rng.choice(pools))) for _ in range(length))


def value(rng: random.Random) -> str:
    """Any JSON value, as text."""
    kind = rng.random()
    if kind < 0.5:
        return js(random_text(rng))
    if kind < 0.8:
        return rng.choice(NUMBERS)
    return f"[{js(random_text(rng))}, {rng.choice(NUMBERS)}]"


def check_error(r: httpx.Response, openai_shape: bool) -> None:
    assert r.status_code < 500, (r.status_code, r.text[:300])
    if r.status_code >= 400:
        error = r.json()["error"]
        if openai_shape:
            assert {"message", "type", "param", "code"} <= set(error), error
        else:
            assert error["type"] and isinstance(error["message"], str), error


def check_stream(r: httpx.Response, openai_shape: bool) -> None:
    if r.status_code != 200:
        r.read()
        check_error(r, openai_shape)
        return
    lines = [line for line in r.iter_lines() if line.startswith(("event:", "data:"))]
    assert lines, "an empty stream"
    if openai_shape:
        assert lines[-1] == "data: [DONE]"
        last = json.loads(lines[-2][5:])
        assert "error" in last or last["choices"][0]["finish_reason"] == "stop", last
    else:
        names = [line.split(":", 1)[1].strip() for line in lines if line.startswith("event:")]
        assert names and names[-1] in ("answer", "error"), names


@pytest.fixture(scope="module")
def fuzz_client(planqa_server):
    with httpx.Client(base_url=planqa_server.url, timeout=120) as client:
        before = {d["doc_id"] for d in client.get("/api/v1/documents").json()}
        yield client
        for d in client.get("/api/v1/documents").json():  # what fuzzed uploads added goes again
            if d["doc_id"] not in before:
                client.delete(f"/api/v1/documents/{d['doc_id']}")


def test_fuzz_planqa_api(fuzz_client):
    rng = random.Random(SEED)
    headers = {"Content-Type": "application/json"}
    for i in range(60):
        fields = [f'"question": {value(rng) if rng.random() < 0.5 else js(random_text(rng))}']
        for name in ("top_k", "id", "mode", "history"):
            if rng.random() < 0.3:
                fields.append(f'"{name}": {value(rng)}')
        if rng.random() < 0.3:
            fields.append(f'"history": [{{"role": "user", "content": {js(random_text(rng))}}}]')
        stream = i % 3 == 0
        body = "{" + ", ".join([*fields, f'"stream": {"true" if stream else "false"}']) + "}"
        if stream:
            with fuzz_client.stream("POST", "/api/v1/ask", content=body.encode("utf-8", "surrogatepass"),
                                    headers=headers) as r:
                check_stream(r, openai_shape=False)
        else:
            check_error(fuzz_client.post("/api/v1/ask", content=body.encode(), headers=headers), False)
        search = f'{{"query": {value(rng)}, "k": {rng.choice(NUMBERS)}}}'
        check_error(fuzz_client.post("/api/v1/search", content=search.encode(), headers=headers), False)
    for raw in (b"\xff\xfe\xfd", b"{", b"[]", b'"x"', b"[" * 100_000 + b"]" * 100_000, b'{"question": "\\ud800"}',
                b'{"question": 1' + b"0" * 5000 + b"}", b"null", b""):
        for path in ("/api/v1/ask", "/api/v1/search", "/v1/chat/completions"):
            check_error(fuzz_client.post(path, content=raw, headers=headers), path.startswith("/v1"))


def test_fuzz_documents_figures_and_paths(fuzz_client):
    rng = random.Random(SEED + 1)
    for _ in range(40):
        params = {k: random_text(rng) for k in ("kind", "q", "doc_id", "period", "sort", "order") if rng.random() < 0.5}
        query = "&".join(f"{k}={quote(v.encode('utf-8', 'surrogatepass'), safe='')}" for k, v in params.items())
        if rng.random() < 0.3:
            query += f"&limit={rng.choice(NUMBERS)}"
        check_error(fuzz_client.get(f"/api/v1/figures?{query}"), False)
        doc_id = quote(random_text(rng).encode("utf-8", "surrogatepass"), safe="") or "x"
        check_error(fuzz_client.delete(f"/api/v1/documents/{doc_id}"), False)
        check_error(fuzz_client.get(f"/api/v1/{doc_id}"), False)
    for _ in range(12):
        name = random_text(rng).encode("utf-8", "surrogatepass") + rng.choice([b".txt", b".zip", b".docx", b"", b".exe"])
        content = random_text(rng).encode("utf-8", "surrogatepass") * rng.choice([0, 1, 30])
        body = (b"--fuzz\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" + name.replace(b'"', b"'")
                + b"\"\r\nContent-Type: application/octet-stream\r\n\r\n" + content + b"\r\n--fuzz--\r\n")
        check_error(fuzz_client.post("/api/v1/documents", content=body,
                                     headers={"Content-Type": "multipart/form-data; boundary=fuzz"}), False)
    check_error(fuzz_client.get("/api/v1/documents"), False)
    assert fuzz_client.get("/healthz").status_code == 200


def test_fuzz_openai_api(fuzz_client):
    rng = random.Random(SEED + 2)
    headers = {"Content-Type": "application/json"}
    check_error(fuzz_client.get("/v1/models"), True)
    for stream in ("false", "true"):  # the lone surrogate of the issue, plain and streamed
        body = f'{{"model": "planqa", "stream": {stream}, "messages": [{{"role": "user", "content": "海城\\ud800"}}]}}'
        with fuzz_client.stream("POST", "/v1/chat/completions", content=body.encode(), headers=headers) as r:
            if stream == "true":
                check_stream(r, openai_shape=True)
            else:
                r.read()
                check_error(r, openai_shape=True)
                assert r.status_code == 200 and r.json()["choices"][0]["message"]["content"], r.text[:300]
    for i in range(40):
        messages = []
        for _ in range(rng.choice([0, 1, 3])):
            role = rng.choice(['"user"', '"assistant"', '"system"', js(random_text(rng)), "null", "1"])
            content = rng.choice([js(random_text(rng)), "null", "1e309",
                                  f'[{{"type": "text", "text": {js(random_text(rng))}}}]', "[{}]", '[{"type": 5}]'])
            messages.append(f'{{"role": {role}, "content": {content}}}')
        model = rng.choice(['"planqa"', '"planqa-extractive"', js(random_text(rng)), "null", "7"])
        stream = i % 3 == 0
        body = (f'{{"model": {model}, "messages": [{", ".join(messages)}], "stream": {"true" if stream else "false"}'
                + (f', "top_k": {rng.choice(NUMBERS)}' if rng.random() < 0.3 else "") + "}")
        if stream:
            with fuzz_client.stream("POST", "/v1/chat/completions", content=body.encode(), headers=headers) as r:
                check_stream(r, openai_shape=True)
        else:
            check_error(fuzz_client.post("/v1/chat/completions", content=body.encode(), headers=headers), True)


def test_fuzz_web_chat(planqa_server):
    """The chat's own endpoint: every question gets a reply in the page, never a dropped connection."""
    rng = random.Random(SEED + 3)
    send = gr_raw.fn_index(planqa_server.url, "planqa-send")
    for text in ["\ud800", "海城\ud800今年？", "\x00\x1b", "🙂" * 300, random_text(rng), random_text(rng)]:
        result = gr_raw.call(planqa_server.url, send, [text, [], None, "extractive", 6, "中文"])
        assert result["status"] == 200 and result["success"], result
        assert result["output"][0], result
