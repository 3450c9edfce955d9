"""Incremental updates: unchanged files are a no-op, a one-per-line file syncs line by line, and an
ingest killed with ``kill -9`` resumes on the next run with no duplicate and no missing chunk."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from assistant.settings import Settings
from ingest.loaders import load_path
from ingest.pipeline import prepare
from tests.conftest import ROOT, SHARED

REPORT = SHARED / "corpora" / "national-work-reports" / "2019年中华人民共和国国务院政府工作报告.txt"


def split_report(folder: Path, parts: int = 6) -> list[Path]:
    """A real report cut into ``parts`` documents (each with its own title line)."""
    paragraphs = [p for p in REPORT.read_text(encoding="utf-8").splitlines() if p.strip()]
    size = len(paragraphs) // parts
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(parts):
        body = paragraphs[i * size : (i + 1) * size]
        path = folder / f"2019年政府工作报告第{i + 1}部分.txt"
        path.write_text("\n".join([f"2019年政府工作报告（第{i + 1}部分）", *body]) + "\n", encoding="utf-8")
        files.append(path)
    return files


def settings_for(data: Path, **extra: object) -> Settings:
    return Settings(data_dir=data, progress=False, collection="incremental", **extra)  # type: ignore[arg-type]


def ready_count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM documents WHERE status='ready'").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_kill_9_mid_ingest_resumes_without_duplicates_or_gaps(tmp_path: Path):
    from assistant.factory import build_service

    corpus = tmp_path / "corpus"
    files = split_report(corpus)
    data = tmp_path / "data"
    env = {**os.environ, "PLANQA_DATA_DIR": str(data), "PLANQA_COLLECTION": "incremental",
           "PLANQA_EMBED_TOKENS": "32", "PLANQA_INGEST_BATCH_CHUNKS": "8", "PLANQA_PROGRESS": "false"}
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "ingest", str(corpus)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    db = data / "index" / "incremental" / "docstore.sqlite3"
    deadline = time.monotonic() + 240
    while ready_count(db) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the ingest finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    killed_at = ready_count(db)
    assert 2 <= killed_at < len(files)

    service = build_service(settings_for(data))
    report = service.ingest([corpus])
    assert report.ok
    assert len(report.unchanged) >= killed_at - 1  # documents published before the kill stay
    assert sorted(report.added + report.unchanged + report.resumed) == sorted(str(f) for f in files) or \
        set(report.added + report.unchanged + report.resumed) == {str(f) for f in files}

    count = service.kb.embeddings.count_tokens  # type: ignore[attr-defined]
    expected: set[str] = set()
    expected_sentences: set[str] = set()
    for f in files:
        [loaded] = [x for x in load_path(f) if not isinstance(x, Exception)]
        prepared = prepare(loaded, count, 160, 1)
        expected |= {c.id for c in prepared.chunks}
        expected_sentences |= {t.id for t in prepared.sentences}
    live = {c.id for c in service.kb.docstore.live_chunks()}
    stored = service.kb.docstore.all_chunk_ids()
    from vectorstore.chroma import stored_ids

    vectors = stored_ids(service.kb.store)
    assert live == stored == expected  # no missing, no leftover chunk
    # one vector per sentence: no missing, no duplicate
    assert vectors == expected_sentences and service.kb.vector_count() == len(expected_sentences)
    assert service.kb.bm25.size == len(expected)
    assert all(d.status == "ready" for d in service.kb.docstore.documents(status=None))
    assert len(service.documents()) == len(files)


def test_reingest_unchanged_is_a_noop_and_lines_sync(tmp_path: Path):
    from assistant.factory import build_service

    service = build_service(settings_for(tmp_path / "data"))
    news = tmp_path / "news.txt"
    lines = [
        "2023-03-01 09:00，正文：海城市今年将新建5G基站300个，推动数字经济发展。",
        "2023-03-02 10:30，正文：鞍山市今年将改造老旧小区20个，惠及居民一万余户。",
        "2023-03-03 11:45，正文：营口市今年将新建改建农村道路100公里，方便群众出行。",
    ]
    news.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first = service.ingest([news], lines=True)
    assert len(first.added) == 3
    ids = service.kb.docstore.all_chunk_ids()

    started = time.perf_counter()
    again = service.ingest([news], lines=True)
    noop_seconds = time.perf_counter() - started
    assert len(again.unchanged) == 3 and again.chunks == 0 and not again.added
    assert service.kb.docstore.all_chunk_ids() == ids
    print(f"re-ingest of 3 unchanged lines: {noop_seconds * 1000:.0f} ms")

    # a line inserted at the top, one changed, one deleted
    news.write_text("\n".join([
        "2023-03-04 08:00，正文：盘锦市今年将建设口袋公园15个，提升城市品质。",
        lines[0],
        "2023-03-03 11:45，正文：营口市今年将新建改建农村道路120公里，方便群众出行。",
    ]) + "\n", encoding="utf-8")
    third = service.ingest([news], lines=True)
    assert len(third.added) == 2 and len(third.unchanged) == 1 and len(third.removed) == 2
    assert len(service.documents()) == 3
    assert "120公里" in service.ask("营口市今年新建改建农村道路多少公里？").answer
    assert service.ask("鞍山市今年改造多少个老旧小区？").refused
    years = {d.meta["year"] for d in service.documents()}
    assert years == {2023} and {d.meta["doc_type"] for d in service.documents()} == {"新闻"}
