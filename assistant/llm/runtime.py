"""The local model runtime: llama-cpp-python (compiled from source, ~10 min on 2 cores) and the
assembled model files. ``make run`` does not wait for them: the extractive chat answers first,
and the runtime is prepared in the background (``make local``) when the server starts with
``PLANQA_LOCAL_SETUP=background`` (what ``make run`` sets) or when ``local`` mode is first asked
for in the web chat (``on_demand``, the default). Progress is read from the build's log."""

from __future__ import annotations

import atexit
import contextlib
import importlib
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.llm.models import model_path
from assistant.settings import PROJECT_ROOT, Settings
from common.errors import ModelError

# Steps of `make local`, as the Makefile announces them (`planqa-step <name>`), and the share
# of the whole each one takes (compiling llama.cpp is most of it).
STEPS = {"start": (0, 2), "build": (2, 85), "install": (85, 95), "models": (95, 100)}
_STEP_RE = re.compile(r"^planqa-step (\w+)", re.M)
_NINJA_RE = re.compile(r"\[(\d+)/(\d+)\]")


@dataclass(frozen=True)
class RuntimeStatus:
    """``state``: ready | missing (not installed, can be prepared) | building | failed |
    model_missing (runtime in, model file not) | unmanaged (cannot be prepared here)."""

    state: str
    step: str = ""
    percent: int = 0
    minutes: int = 0
    reason: str = ""

    @property
    def ready(self) -> bool:
        return self.state == "ready"

    def explain(self) -> str:
        """In English, for the APIs and the log."""
        return {
            "missing": "the local model runtime (llama-cpp-python) is not installed yet; choose 'local' in the "
                       "web chat to prepare it, or run `make local`",
            "building": f"the local model runtime is being prepared ({self.step}, {self.percent}%)",
            "failed": f"preparing the local model runtime failed: {self.reason}",
            "model_missing": self.reason or "the local model file is missing: run `make setup`",
            "unmanaged": "llama-cpp-python is not installed: install it (see the README, `make local`)",
        }.get(self.state, "ready")


def llama_installed() -> bool:
    importlib.invalidate_caches()  # installed by another process since the last look
    return importlib.util.find_spec("llama_cpp") is not None


def progress_of(log: str) -> tuple[str, int]:
    """The current step and overall percent, from the output of `make local` so far."""
    steps = _STEP_RE.findall(log)
    step = steps[-1] if steps and steps[-1] in STEPS else "start"
    low, high = STEPS[step]
    fraction = 0.0
    if step == "build":
        tail = log[log.rfind("planqa-step build"):]
        found = _NINJA_RE.findall(tail)
        if found:
            done, total = (int(x) for x in found[-1])
            fraction = done / max(total, 1)
    return step, int(low + (high - low) * min(fraction, 1.0))


class LocalRuntime:
    """Whether local mode can run, and its preparation (one per process)."""

    def __init__(self, settings: Settings, project_root: Path = PROJECT_ROOT) -> None:
        self.settings = settings
        self.project_root = project_root
        self.log_path = Path(settings.data_dir) / "local-runtime.log"
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._started = 0.0
        self._failure = ""
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def managed(self) -> bool:
        """Whether this server can prepare the runtime itself (a checkout with its Makefile)."""
        return (self.project_root / "Makefile").is_file() and shutil.which("make") is not None

    def status(self) -> RuntimeStatus:
        if self.building:
            log = self._read_log()
            step, percent = progress_of(log)
            return RuntimeStatus("building", step, percent, int((time.time() - self._started) // 60))
        if self._failure:
            return RuntimeStatus("failed", reason=self._failure)
        if not llama_installed():
            return RuntimeStatus("missing" if self.managed else "unmanaged")
        try:
            model_path(self.settings.llm_model, self.settings.model_dir)
        except ModelError as exc:
            return RuntimeStatus("model_missing" if not self.managed else "missing", reason=str(exc))
        return RuntimeStatus("ready")

    @property
    def building(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def prepare(self) -> RuntimeStatus:
        """Start `make local` in the background (once; a no-op when ready or already running)."""
        with self._lock:
            if self.building:
                return self.status()
            current = self.status()
            if current.ready or not self.managed:
                return current
            self._failure = ""
            self._started = time.time()
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self.log_path.write_text("planqa-step start\n", encoding="utf-8")
            self._thread = threading.Thread(target=self._run, name="planqa-local-runtime", daemon=True)
            self._thread.start()
        return self.status()

    def command(self) -> list[str]:
        return ["make", "--no-print-directory", "-C", str(self.project_root), "local", f"VENV={sys.prefix}",
                "LLAMA_PIP_FLAGS=-v",
                f"MODELS_DIR={Path(self.settings.model_dir).resolve()}"]

    def _run(self) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        try:
            with self.log_path.open("a", encoding="utf-8") as log:
                # its own process group: stopped with the server (atexit), compiler and all
                self._process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT, env=env,
                                                 stdin=subprocess.DEVNULL, start_new_session=True)
                atexit.register(self.stop)
                code = self._process.wait()
        except OSError as exc:
            self._failure = f"cannot run make ({exc})"
            return
        if code != 0:
            # the last line of the failing command's own output (not make's summary)
            last = [line for line in self._read_log().splitlines()
                    if line.strip() and not line.startswith(("make:", "make["))][-1:] or [""]
            self._failure = f"`make local` exited with {code} ({last[0][:200]}); log: {self.log_path}"
            return
        if not llama_installed():
            self._failure = f"llama-cpp-python is still not importable; log: {self.log_path}"
            return
        print(f"planqa: local model runtime ready (log: {self.log_path})", file=sys.stderr)

    def stop(self) -> None:
        """End a running preparation (the server is stopping); the next start begins it again."""
        process = self._process
        if process is not None and process.poll() is None:
            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGTERM)

    def wait(self, timeout: float | None = None) -> RuntimeStatus:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self.status()

    def _read_log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
