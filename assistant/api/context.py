"""What the HTTP layer shares: settings, the service per answer mode, the write lock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, get_args

from assistant.errors import ConfigError
from assistant.settings import AnswerMode, Settings

ServiceFactory = Callable[[Settings], Any]


def answer_modes() -> list[str]:
    """The answer modes settings accept (``PLANQA_ANSWER_MODE``)."""
    return list(get_args(AnswerMode))


@dataclass
class ServiceProvider:
    """The default service, and services for the other answer modes built on demand by the
    factory (a mode that cannot be built raises its ``PlanqaError``: a missing model says so)."""

    settings: Settings
    default: Any
    factory: ServiceFactory | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _built: dict[str, Any] = field(default_factory=dict)

    @property
    def default_mode(self) -> str:
        return self.settings.answer_mode

    def modes(self) -> list[str]:
        return answer_modes()

    def get(self, mode: str | None = None) -> Any:
        if not mode or mode == self.settings.answer_mode:
            return self.default
        if mode not in self.modes():
            raise ConfigError(f"unknown answer mode {mode!r}; available: {', '.join(self.modes())}")
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

    @property
    def service(self) -> Any:
        return self.services.default
