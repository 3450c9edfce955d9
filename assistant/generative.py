"""Generative answers: retrieve → pack passages within a token budget → generate (streamed)
→ grounding guard → ``Answer``.

The extractive answer on the same passages is computed first (a few milliseconds). When it
refuses for a hard reason (the year, place or figure asked for is not in the documents) the
model is not asked at all: whatever it said would be withheld by the guard anyway.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from langchain_core.documents import Document
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage

from assistant.errors import ModelError
from assistant.evidence import candidates
from assistant.extractive import Extraction
from assistant.guard import Guard, GuardResult
from assistant.question import QuestionAnalysis
from ingest.textutils import split_sentences
from prompts import format_passage, template

# A passage whose best sentence covers less of the question (terms, with its heading and title)
# is not shown to the model (the first passage always is).
MIN_PASSAGE_COVERAGE = 0.2


@dataclass
class LLM:
    """A chat model (LangChain ``BaseChatModel``) with the token counter of its tokenizer."""

    chat: BaseChatModel
    count_tokens: Callable[[str], int]
    name: str


def rank_passages(docs: list[Document], extraction: Extraction) -> list[Document]:
    """Passages holding the extractive evidence first, then retrieval order."""
    ordered = [c.doc for c in extraction.chosen] + list(docs)
    return [d for i, d in enumerate(ordered) if all(d is not o for o in ordered[:i])]


@dataclass
class Packed:
    """The passages of one prompt, numbered from 1, and the text the prompt shows for each."""

    docs: list[Document]
    texts: list[str]


def pack(
    qa: QuestionAnalysis,
    docs: list[Document],
    extraction: Extraction,
    count_tokens: Callable[[str], int],
    budget: int,
) -> Packed:
    """Passages for the prompt within ``budget`` tokens: the extractive evidence first, then
    retrieval order; passages that do not touch the question are left out, sentences already
    shown by an overlapping passage are not repeated, a document title is shown once. Prompt
    evaluation dominates the time to first token on a CPU, so every token counts."""
    coverage: dict[int, float] = {}
    for cand in candidates(qa, docs):
        coverage[id(cand.doc)] = max(coverage.get(id(cand.doc), 0.0), cand.context_coverage)
    shown: set[tuple[str, int]] = set()
    out = Packed([], [])
    used = 0
    last_title = ""
    for doc in rank_passages(docs, extraction):
        if out.docs and coverage.get(id(doc), 0.0) < MIN_PASSAGE_COVERAGE:
            continue
        meta = doc.metadata
        base = (str(meta.get("doc_id", "")), int(meta.get("start", 0)))
        body: list[str] = []
        prev_end = None
        for sent in split_sentences(doc.page_content):
            key = (base[0], base[1] + sent.start)
            if key in shown:
                continue
            gap = doc.page_content[prev_end : sent.start] if prev_end is not None else ""
            body.append(("\n" if "\n" in gap else "") + sent.text)
            prev_end = sent.end
        if not body:
            continue
        title = str(meta.get("title", ""))
        text = format_passage(len(out.docs) + 1, title if title != last_title else "",
                              str(meta.get("section", "")), "".join(body))
        tokens = count_tokens(text)
        if out.docs and used + tokens > budget:
            break
        out.docs.append(doc)
        out.texts.append(text)
        used += tokens
        last_title = title
        shown |= {(base[0], base[1] + s.start) for s in split_sentences(doc.page_content)}
    return out


def messages(question: str, packed: Packed, prompt: str = "answer") -> list[BaseMessage]:
    return template(prompt).format_messages(passages="\n\n".join(packed.texts), question=question)


def stream_tokens(chat: BaseChatModel, msgs: list[BaseMessage]) -> Iterator[str]:
    """Text pieces as the model produces them; endpoint failures become ``ModelError``."""
    try:
        for chunk in chat.stream(msgs):
            text = chunk.content if isinstance(chunk.content, str) else ""
            if text:
                yield text
    except ModelError:
        raise
    except Exception as exc:  # openai.APIError, httpx errors, llama.cpp failures
        raise ModelError(f"the language model failed: {type(exc).__name__}: {exc}") from exc


@dataclass
class Generation:
    """What one generative answer went through (for the service, benchmarks and tests)."""

    passages: list[Document]
    raw: str = ""
    guard: GuardResult | None = None
    first_token_s: float | None = None
    asked_model: bool = False


def generate(
    llm: LLM,
    qa: QuestionAnalysis,
    question: str,
    docs: list[Document],
    extraction: Extraction,
    budget: int,
    state: Generation | None = None,
) -> Iterator[str]:
    """Yield tokens of the generated answer; ``state`` receives the guard's result at the end."""
    state = state or Generation([])
    started = time.perf_counter()
    packed = pack(qa, docs, extraction, llm.count_tokens, budget)
    state.passages = packed.docs
    guard = Guard(qa, state.passages)
    if not state.passages or (extraction.refused and extraction.reason != "coverage"):
        # Nothing retrieved, or a hard refusal (year, place, figure, scope): the guard would
        # withhold any answer, so the model is not asked.
        state.guard = guard.review("", extraction)
        for piece in _pieces(state.guard.answer):
            if state.first_token_s is None:
                state.first_token_s = time.perf_counter() - started
            yield piece
        return
    state.asked_model = True
    raw: list[str] = []
    for token in stream_tokens(llm.chat, messages(question, packed)):
        if state.first_token_s is None:
            state.first_token_s = time.perf_counter() - started
        raw.append(token)
        yield token
    state.raw = "".join(raw)
    state.guard = guard.review(state.raw, extraction)


def _pieces(text: str, size: int = 8) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def llm_rewriter(llm: LLM) -> Callable[[str, list[dict[str, str]]], str]:
    """A follow-up rewriter asking the model (checked by ``conversation.acceptable``)."""

    def rewrite(question: str, history: list[dict[str, str]]) -> str:
        lines = []
        for msg in history[-6:]:
            who = "用户" if msg.get("role") == "user" else "助手"
            lines.append(f"{who}：{str(msg.get('content', ''))[:200]}")
        msgs = template("rewrite").format_messages(history="\n".join(lines), question=question)
        reply = llm.chat.invoke(msgs, stop=["\n"])
        text = reply.content if isinstance(reply.content, str) else ""
        return text.strip().strip("“”\"'")

    return rewrite
