"""Chunk invariants on real reports: no cut inside a sentence, offsets map back to the cleaned
text, the token budget holds (a clause over it is cut at the limit), overlap is whole sentences."""

import random

import pytest

from common.textutils import split_clauses, split_sentences
from ingest.chunking import chunk_document
from ingest.cleaning import clean_text
from tests.conftest import SEED_FILE, SHARED


def char_count(text: str) -> int:
    return len(text)


def sentence_bounds(text: str) -> tuple[set[int], set[int]]:
    starts, ends = set(), set()
    for para_start, line in _lines(text):
        for s in split_sentences(line, para_start):
            starts.add(s.start)
            ends.add(s.end)
    return starts, ends


def _lines(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def documents():
    docs = [SEED_FILE.read_text(encoding="utf-8")]
    national = sorted((SHARED / "corpora" / "national-work-reports").glob("*.txt"))
    docs += [p.read_text(encoding="utf-8") for p in random.Random(7).sample(national, 3)]
    return docs


@pytest.mark.parametrize("max_tokens", [60, 160, 300])
@pytest.mark.parametrize("doc_index", range(4))
def test_chunks_never_cut_inside_a_sentence(doc_index, max_tokens):
    raw = documents()[doc_index]
    doc = clean_text(raw)
    chunks = chunk_document(doc, char_count, max_tokens=max_tokens, overlap_sentences=1)
    starts, ends = sentence_bounds(doc.text)
    sentences = [s for pos, line in _lines(doc.text) for s in split_sentences(line, pos)]
    assert chunks
    for chunk in chunks:
        assert doc.text[chunk.start : chunk.end] == chunk.text
        for edge, bounds in ((chunk.start, starts), (chunk.end, ends)):
            if edge in bounds:
                continue
            # Only a sentence longer than the budget may be cut: between clauses, or inside a
            # clause that is itself longer than the budget (at the token limit).
            [inside] = [s for s in sentences if s.start < edge < s.end]
            assert char_count(inside.text) > max_tokens
            if doc.text[edge - 1] not in "，,；;：:":
                [clause] = [c for c in split_clauses(inside.text, inside.start) if c.start < edge < c.end]
                assert char_count(clause.text) > max_tokens, doc.text[edge - 5 : edge + 5]
        assert char_count(chunk.text) <= max_tokens  # the budget always holds


def test_every_sentence_is_in_some_chunk_and_overlap_is_one_sentence():
    doc = clean_text(SEED_FILE.read_text(encoding="utf-8"))
    chunks = chunk_document(doc, char_count, max_tokens=120, overlap_sentences=1)
    covered = set()
    for c in chunks:
        covered.update(range(c.start, c.end))
    for pos, line in _lines(doc.text):
        for s in split_sentences(line, pos):
            assert s.start in covered
    same_section = [(a, b) for a, b in zip(chunks, chunks[1:], strict=False) if a.headings == b.headings and b.start < a.end]
    assert same_section, "consecutive chunks of a long section overlap"
    for a, b in same_section:
        overlap = doc.text[b.start : a.end]
        assert len(split_sentences(overlap)) == 1


def test_chunks_carry_heading_paths_and_kinds():
    doc = clean_text(SEED_FILE.read_text(encoding="utf-8"))
    chunks = chunk_document(doc, char_count, max_tokens=160)
    caption = next(c for c in chunks if "胜辉耐火材料" in c.text)
    assert caption.kind == "caption"
    measure = next(c for c in chunks if "带土移植" in c.text)
    assert measure.headings[-1] == "坚持科技创新,引领现代化产业体系建设"
    assert all(c.kind != "heading" or c.text for c in chunks)


def test_text_without_punctuation_is_cut_at_the_token_limit():
    """A long run with no sentence or clause punctuation (a pasted table, a line of digits) is
    cut at the embedder's token limit, not kept as one chunk."""
    from vectorstore.embeddings import make_embeddings

    count = make_embeddings("e5-small").count_tokens
    rng = random.Random(3)
    run = "".join(rng.choice("青山县城乡道路改造项目资金万元亩吨0123456789 ") for _ in range(60_000))
    ascii_run = "x" * 30_000 + " " + "ab12" * 5_000
    text = f"青山县重点项目表\n\n{run}\n\n{ascii_run}\n\n今年青山县将新建口袋公园7个。\n"
    doc = clean_text(text)
    chunks = chunk_document(doc, count, max_tokens=160, overlap_sentences=1)
    assert len(chunks) > 100
    assert max(count(c.text) for c in chunks) <= 160
    for c in chunks:
        assert doc.text[c.start : c.end] == c.text
    covered = "".join(c.text for c in chunks)
    assert run[:200].strip() in covered and "今年青山县将新建口袋公园7个。" in covered
