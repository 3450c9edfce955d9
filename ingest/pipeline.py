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
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from assistant.errors import DocumentError
from ingest import metadata as doc_metadata
from ingest.chunking import ChunkDraft, chunk_document
from ingest.cleaning import KIND_LABELS, clean_text
from ingest.figures import extract_from_chunks as extract_figures
from ingest.loaders import LoadedFile, load_path
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
        parts.append(f"{len(self.failed)} failed")
        return f"{', '.join(parts)}; {self.chunks} chunks, {self.chars} chars in {self.seconds:.1f}s"


@dataclass
class PreparedDocument:
    document: StoredDocument
    chunks: list[StoredChunk]


def doc_id_for(content_hash: str) -> str:
    return content_hash[:16]


def chunk_id(doc_id: str, draft: ChunkDraft) -> str:
    return hashlib.sha256(f"{doc_id}\x00{draft.start}\x00{draft.text}".encode()).hexdigest()[:32]


def prepare(loaded: LoadedFile, count_tokens: TokenCounter, max_tokens: int, overlap: int) -> PreparedDocument:
    """Clean, chunk and annotate one loaded file (no store is touched)."""
    clean = clean_text(loaded.text, fallback_title=Path(loaded.name).stem)
    if not clean.text.strip():
        raise DocumentError(loaded.source, "no text left after cleaning")
    meta = doc_metadata.detect(loaded.name, clean)
    doc_id = doc_id_for(loaded.content_hash)
    title = clean.title or Path(loaded.name).stem
    drafts = chunk_document(clean, count_tokens, max_tokens, overlap)
    chunks: list[StoredChunk] = []
    for idx, draft in enumerate(drafts):
        section = " > ".join(draft.headings)
        years = sorted(years_of(draft.text, meta.year) | years_of(section, meta.year))
        label = KIND_LABELS.get(draft.kind, "正文")
        page = _page_at(loaded.pages, draft.start)
        metadata = {
            "doc_id": doc_id, "title": title, "source": loaded.source, "section": section,
            "paragraph": draft.paragraph, "start": draft.start, "end": draft.end,
            "kind": draft.kind, "kind_label": label, "chunk_index": idx,
            "year": meta.year, "region": meta.region, "doc_type": meta.doc_type,
            "years": ",".join(str(y) for y in years),
        }
        if page:
            metadata["page"] = page
        prefix = f"{label}：" if draft.kind in ("caption", "credit", "byline") else ""
        # Dense vectors of the plain passage measured best (headings in the vector dilute it);
        # headings, title and resolved years ("今年" in a 2024 report → 2024年) go to BM25.
        embed_text = f"{prefix}{draft.text}"
        year_note = " ".join(f"{y}年" for y in years)
        tokens = tokenize(f"{title} {section} {year_note} {prefix}{draft.text}")
        chunks.append(StoredChunk(chunk_id(doc_id, draft), doc_id, idx, draft.text, embed_text, tokens, metadata))
    document = StoredDocument(
        doc_id=doc_id, source=loaded.source, title=title, status="pending", n_chunks=len(chunks),
        chars=len(clean.text), ingested_at=time.time(),
        meta={"year": meta.year, "region": meta.region, "doc_type": meta.doc_type, "name": loaded.name,
              "encoding": loaded.encoding, "subtitle": clean.subtitle, "content_hash": loaded.content_hash},
    )
    return PreparedDocument(document, chunks)


def _page_at(pages: list[tuple[int, int]], offset: int) -> int:
    page = 0
    for start, number in pages:
        if start <= offset:
            page = number
        else:
            break
    return page


class Ingestor:
    """Ingests files into a ``KnowledgeBase``."""

    def __init__(
        self,
        kb: KnowledgeBase,
        count_tokens: TokenCounter,
        max_tokens: int = 160,
        overlap_sentences: int = 1,
        progress: bool = True,
    ) -> None:
        self.kb = kb
        self.count_tokens = count_tokens
        self.max_tokens = max_tokens
        self.overlap = overlap_sentences
        self.progress = progress

    def ingest_paths(self, paths: Iterable[Path]) -> IngestReport:
        def loaded() -> Iterable[LoadedFile | DocumentError]:
            for path in paths:
                yield from load_path(Path(path))

        return self.ingest_loaded(loaded())

    def ingest_loaded(self, items: Iterable[LoadedFile | DocumentError]) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        changed = self._resume(report)
        prepared: list[PreparedDocument] = []
        for item in items:
            if isinstance(item, DocumentError):
                report.failed.append((item.path, item.reason))
                continue
            existing = self.kb.docstore.document(doc_id_for(item.content_hash))
            if existing is not None and existing.status == "ready":
                report.unchanged.append(item.source)
                continue
            try:
                prepared.append(prepare(item, self.count_tokens, self.max_tokens, self.overlap))
            except DocumentError as exc:
                report.failed.append((exc.path, exc.reason))
        total = sum(len(p.chunks) for p in prepared)
        bar = tqdm(total=total, unit="chunk", desc="embedding", file=sys.stderr,
                   disable=not self.progress or total == 0, dynamic_ncols=True)
        with bar:
            for prep in prepared:
                doc = prep.document
                had_source = any(d.source == doc.source for d in self.kb.docstore.documents())
                figures = [f.public() for f in extract_figures(prep.chunks)]
                self.kb.docstore.stage_document(doc, prep.chunks, figures)
                for i in range(0, len(prep.chunks), 32):
                    batch = prep.chunks[i : i + 32]
                    self.kb.write_vectors(batch)
                    bar.update(len(batch))
                self.kb.publish(doc.doc_id, doc.source)
                (report.replaced if had_source else report.added).append(doc.source)
                report.chunks += len(prep.chunks)
                report.chars += doc.chars
                changed = True
        if changed:
            self.kb.bm25.rebuild()
        report.seconds = time.perf_counter() - started
        return report

    def _resume(self, report: IngestReport) -> bool:
        """Finish documents a killed run staged but never published; drop orphan vectors."""
        pending = self.kb.docstore.documents(status="pending")
        for doc in pending:
            chunks = self.kb.docstore.chunks_of(doc.doc_id)
            self.kb.write_vectors(chunks)
            self.kb.publish(doc.doc_id, doc.source)
            report.resumed.append(doc.source)
            report.chunks += len(chunks)
        removed = self.kb.reconcile() if pending else 0
        return bool(pending or removed)
