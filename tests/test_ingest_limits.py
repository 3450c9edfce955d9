"""Big inputs against the real server: the per-document cap refuses clearly and keeps what is
stored, and one big upload does not hold the write lock while other writes wait."""

from __future__ import annotations

import random
import string
import threading
from typing import Any

import httpx
from langchain_core.embeddings import Embeddings
from live_server import LiveServer


def test_a_document_over_the_cap_is_refused_through_the_api(planqa_server):
    url = planqa_server.url
    before = httpx.get(f"{url}/api/v1/documents").json()
    line = ("青山县重点项目" * 3 + "x" * 60) * 25_000  # 2,025,000 characters, no punctuation
    r = httpx.post(f"{url}/api/v1/documents", timeout=60,
                   files=[("files", ("one-line.txt", line.encode(), "text/plain"))])
    assert r.status_code == 422
    message = r.json()["error"]["message"]
    assert "one-line.txt" in message and "2,000,000" in message and "PLANQA_MAX_DOCUMENT_CHARS" in message
    assert httpx.get(f"{url}/api/v1/documents").json() == before


class HeldEmbeddings(Embeddings):
    """The real embedder; a batch holding ``marker`` waits until the test lets it go (so that a
    big upload is certainly still embedding while the test sends other writes)."""

    def __init__(self, inner: Any, marker: str) -> None:
        self.inner, self.marker = inner, marker
        self.name, self.dimension = inner.name, inner.dimension
        self.entered, self.release = threading.Event(), threading.Event()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if any(self.marker in t for t in texts):
            self.entered.set()
            self.release.wait(timeout=120)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)

    def count_tokens(self, text: str) -> int:
        return int(self.inner.count_tokens(text))


def test_a_big_upload_does_not_hold_the_write_lock(tmp_path):
    from assistant.server import create_app
    from assistant.service import PlanqaService
    from assistant.settings import Settings
    from ingest.pipeline import Ingestor
    from vectorstore.embeddings import make_embeddings
    from vectorstore.knowledge import KnowledgeBase

    tag = "".join(random.choices(string.ascii_lowercase, k=8))
    settings = Settings(data_dir=tmp_path / "data", progress=False, rate_limit_per_minute=0)
    embeddings = HeldEmbeddings(make_embeddings("e5-small"), marker=f"大文件{tag}")
    kb = KnowledgeBase(settings.index_dir, settings.chroma_dir, settings.collection, embeddings, embeddings.name)
    service = PlanqaService(settings, kb, Ingestor(kb, embeddings.count_tokens, progress=False))
    server = LiveServer(create_app(settings, service=service, ui=False))
    results: dict[str, httpx.Response] = {}

    def post(key: str, name: str, text: str) -> None:
        results[key] = httpx.post(f"{server.url}/api/v1/documents", timeout=180,
                                  files=[("files", (name, text.encode(), "text/plain"))])

    try:
        post("first", "first.txt", f"白山县{tag}今年将新建公园3个。")
        first_id = httpx.get(f"{server.url}/api/v1/documents").json()[0]["doc_id"]
        big = "\n\n".join(f"大文件{tag}第{i}段：今年青山县将新建口袋公园{i}个，改造老旧小区{i + 3}个。" for i in range(60))
        writer = threading.Thread(target=post, args=("big", "big.txt", big))
        writer.start()
        assert embeddings.entered.wait(timeout=120), "the big upload never reached its embedding"
        # the big upload is embedding (held): another upload and a delete go through meanwhile
        small = threading.Thread(target=post, args=("small", "small.txt", f"黑山县{tag}今年将新建公园5个。"))
        small.start()
        small.join(timeout=60)
        finished = not small.is_alive()
        deleted = httpx.delete(f"{server.url}/api/v1/documents/{first_id}", timeout=5) if finished else None
        embeddings.release.set()
        writer.join(timeout=180)
        small.join(timeout=60)
        assert finished, "a small upload waited for the whole big one"
        assert results["small"].status_code == 200 and results["small"].json()["added"] == ["small.txt"]
        assert deleted is not None and deleted.status_code == 200
        assert results["big"].status_code == 200 and results["big"].json()["added"] == ["big.txt"]
        sources = {d["source"] for d in httpx.get(f"{server.url}/api/v1/documents").json()}
        assert sources == {"small.txt", "big.txt"}
        answer = httpx.post(f"{server.url}/api/v1/ask", json={"question": f"黑山县{tag}今年将新建多少个公园？"},
                            timeout=60).json()
        assert "5个" in answer["answer"]
    finally:
        embeddings.release.set()
        server.stop()
