"""The document store: SQLite beside Chroma, the source of truth for which documents and chunks
are live. Chroma holds the vectors; a chunk is searchable only when its document's row here
is ``ready``. Replacing a document flips old → new in one transaction, so a question never
sees both versions or neither; an ingest killed half-way leaves a ``pending`` row to resume.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import StoreError

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    n_chunks INTEGER NOT NULL,
    chars INTEGER NOT NULL,
    ingested_at REAL NOT NULL,
    meta TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    text TEXT NOT NULL,
    embed_text TEXT NOT NULL,
    tokens TEXT NOT NULL,
    meta TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS figures (
    doc_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    row TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS figures_doc ON figures(doc_id);
"""


@dataclass
class StoredChunk:
    id: str
    doc_id: str
    idx: int
    text: str
    embed_text: str
    tokens: list[str]
    metadata: dict[str, Any]


@dataclass
class StoredDocument:
    doc_id: str
    source: str
    title: str
    status: str
    n_chunks: int
    chars: int
    ingested_at: float
    meta: dict[str, Any] = field(default_factory=dict)


class DocStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open document store {path}: {exc}") from exc

    # ------------------------------------------------------------------ state
    @property
    def version(self) -> int:
        """Incremented on every change of the live set; indexes record the version they saw."""
        row = self._db.execute("SELECT value FROM state WHERE key='version'").fetchone()
        return int(row[0]) if row else 0

    def get_state(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM state WHERE key=?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_state(self, key: str, value: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO state(key, value) VALUES (?, ?)", (key, value))

    def _bump(self) -> None:
        self._db.execute(
            "INSERT INTO state(key, value) VALUES ('version', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    # ------------------------------------------------------------------ writes
    def stage_document(
        self, doc: StoredDocument, chunks: list[StoredChunk], figures: list[dict[str, Any]] | None = None
    ) -> None:
        """Store a document and its chunks (and extracted figures) as ``pending`` (not yet
        searchable); figures go live and are deleted with their document."""
        with self._lock, self._transaction():
            if figures is not None:
                self._write_figures(doc.doc_id, figures)
            self._db.execute("DELETE FROM chunks WHERE doc_id=? AND doc_id IN "
                             "(SELECT doc_id FROM documents WHERE status='pending')", (doc.doc_id,))
            self._db.execute(
                "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, 'pending', ?, ?, ?, ?)",
                (doc.doc_id, doc.source, doc.title, len(chunks), doc.chars, time.time(),
                 json.dumps(doc.meta, ensure_ascii=False)),
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(c.id, c.doc_id, c.idx, c.text, c.embed_text, " ".join(c.tokens),
                  json.dumps(c.metadata, ensure_ascii=False)) for c in chunks],
            )

    def publish_document(self, doc_id: str, replaces_source: str | None) -> list[str]:
        """Make a staged document live; in the same transaction retire older documents from
        the same source. Returns the chunk ids that are no longer live."""
        with self._lock, self._transaction():
            retired: list[str] = []
            if replaces_source is not None:
                old = [r[0] for r in self._db.execute(
                    "SELECT doc_id FROM documents WHERE source=? AND doc_id<>? AND status='ready'",
                    (replaces_source, doc_id))]
                for old_id in old:
                    retired.extend(self._delete_rows(old_id))
            self._db.execute("UPDATE documents SET status='ready', ingested_at=? WHERE doc_id=?",
                             (time.time(), doc_id))
            self._bump()
            return retired

    def remove_document(self, doc_id: str) -> list[str]:
        """Delete a document; returns its chunk ids (to delete from the vector store)."""
        with self._lock, self._transaction():
            ids = self._delete_rows(doc_id)
            self._bump()
            return ids

    def set_figures(self, doc_id: str, figures: list[dict[str, Any]]) -> None:
        """Replace the stored figures of a document (back-fill after an extractor change)."""
        with self._lock, self._transaction():
            self._write_figures(doc_id, figures)

    def _write_figures(self, doc_id: str, figures: list[dict[str, Any]]) -> None:
        self._db.execute("DELETE FROM figures WHERE doc_id=?", (doc_id,))
        self._db.executemany(
            "INSERT INTO figures VALUES (?, ?, ?)",
            [(doc_id, int(f.get("position", 0)), json.dumps(f, ensure_ascii=False)) for f in figures],
        )

    def _delete_rows(self, doc_id: str) -> list[str]:
        self._db.execute("DELETE FROM figures WHERE doc_id=?", (doc_id,))
        ids = [r[0] for r in self._db.execute("SELECT id FROM chunks WHERE doc_id=?", (doc_id,))]
        self._db.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
        self._db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
        return ids

    # ------------------------------------------------------------------ reads
    def document(self, doc_id: str) -> StoredDocument | None:
        row = self._db.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return _doc(row) if row else None

    def documents(self, status: str | None = "ready") -> list[StoredDocument]:
        if status is None:
            rows = self._db.execute("SELECT * FROM documents ORDER BY ingested_at").fetchall()
        else:
            rows = self._db.execute(
                "SELECT * FROM documents WHERE status=? ORDER BY ingested_at", (status,)
            ).fetchall()
        return [_doc(r) for r in rows]

    def has_source(self, source: str, exclude: str = "") -> bool:
        """Whether a live document other than ``exclude`` has this source."""
        row = self._db.execute(
            "SELECT 1 FROM documents WHERE source=? AND doc_id<>? AND status='ready' LIMIT 1", (source, exclude)
        ).fetchone()
        return row is not None

    def documents_of_container(self, container: str) -> list[StoredDocument]:
        """Live documents that came out of ``container`` (a zip, a one-per-line file)."""
        rows = self._db.execute(
            "SELECT * FROM documents WHERE status='ready' AND json_extract(meta, '$.container')=?", (container,)
        ).fetchall()
        return [_doc(r) for r in rows]

    def chunk_ids_of(self, doc_ids: list[str]) -> set[str]:
        """Ids of the chunks of these documents."""
        out: set[str] = set()
        for i in range(0, len(doc_ids), 500):
            part = doc_ids[i : i + 500]
            marks = ",".join("?" * len(part))
            out.update(r[0] for r in self._db.execute(f"SELECT id FROM chunks WHERE doc_id IN ({marks})", part))
        return out

    def chunks_of(self, doc_id: str) -> list[StoredChunk]:
        rows = self._db.execute("SELECT * FROM chunks WHERE doc_id=? ORDER BY idx", (doc_id,))
        return [_chunk(r) for r in rows]

    def live_chunks(self) -> Iterator[StoredChunk]:
        rows = self._db.execute(
            "SELECT c.* FROM chunks c JOIN documents d ON c.doc_id=d.doc_id "
            "WHERE d.status='ready' ORDER BY d.ingested_at, c.doc_id, c.idx"
        )
        for row in rows:
            yield _chunk(row)

    def get_chunks(self, ids: list[str]) -> dict[str, StoredChunk]:
        """Live chunks by id (chunks of pending or removed documents are left out)."""
        out: dict[str, StoredChunk] = {}
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(
                f"SELECT c.* FROM chunks c JOIN documents d ON c.doc_id=d.doc_id "
                f"WHERE d.status='ready' AND c.id IN ({marks})", part)
            for row in rows:
                chunk = _chunk(row)
                out[chunk.id] = chunk
        return out

    def figures(self) -> list[dict[str, Any]]:
        """Figures of live documents, in document order, each with its document's title,
        source, region and year."""
        rows = self._db.execute(
            "SELECT f.row, d.title, d.source, json_extract(d.meta, '$.region'), json_extract(d.meta, '$.year') "
            "FROM figures f JOIN documents d ON f.doc_id=d.doc_id "
            "WHERE d.status='ready' ORDER BY d.ingested_at, f.doc_id, f.position"
        ).fetchall()
        return [{**json.loads(r[0]), "title": r[1], "source": r[2], "region": r[3] or "", "doc_year": int(r[4] or 0)}
                for r in rows]

    def get_chunk(self, chunk_id: str) -> StoredChunk | None:
        """One live chunk by id."""
        return self.get_chunks([chunk_id]).get(chunk_id)

    def all_chunk_ids(self) -> set[str]:
        return {r[0] for r in self._db.execute("SELECT id FROM chunks")}

    def close(self) -> None:
        self._db.close()

    # ------------------------------------------------------------------ helpers
    class _Tx:
        def __init__(self, db: sqlite3.Connection) -> None:
            self.db = db

        def __enter__(self) -> None:
            self.db.execute("BEGIN IMMEDIATE")

        def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
            self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")

    def _transaction(self) -> DocStore._Tx:
        return DocStore._Tx(self._db)


def _doc(row: tuple[Any, ...]) -> StoredDocument:
    return StoredDocument(row[0], row[1], row[2], row[3], row[4], row[5], row[6], json.loads(row[7]))


def _chunk(row: tuple[Any, ...]) -> StoredChunk:
    return StoredChunk(row[0], row[1], row[2], row[3], row[4], row[5].split(), json.loads(row[6]))
