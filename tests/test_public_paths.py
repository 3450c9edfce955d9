"""Server paths never reach users: documents ingested from absolute paths (as `planqa ingest
/srv/...` does) are shown by file name in the API (documents, answers, search, figures, /v1) and
the knowledge-base tab, and error messages naming a server file show only its name."""

from __future__ import annotations

import random
import string
from pathlib import Path

import gradio_raw as gr_raw
import httpx
import pytest

from common.errors import ModelError


@pytest.fixture
def absolute_doc(seed_service, tmp_path: Path):
    tag = "".join(random.choices(string.ascii_lowercase, k=8))
    folder = tmp_path / "srv" / "corpus"
    folder.mkdir(parents=True)
    path = folder / f"baishan-{tag}-2025.txt"
    path.write_text(f"白山县{tag}2025年工作要点\n\n今年白山县{tag}将新建文化广场6个。\n", encoding="utf-8")
    report = seed_service.ingest([path])
    assert report.added == [str(path)]
    doc = next(d for d in seed_service.documents() if d.source == str(path))
    yield path, tag, doc.doc_id
    seed_service.remove_document(doc.doc_id)


def test_sources_are_file_names_everywhere(planqa_server, absolute_doc):
    path, tag, doc_id = absolute_doc
    url, secret = planqa_server.url, str(path.parent)
    responses = [
        httpx.get(f"{url}/api/v1/documents"),
        httpx.post(f"{url}/api/v1/ask", json={"question": f"白山县{tag}今年将新建多少个文化广场？"}, timeout=60),
        httpx.post(f"{url}/api/v1/search", json={"query": f"白山县{tag}文化广场"}, timeout=60),
        httpx.get(f"{url}/api/v1/figures", params={"doc_id": doc_id}),
        httpx.post(f"{url}/v1/chat/completions", timeout=60,
                   json={"model": "planqa", "messages": [{"role": "user", "content": f"白山县{tag}今年将新建多少个文化广场？"}]}),
        httpx.post(f"{url}/api/v1/ask", json={"question": f"白山县{tag}今年将新建多少个文化广场？", "stream": True},
                   timeout=60),
    ]
    for r in responses:
        assert r.status_code == 200 and tag in r.text, r.text[:300]
        assert secret not in r.text and secret.replace("/", "\\/") not in r.text, r.request.url
    [doc] = [d for d in responses[0].json() if d["doc_id"] == doc_id]
    assert doc["source"] == path.name
    assert responses[1].json()["citations"][0]["source"] == path.name
    # the knowledge-base tab lists it by name
    rows = gr_raw.call(url, gr_raw.fn_index(url, "planqa-refresh"), [])["output"][0]
    assert path.name in str(rows) and secret not in str(rows)


def test_error_messages_name_files_not_server_paths(planqa_server, seed_service, monkeypatch, tmp_path):
    """A model that cannot be loaded used to be reported with its absolute path (``model file
    /srv/…/models/qwen….gguf is missing``) in the API's error and in the chat."""
    models = tmp_path / "srv" / "models"

    def broken(*args, **kwargs):
        raise ModelError(f"model file {models}/qwen2.5-0.5b-instruct-q4_k_m.gguf for qwen2.5-0.5b is missing: "
                         f"run `make local` or `python scripts/assemble_models.py --models-dir {models}`")

    monkeypatch.setattr(seed_service, "ask", broken)
    url, question = planqa_server.url, "海城今年计划新建改建多少公里农村道路？"
    r = httpx.post(f"{url}/api/v1/ask", json={"question": question}, timeout=60)
    assert r.status_code == 503 and "qwen2.5-0.5b-instruct-q4_k_m.gguf" in r.json()["error"]["message"]
    stream = httpx.post(f"{url}/api/v1/ask", json={"question": question, "stream": True}, timeout=60)
    v1 = httpx.post(f"{url}/v1/chat/completions", timeout=60,
                    json={"model": "planqa", "messages": [{"role": "user", "content": question}]})
    assert stream.status_code == 200 and "event: error" in stream.text and v1.status_code == 503
    en = f"{url}/en"  # the English page (the Chinese one says "the local model file is missing", naming none)
    chat = gr_raw.call(en, gr_raw.fn_index(en, "planqa-send"), [question, [], None, "extractive", 6, "English"])
    shown = str(chat["output"]).replace("\\", "")  # the chat escapes Markdown (qwen2\.5)
    assert "qwen2.5-0.5b-instruct-q4_k_m.gguf" in shown, shown
    for text in (r.text, stream.text, v1.text, shown):
        assert str(tmp_path) not in text and str(tmp_path).replace("/", "\\/") not in text, text[:300]
