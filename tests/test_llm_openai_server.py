"""The 'openai' answer mode against a real OpenAI-compatible server: ``python -m
llama_cpp.server`` with the 0.5B model (the ``llama_server`` fixture, ``tests/llama_server.py``)."""

from __future__ import annotations

import pytest
from llama_server import free_port, openai_service

from assistant.evaluation import citations_verbatim, figures_quoted
from assistant.llm import make_llm
from common.errors import ModelError


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
