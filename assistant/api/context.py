"""What the HTTP layer shares: settings, the service per answer mode, the write lock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, get_args

from assistant.llm.runtime import LocalRuntime, RuntimeStatus
from assistant.settings import AnswerMode, Settings
from common.errors import ConfigError, ModelError

ServiceFactory = Callable[[Settings], Any]


def answer_modes() -> list[str]:
    """The answer modes settings accept (``PLANQA_ANSWER_MODE``)."""
    return list(get_args(AnswerMode))


@dataclass(frozen=True)
class ModeState:
    """Whether an answer mode can answer now; ``reason`` (a key of the web chat's strings:
    ``off_openai``, ``off_local_runtime``, …) and ``detail`` (English) say why not."""

    mode: str
    available: bool
    reason: str = ""
    detail: str = ""
    runtime: RuntimeStatus | None = None


_LOCAL_REASONS = {"missing": "off_local_runtime", "building": "off_local_building", "failed": "off_local_failed",
                  "model_missing": "off_local_model", "unmanaged": "off_local_unmanaged"}


@dataclass
class ServiceProvider:
    """The default service, and services for the other answer modes built on demand by the
    factory. Only modes that can answer now are offered (``available_modes``); asking for
    another is a ``ModelError`` that says why."""

    settings: Settings
    default: Any
    factory: ServiceFactory | None = None
    runtime: LocalRuntime | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _built: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.runtime is None:
            self.runtime = LocalRuntime(self.settings)

    @property
    def default_mode(self) -> str:
        return self.settings.answer_mode

    def modes(self) -> list[str]:
        return answer_modes()

    def state(self, mode: str) -> ModeState:
        if mode == "local":
            assert self.runtime is not None
            status = self.runtime.status()
            if status.ready:
                return ModeState(mode, True, runtime=status)
            return ModeState(mode, False, _LOCAL_REASONS[status.state], status.explain(), status)
        if mode == "openai" and not (self.settings.openai_base_url and self.settings.openai_model):
            return ModeState(mode, False, "off_openai",
                             "no OpenAI-compatible endpoint is configured (PLANQA_OPENAI_BASE_URL, PLANQA_OPENAI_MODEL)")
        return ModeState(mode, True)

    def states(self) -> list[ModeState]:
        return [self.state(m) for m in self.modes()]

    def available_modes(self) -> list[str]:
        return [s.mode for s in self.states() if s.available]

    def get(self, mode: str | None = None) -> Any:
        if mode and mode not in self.modes():
            raise ConfigError(f"unknown answer mode {mode!r}; available: {', '.join(self.available_modes())}")
        state = self.state(mode or self.settings.answer_mode)
        if not state.available:
            raise ModelError(f"answer mode {state.mode!r} is not available: {state.detail}")
        if not mode or mode == self.settings.answer_mode:
            return self.default
        with self._lock:
            if mode not in self._built:
                if self.factory is None:
                    raise ConfigError(f"answer mode {mode!r} is not configured on this server")
                self._built[mode] = self.factory(self.settings.model_copy(update={"answer_mode": mode}))
            return self._built[mode]


@dataclass
class ApiContext:
    settings: Settings
    services: ServiceProvider
    # Uploads and deletes one at a time (questions are not blocked by them).
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    started: float = field(default_factory=time.time)
    # The web chat's registered uploads (``assistant.webui.uploads.UploadRegistry``), if mounted.
    uploads: Any = None
    # Failed authentications per client address (``assistant.api.security.AuthFailures``).
    auth_failures: Any = None
    # The web chat's per-client limits (``assistant.api.security.ClientGate``), if mounted.
    chat_gate: Any = None
    # The web chat's background ingest of uploads (``assistant.webui.jobs.IngestJobs``), if mounted.
    ingest_jobs: Any = None

    @property
    def service(self) -> Any:
        return self.services.default
