"""llama.cpp in process (``llama-cpp-python``) as a LangChain chat model.

One ``Llama`` per model file per process; calls are serialised by a lock (a llama.cpp context
is not thread-safe). On a CPU, reading the prompt is most of the time to the first token, so
the KV cache is kept warm:

* llama.cpp reuses the prompt prefix shared with the previous call (the system prompt), so
  only the passages and the question are read per call;
* when a call has another system prompt (a follow-up is rewritten by the ``rewrite`` prompt
  between two answers), the KV cells of the previous prompt are snapshotted under its system
  prompt and restored when that system prompt comes back, instead of being read again;
* ``warm`` reads a prompt's system part ahead of the first question.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

from common.errors import ModelError

_ROLES = {"human": "user", "ai": "assistant", "system": "system", "user": "user", "assistant": "assistant"}
# KV snapshots kept for system prompts other than the current one (a few MB each).
MAX_SNAPSHOTS = 4


@dataclass
class _Snapshot:
    tokens: Any  # numpy array of the token ids in the KV cache
    kv: bytes  # llama.cpp's state of sequence 0


@dataclass
class _Runtime:
    """A loaded model, its lock, and which system prompt its KV cache holds."""

    llama: Any
    lock: threading.Lock = field(default_factory=threading.Lock)
    system: str | None = None
    snapshots: OrderedDict[str, _Snapshot] = field(default_factory=OrderedDict)

    def use_system(self, system: str) -> None:
        """Make the KV cache hold the last prompt with ``system`` (call with the lock held)."""
        if system == self.system:
            return
        llama = self.llama
        if self.system is not None and llama.n_tokens:
            self.snapshots[self.system] = self._snapshot()
            while len(self.snapshots) > MAX_SNAPSHOTS:
                self.snapshots.popitem(last=False)
        saved = self.snapshots.pop(system, None)
        if saved is not None:
            self._restore(saved)
        self.system = system

    def _snapshot(self) -> _Snapshot:
        import llama_cpp

        ctx = self.llama._ctx.ctx
        size = llama_cpp.llama_state_seq_get_size(ctx, 0)
        buf = (ctypes.c_uint8 * size)()
        n = llama_cpp.llama_state_seq_get_data(ctx, buf, size, 0)
        return _Snapshot(self.llama.input_ids[: self.llama.n_tokens].copy(), bytes(buf)[:n])

    def _restore(self, saved: _Snapshot) -> None:
        import llama_cpp

        llama = self.llama
        llama.n_tokens = 0  # nothing reusable unless the restore succeeds
        llama._ctx.kv_cache_seq_rm(-1, 0, -1)
        buf = (ctypes.c_uint8 * len(saved.kv)).from_buffer_copy(saved.kv)
        if llama_cpp.llama_state_seq_set_data(llama._ctx.ctx, buf, len(saved.kv), 0):
            llama.input_ids[: len(saved.tokens)] = saved.tokens
            llama.n_tokens = len(saved.tokens)


_cache_lock = threading.Lock()
_loaded: dict[tuple[str, int, int], _Runtime] = {}


@atexit.register
def _close_all() -> None:
    """Free loaded models before interpreter shutdown tears down the bindings they need."""
    with _cache_lock:
        for runtime in _loaded.values():
            with contextlib.suppress(Exception):
                runtime.llama.close()
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

    _state: _Runtime | None = PrivateAttr(default=None)

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

    def _load(self) -> _Runtime:
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
                _loaded[key] = _Runtime(llama)
            self._state = _loaded[key]
        return self._state

    def count_tokens(self, text: str) -> int:
        return len(self._load().llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def warm(self, messages: list[BaseMessage]) -> None:
        """Read the prompt of ``messages`` into the KV cache now (the system prompt of later
        calls is then not read at their first token)."""
        for _ in self._stream(messages, max_tokens=1):
            pass

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
        runtime = self._load()
        with runtime.lock:
            dicts = _to_dicts(messages)
            try:
                runtime.use_system(dicts[0]["content"] if dicts and dicts[0]["role"] == "system" else "")
                stream = runtime.llama.create_chat_completion(
                    messages=dicts, stream=True, **self._params(stop, kwargs)
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
