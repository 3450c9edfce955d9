"""Generative answers: retrieve → pack the sentences that bear on the question within a token
budget (``packing``) → generate (streamed) → grounding guard → ``Answer``.

The extractive answer on the same passages is computed first (a few milliseconds). When it
refuses for a hard reason (the year, place or figure asked for is not in the documents) the
model is not asked at all: whatever it said would be withheld by the guard anyway.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass

from langchain_core.documents import Document
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage

from assistant.extractive import Extraction
from assistant.guard import Guard, GuardResult
from assistant.packing import Packed, pack
from assistant.question import Question
from common.cancel import checkpoint
from common.errors import Cancelled, ModelError
from prompts import template


@dataclass
class LLM:
    """A chat model (LangChain ``BaseChatModel``) with the token counter of its tokenizer."""

    chat: BaseChatModel
    count_tokens: Callable[[str], int]
    name: str


def messages(question: str, packed: Packed, prompt: str = "answer") -> list[BaseMessage]:
    return template(prompt).format_messages(passages="\n\n".join(packed.texts), question=question)


def stream_tokens(chat: BaseChatModel, msgs: list[BaseMessage]) -> Iterator[str]:
    """Text pieces as the model produces them; endpoint failures become ``ModelError``. The
    model's stream is closed (no more tokens pulled) when the client that asked has gone away
    (``Cancelled`` at the checkpoint before each token) or this generator is closed."""
    checkpoint()
    try:
        with closing(chat.stream(msgs)) as chunks:  # type: ignore[type-var]
            for chunk in chunks:
                checkpoint()
                text = chunk.content if isinstance(chunk.content, str) else ""
                if text:
                    yield text
    except (ModelError, Cancelled):
        raise
    except Exception as exc:  # openai.APIError, httpx errors, llama.cpp failures
        raise ModelError(f"the language model failed: {type(exc).__name__}: {exc}") from exc


@dataclass
class Generation:
    """What one generative answer went through (for the service, benchmarks and tests)."""

    passages: list[Document]
    raw: str = ""
    guard: GuardResult | None = None
    first_token_s: float | None = None
    asked_model: bool = False


def generate(
    llm: LLM,
    qa: Question,
    question: str,
    docs: list[Document],
    extraction: Extraction,
    budget: int,
    state: Generation | None = None,
) -> Iterator[str]:
    """Yield tokens of the generated answer; ``state`` receives the guard's result at the end."""
    state = state or Generation([])
    started = time.perf_counter()
    packed = pack(qa, docs, extraction, llm.count_tokens, budget)
    state.passages = packed.docs
    guard = Guard(qa, state.passages, extraction.pool)
    if not state.passages or extraction.refused:
        # Nothing retrieved, or no sentence the scorer accepts: a small model asked anyway
        # invents an answer more often than it finds one, so it is not asked.
        state.guard = guard.review("", extraction)
        for piece in _pieces(state.guard.answer):
            if state.first_token_s is None:
                state.first_token_s = time.perf_counter() - started
            yield piece
        return
    state.asked_model = True
    raw: list[str] = []
    for token in stream_tokens(llm.chat, messages(question, packed)):
        if state.first_token_s is None:
            state.first_token_s = time.perf_counter() - started
        raw.append(token)
        yield token
    state.raw = "".join(raw)
    state.guard = guard.review(state.raw, extraction)


def _pieces(text: str, size: int = 8) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def llm_rewriter(llm: LLM) -> Callable[[str, list[dict[str, str]]], str]:
    """A follow-up rewriter asking the model (checked by ``conversation.acceptable``)."""

    def rewrite(question: str, history: list[dict[str, str]]) -> str:
        lines = []
        for msg in history[-6:]:
            who = "用户" if msg.get("role") == "user" else "助手"
            lines.append(f"{who}：{str(msg.get('content', ''))[:200]}")
        msgs = template("rewrite").format_messages(history="\n".join(lines), question=question)
        reply = llm.chat.invoke(msgs, stop=["\n"])
        text = reply.content if isinstance(reply.content, str) else ""
        return text.strip().strip("“”\"'")

    return rewrite
