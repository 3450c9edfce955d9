"""llama.cpp in process (``llama-cpp-python``) as a LangChain chat model.

One ``Llama`` per model file per process; calls are serialised by a lock (a llama.cpp context
is not thread-safe). The prompt prefix shared by consecutive calls (the system prompt) stays
in the KV cache, so only the passages and the question are evaluated per call.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

from assistant.errors import ModelError

_ROLES = {"human": "user", "ai": "assistant", "system": "system", "user": "user", "assistant": "assistant"}
_cache_lock = threading.Lock()
_loaded: dict[tuple[str, int, int], tuple[Any, threading.Lock]] = {}


@atexit.register
def _close_all() -> None:
    """Free loaded models before interpreter shutdown tears down the bindings they need."""
    with _cache_lock:
        for llama, _ in _loaded.values():
            with contextlib.suppress(Exception):
                llama.close()
        _loaded.clear()


def _to_dicts(messages: list[BaseMessage]) -> list[dict[str, str]]:
    return [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages]


def default_threads() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


class LlamaCppChatModel(BaseChatModel):
    """A GGUF model run by llama.cpp in this process."""

    model_path: str
    n_ctx: int = 2048
    n_threads: int = 0  # 0: one per core (up to 8)
    temperature: float = 0.0
    max_tokens: int = 256
    seed: int = 7

    _state: tuple[Any, threading.Lock] | None = PrivateAttr(default=None)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "n_ctx": self.n_ctx, "temperature": self.temperature}

    # -------------------------------------------------------------- loading
    def load(self) -> None:
        """Load the model now (it is otherwise loaded on first use)."""
        self._load()

    def _load(self) -> tuple[Any, threading.Lock]:
        if self._state is not None:
            return self._state
        threads = self.n_threads or default_threads()
        key = (str(Path(self.model_path).resolve()), self.n_ctx, threads)
        with _cache_lock:
            if key not in _loaded:
                try:
                    from llama_cpp import Llama
                except ImportError as exc:  # pragma: no cover - install problem
                    raise ModelError(
                        "llama-cpp-python is not installed: run `make setup` (it builds and caches the wheel)"
                    ) from exc
                try:
                    llama = Llama(
                        model_path=self.model_path, n_ctx=self.n_ctx, n_threads=threads,
                        n_threads_batch=threads, n_batch=512, seed=self.seed, verbose=False,
                    )
                except (ValueError, RuntimeError, OSError) as exc:
                    raise ModelError(f"cannot load model {self.model_path}: {exc}") from exc
                _loaded[key] = (llama, threading.Lock())
            self._state = _loaded[key]
        return self._state

    def count_tokens(self, text: str) -> int:
        llama, _ = self._load()
        return len(llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    # -------------------------------------------------------------- generation
    def _params(self, stop: list[str] | None, kwargs: dict[str, Any]) -> dict[str, Any]:
        return {
            "temperature": kwargs.get("temperature", self.temperature),
            "max_tokens": kwargs.get("max_tokens", self.max_tokens),
            "stop": stop or None,
            "seed": self.seed,
        }

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(chunk.text for chunk in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        llama, lock = self._load()
        with lock:
            try:
                stream = llama.create_chat_completion(
                    messages=_to_dicts(messages), stream=True, **self._params(stop, kwargs)
                )
                for part in stream:
                    delta = part["choices"][0].get("delta", {}).get("content")
                    if not delta:
                        continue
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
                    if run_manager:
                        run_manager.on_llm_new_token(delta, chunk=chunk)
                    yield chunk
            except (ValueError, RuntimeError) as exc:
                raise ModelError(f"llama.cpp failed: {exc}") from exc
