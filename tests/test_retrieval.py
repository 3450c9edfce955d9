from langchain_core.retrievers import BaseRetriever

from vectorstore.retriever import reciprocal_rank_fusion


def test_rrf_rewards_agreement_between_rankings():
    fused = dict(reciprocal_rank_fusion([["a", "b", "c"], ["b", "c", "a"]], k=10))
    assert fused["b"] > fused["a"] > 0
    assert fused["b"] == 1 / 12 + 1 / 11


def test_hybrid_retriever_is_a_langchain_retriever(seed_service):
    retriever = seed_service.kb.retriever
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("农村道路", k=3)
    assert 1 <= len(docs) <= 3, [d.page_content[:20] for d in docs]
    assert any("农村道路" in d.page_content for d in docs)
    meta = docs[0].metadata
    for key in ("doc_id", "title", "source", "section", "paragraph", "start", "end", "rrf"):
        assert key in meta
    assert docs[0].id


def test_hybrid_finds_the_evidence_in_top3_for_the_dev_set(seed_service, seed_dev):
    hits = 0
    answerable = [g for g in seed_dev if g["evidence"]]
    for g in answerable:
        docs = seed_service.retrieve(seed_service.analyze(g["question"]), k=3)
        hits += any(g["evidence"] in d.page_content for d in docs)
    assert hits >= len(answerable) - 1


def test_chunk_offsets_point_into_the_cleaned_document(seed_service):
    from ingest.cleaning import clean_text
    from tests.conftest import SEED_FILE

    text = clean_text(SEED_FILE.read_text(encoding="utf-8")).text
    for chunk in seed_service.kb.docstore.live_chunks():
        assert text[chunk.metadata["start"] : chunk.metadata["end"]] == chunk.text
