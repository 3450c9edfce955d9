"""Ingest into a fresh data dir with the real embedder and a real persistent Chroma."""

import shutil

import pytest

from assistant.settings import Settings
from tests.conftest import SEED_FILE


@pytest.fixture()
def fresh_service(tmp_path):
    from assistant.factory import build_service

    return build_service(Settings(data_dir=tmp_path / "data", progress=False, collection="test-kb"))


def test_reingesting_the_same_file_changes_nothing(fresh_service, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED_FILE, corpus / "seed.txt")
    first = fresh_service.ingest([corpus])
    assert len(first.added) == 1 and first.chunks > 10
    ids = fresh_service.kb.docstore.all_chunk_ids()
    count = fresh_service.kb.vector_count()
    second = fresh_service.ingest([corpus])
    assert second.unchanged == [str(corpus / "seed.txt")] and second.chunks == 0
    assert fresh_service.kb.docstore.all_chunk_ids() == ids
    assert fresh_service.kb.vector_count() == count


def test_bad_files_are_named_and_nothing_stored_is_lost(fresh_service, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED_FILE, corpus / "seed.txt")
    fresh_service.ingest([corpus])
    before = fresh_service.kb.docstore.all_chunk_ids()

    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.md").write_bytes(b"\x00\x01\x02" * 100)
    (corpus / "new.txt").write_text("海城市将新建5G基站300个。\n", encoding="utf-8")
    report = fresh_service.ingest([corpus, tmp_path / "missing.txt"])
    failed = {path.rsplit("/", 1)[-1]: reason for path, reason in report.failed}
    assert set(failed) == {"empty.txt", "binary.md", "missing.txt"}
    assert "empty" in failed["empty.txt"] and "binary" in failed["binary.md"]
    assert report.added == [str(corpus / "new.txt")]
    assert before < fresh_service.kb.docstore.all_chunk_ids()
    answer = fresh_service.ask("海城市要新建多少个5G基站？")
    assert "300个" in answer.answer


def test_a_changed_file_replaces_its_old_version(fresh_service, tmp_path):
    doc = tmp_path / "plan.txt"
    doc.write_text("海城市今年将新建改建农村道路100公里。\n", encoding="utf-8")
    fresh_service.ingest([doc])
    doc.write_text("海城市今年将新建改建农村道路120公里。\n", encoding="utf-8")
    report = fresh_service.ingest([doc])
    assert report.replaced == [str(doc)]
    documents = fresh_service.documents()
    assert len(documents) == 1
    texts = [c.text for c in fresh_service.kb.docstore.live_chunks()]
    assert texts == ["海城市今年将新建改建农村道路120公里。"]
    assert fresh_service.kb.vector_count() == 1
    assert "120公里" in fresh_service.ask("海城今年新建改建农村道路多少公里？").answer


def test_remove_document(fresh_service, tmp_path):
    doc = tmp_path / "plan.txt"
    doc.write_text("海城市今年将新建改建农村道路100公里。\n", encoding="utf-8")
    fresh_service.ingest([doc])
    [d] = fresh_service.documents()
    assert fresh_service.remove_document(d.doc_id)
    assert fresh_service.documents() == [] and fresh_service.kb.vector_count() == 0
    assert fresh_service.ask("海城今年新建改建农村道路多少公里？").refused


def test_every_sentence_is_embedded_once_and_an_older_index_is_upgraded(fresh_service, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED_FILE, corpus / "seed.txt")
    report = fresh_service.ingest([corpus])
    kb = fresh_service.kb
    [doc] = fresh_service.documents()
    sentences = kb.docstore.sentences_of(doc.doc_id)
    assert report.sentences == len(sentences) == kb.vector_count()
    assert all(s.vector is not None and len(s.vector) == 384 for s in sentences)
    # The text of every chunk is covered by its sentences: all text is embedded.
    for chunk in kb.docstore.chunks_of(doc.doc_id):
        inside = kb.docstore.sentences_in_spans([("c", doc.doc_id, chunk.metadata["start"], chunk.metadata["end"])])["c"]
        assert sum(len(s.text) for s in inside) >= len(chunk.text.replace("\n", "")) - 2 * len(inside)
    # An index of the previous version held one vector per chunk and no sentences.
    kb.docstore._db.execute("DELETE FROM sentences")
    kb.collection.delete(ids=[s.id for s in sentences])
    kb.collection.upsert(ids=["old-chunk-vector"], embeddings=[[0.0] * 383 + [1.0]], documents=["旧"])
    assert fresh_service.ingestor.upgrade() == 1
    assert len(kb.docstore.sentences_of(doc.doc_id)) == len(sentences) == kb.vector_count()
    assert "新建改建农村道路100公里" in fresh_service.ask("海城今年计划新建改建多少公里农村道路？").answer
