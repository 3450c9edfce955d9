"""The 'openai' answer mode against a real OpenAI-compatible server: ``python -m
llama_cpp.server`` with the 0.5B model, started on 127.0.0.1 (a free port) and stopped here."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx
import pytest
from conftest import ROOT

from assistant.evaluation import citations_verbatim, figures_quoted
from assistant.llm import make_llm
from assistant.llm.models import model_path
from assistant.service import PlanqaService
from common.errors import ModelError

MODELS_DIR = ROOT / ".planqa" / "models"
ALIAS = "qwen-0.5b-test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory):
    path = model_path("qwen2.5-coder-0.5b", MODELS_DIR)
    port = free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(path), "--model_alias", ALIAS,
             "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048"],
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


def openai_service(seed_service, base_url: str) -> PlanqaService:
    settings = seed_service.settings.model_copy(update={
        "answer_mode": "openai", "openai_base_url": base_url, "openai_model": ALIAS,
        "openai_api_key": "sk-test", "llm_max_tokens": 120, "openai_timeout_s": 120.0,
    })
    return PlanqaService(settings, seed_service.kb, seed_service.ingestor, llm_factory=lambda: make_llm(settings))


def test_openai_endpoint_streams_and_answers_grounded(seed_service, llama_server):
    service = openai_service(seed_service, llama_server)
    events = list(service.stream("海城要实施几项民生保障工程？"))
    assert sum(e.type == "token" for e in events) >= 3 and events[-1].type == "answer"
    answer = events[-1].answer
    assert answer.mode == "openai" and not answer.refused and "20" in answer.answer
    assert citations_verbatim(answer) and figures_quoted(answer)
    assert all(s.verified for s in answer.sentences)


def test_openai_follow_up_uses_the_history(seed_service, llama_server):
    service = openai_service(seed_service, llama_server)
    history = [{"role": "user", "content": "2023年海城的GDP增速是多少？"},
               {"role": "assistant", "content": "2023年，海城市地区生产总值同比增长6.7%[1]。"}]
    answer = service.ask("那2025年呢？", history=history)
    assert answer.refused  # 2025 is not in the report, whatever the model rewrites or says


def test_unreachable_endpoint_is_a_model_error(seed_service):
    service = openai_service(seed_service, f"http://127.0.0.1:{free_port()}/v1")
    with pytest.raises(ModelError, match="language model failed"):
        service.ask("海城要实施几项民生保障工程？")


def test_openai_mode_needs_its_settings(seed_service):
    from common.errors import ConfigError

    settings = seed_service.settings.model_copy(update={"answer_mode": "openai", "openai_base_url": ""})
    with pytest.raises(ConfigError, match="PLANQA_OPENAI_BASE_URL"):
        make_llm(settings)
