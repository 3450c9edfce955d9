"""A search that reloads the BM25 index while an upload swaps a new one in (temp dir + rename)
waits for the swap and reads the whole new index; it neither sees a half-moved directory nor
races the upload with a rebuild of its own. Found by benchmarks/soak.py: searches and uploads
failed with FileNotFoundError (bm25/ids.json; bm25 -> bm25.old-…), 26 5xx in 10 minutes."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any


def test_a_search_during_the_swap_of_a_rebuilt_index_waits_for_it(seed_service, monkeypatch):
    bm25 = seed_service.kb.bm25
    tokens = ["农村", "道路", "公里"]
    expected = bm25.search(tokens, 5)
    assert expected
    real_replace = os.replace
    moved, searched = threading.Event(), threading.Event()

    def replace(src: Any, dst: Any) -> None:
        real_replace(src, dst)
        if Path(src) == bm25.directory and ".old-" in Path(dst).name and not moved.is_set():
            moved.set()  # the old index is gone, the new one not yet in: a search comes now
            searched.wait(timeout=3)

    monkeypatch.setattr(os, "replace", replace)
    errors: list[BaseException] = []
    found: list[Any] = []

    def run(step: Any) -> None:
        try:
            step()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    def search() -> None:
        moved.wait(timeout=30)
        bm25._version = -1  # as after an upload: this search reloads the index
        try:
            found.append(bm25.search(tokens, 5))
        finally:
            searched.set()

    threads = [threading.Thread(target=run, args=(bm25.rebuild,)), threading.Thread(target=run, args=(search,))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert moved.is_set()
    assert not errors, f"{len(errors)} failures, first: {errors[0]!r}"
    assert found == [expected]
    assert bm25.search(tokens, 5) == expected
