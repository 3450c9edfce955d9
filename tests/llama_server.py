"""A real OpenAI-compatible server for the generative-mode tests: ``python -m llama_cpp.server``
with the 0.5B model on 127.0.0.1 (a free port), and a service in ``openai`` mode pointed at it.
The ``llama_server`` fixture (``conftest.py``) starts one per test module and stops it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from conftest import ROOT

from assistant.llm import make_llm
from assistant.llm.models import model_path
from assistant.service import PlanqaService

MODELS_DIR = ROOT / ".planqa" / "models"
ALIAS = "qwen-0.5b-test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_llama_server(log_dir: Path, n_ctx: int = 2048) -> Iterator[str]:
    """Start the server, wait until it answers ``/models``, yield its ``/v1`` URL, stop it."""
    path = model_path("qwen2.5-coder-0.5b", MODELS_DIR)
    port = free_port()
    log = log_dir / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(path), "--model_alias", ALIAS,
             "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(n_ctx)],
            stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama_cpp.server exited ({proc.returncode}): {log.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("llama_cpp.server did not start within 180 s")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def openai_service(base: PlanqaService, base_url: str, **overrides: object) -> PlanqaService:
    """A service in ``openai`` mode over ``base``'s knowledge base, asking the server at ``base_url``."""
    settings = base.settings.model_copy(update={
        "answer_mode": "openai", "openai_base_url": base_url, "openai_model": ALIAS,
        "openai_api_key": "sk-test", "llm_max_tokens": 120, "openai_timeout_s": 120.0, **overrides,
    })
    return PlanqaService(settings, base.kb, base.ingestor, llm_factory=lambda: make_llm(settings))
