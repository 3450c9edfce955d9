"""BM25 over jieba tokens (``bm25s``), persisted beside Chroma and rebuilt from the document
store whenever the live set changes. Also the corpus statistics (document frequency → IDF)
that answer selection weighs question terms with."""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import threading
from pathlib import Path

import numpy as np

from vectorstore.docstore import DocStore


class BM25Index:
    """Persisted BM25 index over the live chunks of one collection."""

    def __init__(self, directory: Path, docstore: DocStore) -> None:
        self.directory = directory
        self.docstore = docstore
        # Held while the index directory is swapped and while it is read: a search reloading the
        # index while an upload swapped it in read a half-moved directory (FileNotFoundError, a 500
        # under the soak benchmark's uploads).
        self._lock = threading.RLock()
        self._retriever: object | None = None
        self._ids: list[str] = []
        self._docs: np.ndarray = np.asarray([], dtype=np.int64)  # doc code of each chunk (aligned with _ids)
        self._doc_code: dict[str, int] = {}
        self._df: np.ndarray | None = None
        self._vocab: dict[str, int] = {}
        self._version = -1

    # ------------------------------------------------------------------ build / load
    def rebuild(self) -> None:
        """Rebuild from the document store and write it atomically (temp dir + rename)."""
        import bm25s

        version = self.docstore.version
        ids: list[str] = []
        docs: list[str] = []
        corpus: list[list[str]] = []
        for chunk in self.docstore.live_chunks():
            ids.append(chunk.id)
            docs.append(chunk.doc_id)
            corpus.append(chunk.tokens or ["\u0000"])
        # Per-process names: several workers (or an ingest beside them) may rebuild at once.
        tmp = self.directory.with_name(f"{self.directory.name}.tmp-{os.getpid()}-{threading.get_ident()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if corpus:
            retriever = bm25s.BM25()
            retriever.index(corpus, show_progress=False)
            retriever.save(str(tmp), show_progress=False)
        (tmp / "ids.json").write_text(json.dumps({"version": version, "ids": ids, "docs": docs}), encoding="utf-8")
        old = self.directory.with_name(f"{self.directory.name}.old-{os.getpid()}-{threading.get_ident()}")
        shutil.rmtree(old, ignore_errors=True)
        with self._lock:
            with contextlib.suppress(FileNotFoundError):  # never built, or another process swaps its own in
                os.replace(self.directory, old)
            os.replace(tmp, self.directory)
            self._version = -1  # force reload
        shutil.rmtree(old, ignore_errors=True)

    def _ensure_loaded(self) -> None:
        version = self.docstore.version
        if version == self._version:
            return
        with self._lock:
            if version == self._version:
                return
            meta_file = self.directory / "ids.json"
            if not meta_file.exists() and version > 0:
                # Never built (an ingest killed before its rebuild), or another process is
                # swapping it in at this instant: build it here (temp names are per process).
                self.rebuild()
            if not meta_file.exists():
                self._retriever, self._ids, self._df, self._vocab = None, [], None, {}
                self._version = version
                return
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            if meta["version"] != version or "docs" not in meta:
                # Another process changed the store and has not rebuilt yet: rebuild here.
                self.rebuild()
                meta = json.loads(meta_file.read_text(encoding="utf-8"))
            self._ids = meta["ids"]
            docs = meta.get("docs") or [""] * len(self._ids)
            self._doc_code = {d: i for i, d in enumerate(dict.fromkeys(docs))}
            self._docs = np.fromiter((self._doc_code[d] for d in docs), dtype=np.int64, count=len(docs))
            if self._ids:
                import bm25s

                retriever = bm25s.BM25.load(str(self.directory), show_progress=False)
                self._vocab = dict(retriever.vocab_dict)
                indptr = np.asarray(retriever.scores["indptr"])
                self._df = np.diff(indptr)
                self._retriever = retriever
            else:
                self._retriever, self._df, self._vocab = None, None, {}
            self._version = meta["version"]

    # ------------------------------------------------------------------ queries
    @property
    def size(self) -> int:
        self._ensure_loaded()
        return len(self._ids)

    def search(
        self, tokens: list[str], k: int, allowed: set[str] | None = None, allowed_docs: set[str] | None = None
    ) -> list[tuple[str, float]]:
        """Top ``k`` (chunk id, score), optionally only among ``allowed`` chunk ids and/or
        the chunks of ``allowed_docs``."""
        self._ensure_loaded()
        if self._retriever is None or not tokens:
            return []
        known = [t for t in tokens if t in self._vocab]
        if not known:
            return []
        scores = np.asarray(self._retriever.get_scores(known))  # type: ignore[attr-defined]
        if allowed is not None:
            mask = np.fromiter((i in allowed for i in self._ids), dtype=bool, count=len(self._ids))
            scores = np.where(mask, scores, 0.0)
        if allowed_docs is not None:
            codes = [self._doc_code[d] for d in allowed_docs if d in self._doc_code]
            scores = np.where(np.isin(self._docs, np.asarray(codes, dtype=np.int64)), scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(self._ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def idf(self, token: str) -> float:
        """Inverse document frequency over live chunks; unseen tokens get the highest value."""
        self._ensure_loaded()
        n = max(len(self._ids), 1)
        tid = self._vocab.get(token)
        df = int(self._df[tid]) if (tid is not None and self._df is not None) else 0
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def vocabulary(self) -> dict[str, int]:
        """Every indexed token → the number of live chunks holding it."""
        self._ensure_loaded()
        if self._df is None:
            return {}
        df = self._df
        return {token: int(df[tid]) for token, tid in self._vocab.items() if tid < len(df)}

    def df(self, token: str) -> int:
        self._ensure_loaded()
        tid = self._vocab.get(token)
        return int(self._df[tid]) if (tid is not None and self._df is not None) else 0
