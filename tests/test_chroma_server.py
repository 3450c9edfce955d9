"""PLANQA_CHROMA_URL: a real ``chroma run`` server, ingest and ask against it, and a second
service (another web worker) sharing the server and the data dir sees the same knowledge."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.settings import Settings
from tests.conftest import SEED_FILE


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def chroma_server(tmp_path: Path) -> Iterator[str]:
    exe = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    port = free_port()
    log = (tmp_path / "chroma.log").open("wb")
    proc = subprocess.Popen(
        [exe, "run", "--path", str(tmp_path / "chroma-server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (tmp_path / "chroma.log").read_text(errors="replace")
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "chroma server did not start"
            time.sleep(0.2)
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_ingest_and_ask_against_a_chroma_server(chroma_server: str, tmp_path: Path):
    from assistant.factory import build_service

    data = tmp_path / "shared-data"
    settings = Settings(data_dir=data, chroma_url=chroma_server, progress=False, collection="server-kb")
    service = build_service(settings)
    report = service.ingest([SEED_FILE])
    assert report.ok and len(report.added) == 1
    assert not (data / "chroma").exists()  # vectors live in the server, not in the data dir
    assert service.kb.vector_count() == report.sentences  # one vector per sentence

    answer = service.ask("海城要实施几项民生保障工程？")
    assert not answer.refused and "20" in answer.answer

    # A second worker: same server, same data dir (document store + BM25 index), own process state.
    worker = build_service(settings.model_copy(update={"top_k": 5}))
    assert worker is not service
    assert [d.doc_id for d in worker.documents()] == [d.doc_id for d in service.documents()]
    assert "20" in worker.ask("海城要实施几项民生保障工程？").answer

    # A removal by one worker is seen by the other (version-checked BM25, live-set from SQLite).
    [doc] = service.documents()
    assert service.remove_document(doc.doc_id)
    assert worker.ask("海城要实施几项民生保障工程？").refused
    assert worker.kb.vector_count() == 0


def test_an_unreachable_chroma_server_is_a_clear_error(tmp_path: Path):
    from assistant.factory import build_service
    from common.errors import StoreError

    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(StoreError) as err:
        build_service(Settings(data_dir=tmp_path / "d", chroma_url=url, progress=False))
    assert url.split("//")[1] in str(err.value) or "Chroma" in str(err.value)
