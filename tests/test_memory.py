"""Writes hand freed heap memory back to the OS (issue 13: the server's RSS climbed with
uploads and deletes while its live memory stayed flat; see common/memory.py)."""

from __future__ import annotations

import sys
from types import SimpleNamespace
from typing import Any

import pytest

import assistant.service as service_module
from assistant.service import PlanqaService
from assistant.settings import Settings
from common.errors import StoreError
from common.memory import release_memory


def test_release_memory_trims_on_glibc() -> None:
    assert sys.platform == "linux"  # the service and its tests run on glibc Linux
    assert release_memory() is True
    assert release_memory() is True  # the libc handle is looked up once and reused


class _Ingestor:
    limits = None

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.calls: list[str] = []

    def ingest_loaded(self, loaded: Any, lock: Any, progress: Any) -> str:
        self.calls.append("ingest_loaded")
        if self.fail:
            raise StoreError("disk full")
        return "report"

    def ingest_paths(self, paths: Any, lines: bool = False, lock: Any = None, progress: Any = None) -> str:
        self.calls.append("ingest_paths")
        return "report"


class _KB:
    def __init__(self, calls: list[str]) -> None:
        self.calls = calls
        self.docstore = SimpleNamespace(documents=lambda: [], version=0)

    def remove(self, doc_id: str) -> bool:
        self.calls.append(f"remove {doc_id}")
        return doc_id == "known"


def _service(tmp_path: Any, monkeypatch: pytest.MonkeyPatch, fail: bool = False) -> tuple[PlanqaService, list[str]]:
    ingestor = _Ingestor(fail)
    calls = ingestor.calls
    monkeypatch.setattr(service_module, "release_memory", lambda: calls.append("release") or True)
    service = PlanqaService(Settings(data_dir=tmp_path, progress=False), _KB(calls), ingestor)  # type: ignore[arg-type]
    return service, calls


def test_every_write_releases_memory_after_it(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    service, calls = _service(tmp_path, monkeypatch)
    assert service.ingest_files([("a.txt", "海城2024年新建道路100公里。".encode())]) == "report"
    assert calls == ["ingest_loaded", "release"]
    assert service.ingest([tmp_path]) == "report"
    assert calls[2:] == ["ingest_paths", "release"]
    assert service.remove_document("known") is True
    assert service.remove_document("missing") is False
    assert calls[4:] == ["remove known", "release", "remove missing", "release"]


def test_a_failed_write_still_releases_memory(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    service, calls = _service(tmp_path, monkeypatch, fail=True)
    with pytest.raises(StoreError):
        service.ingest_files([("a.txt", b"x")])
    assert calls == ["ingest_loaded", "release"]
