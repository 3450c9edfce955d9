"""The document store: SQLite beside Chroma, the source of truth for which documents, chunks
and sentences are live. Chunks are what BM25 searches and citations show; sentences are the
units that are embedded (every sentence once), each with its frame (the years it speaks about,
its figures as targets or results; ``ingest/frames.py``) and its vector (float16). Chroma holds
the same vectors for nearest-neighbour search; a sentence is searchable only when its
document's row here is ``ready``. Replacing a document flips old → new in one transaction, so a question never
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

import numpy as np

from common.errors import StoreError

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
CREATE TABLE IF NOT EXISTS sentences (
    doc_id TEXT NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    chunk_id TEXT NOT NULL,
    text TEXT NOT NULL,
    frame TEXT NOT NULL,
    vector BLOB,
    PRIMARY KEY (doc_id, start)
);
CREATE INDEX IF NOT EXISTS sentences_chunk ON sentences(chunk_id);
CREATE TABLE IF NOT EXISTS outlines (doc_id TEXT PRIMARY KEY, nodes TEXT NOT NULL);
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
class StoredSentence:
    """A sentence of a document: ``start``/``end`` are offsets in the cleaned document text;
    ``chunk_id`` is the first chunk holding it; ``frame`` as ``SentenceFrame.as_dict``."""

    doc_id: str
    start: int
    end: int
    chunk_id: str
    text: str
    frame: dict[str, Any]
    vector: np.ndarray | None = None

    @property
    def id(self) -> str:
        return sentence_id(self.doc_id, self.start)


def sentence_id(doc_id: str, start: int) -> str:
    """The id of a sentence in the vector store."""
    return f"{doc_id}:{start}"


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
        self, doc: StoredDocument, chunks: list[StoredChunk], figures: list[dict[str, Any]] | None = None,
        sentences: list[StoredSentence] | None = None, outline: list[dict[str, Any]] | None = None,
    ) -> None:
        """Store a document, its chunks and sentences (and extracted figures) as ``pending``
        (not yet searchable); figures go live and are deleted with their document."""
        with self._lock, self._transaction():
            if figures is not None:
                self._write_figures(doc.doc_id, figures)
            for table in ("chunks", "sentences"):
                self._db.execute(f"DELETE FROM {table} WHERE doc_id=? AND doc_id IN "
                                 "(SELECT doc_id FROM documents WHERE status='pending')", (doc.doc_id,))
            self._db.execute("INSERT OR REPLACE INTO outlines VALUES (?, ?)",
                             (doc.doc_id, json.dumps(outline or [], ensure_ascii=False)))
            self._db.executemany(
                "INSERT OR REPLACE INTO sentences VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(t.doc_id, t.start, t.end, t.chunk_id, t.text, json.dumps(t.frame, ensure_ascii=False),
                  _blob(t.vector)) for t in sentences or []],
            )
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
        the same source. Returns the sentence ids that are no longer live."""
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
        """Delete a document; returns its sentence ids (to delete from the vector store)."""
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
        ids = [sentence_id(doc_id, r[0]) for r in
               self._db.execute("SELECT start FROM sentences WHERE doc_id=?", (doc_id,))]
        self._db.execute("DELETE FROM sentences WHERE doc_id=?", (doc_id,))
        self._db.execute("DELETE FROM outlines WHERE doc_id=?", (doc_id,))
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

    def documents_containing(self, phrase: str) -> set[str]:
        """Ids of the live documents whose text has ``phrase`` verbatim."""
        rows = self._db.execute(
            "SELECT DISTINCT c.doc_id FROM chunks c JOIN documents d ON d.doc_id = c.doc_id "
            "WHERE d.status = 'ready' AND instr(c.text, ?) > 0", (phrase,)).fetchall()
        return {str(r[0]) for r in rows}

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

    def all_sentence_ids(self) -> set[str]:
        return {sentence_id(r[0], r[1]) for r in self._db.execute("SELECT doc_id, start FROM sentences")}

    def documents_without_sentences(self) -> list[StoredDocument]:
        """Live documents stored by an older version (chunks only, no sentences)."""
        rows = self._db.execute(
            "SELECT * FROM documents d WHERE status='ready' AND NOT EXISTS "
            "(SELECT 1 FROM sentences s WHERE s.doc_id=d.doc_id)").fetchall()
        return [_doc(r) for r in rows]

    def set_frames(self, frames: list[tuple[str, int, dict[str, Any]]]) -> None:
        """Replace the frames of stored sentences: ``(doc_id, start, frame)``."""
        with self._lock, self._transaction():
            self._db.executemany("UPDATE sentences SET frame=? WHERE doc_id=? AND start=?",
                                 [(json.dumps(f, ensure_ascii=False), d, s) for d, s, f in frames])

    def add_sentences(self, sentences: list[StoredSentence]) -> None:
        """Sentences of a live document (an upgrade of an older index)."""
        with self._lock, self._transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO sentences VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(t.doc_id, t.start, t.end, t.chunk_id, t.text, json.dumps(t.frame, ensure_ascii=False),
                  _blob(t.vector)) for t in sentences],
            )

    def outline(self, doc_id: str) -> list[dict[str, Any]]:
        """The stored outline nodes of a document (``ingest.outline.OutlineNode.as_dict``)."""
        row = self._db.execute("SELECT nodes FROM outlines WHERE doc_id=?", (doc_id,)).fetchone()
        return list(json.loads(row[0])) if row else []

    def sentences_of(self, doc_id: str, with_vectors: bool = True) -> list[StoredSentence]:
        """The sentences of a document in text order."""
        rows = self._db.execute(
            f"SELECT doc_id, start, end, chunk_id, text, frame, {'vector' if with_vectors else 'NULL'} "
            "FROM sentences WHERE doc_id=? ORDER BY start", (doc_id,))
        return [_sentence(r) for r in rows]

    def sentences_in_spans(self, spans: list[tuple[str, str, int, int]]) -> dict[str, list[StoredSentence]]:
        """The stored sentences inside spans of documents given as ``(key, doc_id, start, end)``
        (a chunk's span: its own sentences and those first stored with the chunk before it):
        key → sentences in text order."""
        out: dict[str, list[StoredSentence]] = {}
        for key, doc_id, lo, hi in spans:
            rows = self._db.execute(
                "SELECT doc_id, start, end, chunk_id, text, frame, vector FROM sentences "
                "WHERE doc_id=? AND start>=? AND end<=? ORDER BY start", (doc_id, lo, hi))
            out[key] = [_sentence(r) for r in rows]
        return out

    def sentences_by_id(self, ids: list[str]) -> dict[str, StoredSentence]:
        """Live sentences by vector-store id."""
        out: dict[str, StoredSentence] = {}
        for ident in ids:
            doc_id, _, start = ident.rpartition(":")
            if not doc_id or not start.isdigit():
                continue  # a vector of an older index (chunks): not a sentence
            row = self._db.execute(
                "SELECT s.doc_id, s.start, s.end, s.chunk_id, s.text, s.frame, NULL FROM sentences s "
                "JOIN documents d ON s.doc_id=d.doc_id WHERE d.status='ready' AND s.doc_id=? AND s.start=?",
                (doc_id, int(start or 0))).fetchone()
            if row is not None:
                out[ident] = _sentence(row)
        return out

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


def _blob(vector: np.ndarray | None) -> bytes | None:
    return None if vector is None else np.asarray(vector, dtype=np.float16).tobytes()


def _sentence(row: tuple[Any, ...]) -> StoredSentence:
    vector = np.frombuffer(row[6], dtype=np.float16).astype(np.float32) if row[6] else None
    return StoredSentence(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]), vector)


def _chunk(row: tuple[Any, ...]) -> StoredChunk:
    return StoredChunk(row[0], row[1], row[2], row[3], row[4], row[5].split(), json.loads(row[6]))
