"""A scripted chat model for unit tests of the logic around an LLM (guard, rewrite, streaming):
replies are queued with ``enqueue`` and every prompt it received is kept in ``history``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field


class ScriptedChatModel(BaseChatModel):
    replies: list[str] = Field(default_factory=list)
    history: list[list[BaseMessage]] = Field(default_factory=list)
    chunk_chars: int = 3

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def enqueue(self, *replies: str) -> ScriptedChatModel:
        self.replies.extend(replies)
        return self

    def _next(self, messages: list[BaseMessage]) -> str:
        self.history.append(list(messages))
        if not self.replies:
            raise AssertionError("ScriptedChatModel: no reply queued")
        return self.replies.pop(0)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self._next(messages)))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        text = self._next(messages)
        for i in range(0, len(text), self.chunk_chars):
            yield ChatGenerationChunk(message=AIMessageChunk(content=text[i : i + self.chunk_chars]))
