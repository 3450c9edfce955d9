"""LLM components, one per service, chosen by ``PLANQA_ANSWER_MODE``:

* ``local``: ``local.LlamaCppChatModel`` (llama.cpp in process) on a model file assembled and
  verified by ``models``;
* ``openai``: ``openai.make_openai_chat`` (``ChatOpenAI`` on any OpenAI-compatible endpoint);
* tests use ``scripted.ScriptedChatModel``.
"""

from __future__ import annotations

from assistant.generative import LLM
from assistant.settings import Settings
from prompts import template


def make_llm(settings: Settings) -> LLM | None:
    """The chat model of the settings' answer mode (``None`` for ``extractive``)."""
    if settings.answer_mode == "local":
        from assistant.llm.local import LlamaCppChatModel
        from assistant.llm.models import model_path

        path = model_path(settings.llm_model, settings.model_dir)
        chat = LlamaCppChatModel(
            model_path=str(path),
            n_ctx=settings.llm_context_tokens,
            n_threads=settings.llm_threads,
            temperature=settings.llm_temperature,
            max_tokens=settings.llm_max_tokens,
        )
        chat.load()  # a damaged GGUF fails here, when the mode is chosen, not at the first question
        chat.warm(template("answer").format_messages(passages="", question=""))  # the system prompt, read once
        return LLM(chat=chat, count_tokens=chat.count_tokens, name=settings.llm_model)
    if settings.answer_mode == "openai":
        from assistant.llm.openai import make_openai_chat

        remote, count = make_openai_chat(
            settings.openai_base_url, settings.openai_api_key, settings.openai_model,
            settings.llm_temperature, settings.llm_max_tokens, settings.openai_timeout_s,
        )
        return LLM(chat=remote, count_tokens=count, name=settings.openai_model)
    return None
