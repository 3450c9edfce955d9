"""Prompt templates (LangChain ``ChatPromptTemplate``), kept as package data in ``*.md`` files.

* ``answer``: the grounded-answer prompt: Chinese system prompt with the citation format and
  the refusal phrase; numbered passages delimited inside ``<资料>…</资料>`` as data.
* ``naive``: a plain prompt for the benchmark baseline (same passages, no rules).
* ``rewrite``: turns a follow-up into a standalone question from the chat history.
* ``compose``: prose around the checked items of a composed answer (parts, list, table).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from langchain_core.prompts import ChatPromptTemplate

REFUSAL = "资料中未找到相关内容。"

# Text inside a passage must not be able to close the data block or fake a passage number.
_DELIMITERS = re.compile(r"</?\s*资料\s*>")
_FAKE_MARKER = re.compile(r"\[(\d{1,3})\]")


def read(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8").strip()


@cache
def template(name: str) -> ChatPromptTemplate:
    """``answer``, ``naive``, ``rewrite`` or ``compose``: system + user messages."""
    system = read(f"{name}_system.md")
    if name == "answer":
        system = system.replace("{refusal}", REFUSAL.replace("{", "{{").replace("}", "}}"))
    return ChatPromptTemplate.from_messages([("system", system), ("human", read(f"{name}_user.md"))])


def as_data(text: str) -> str:
    """Document text made safe to embed as data: no block delimiters, no [n] look-alikes."""
    text = _DELIMITERS.sub(" ", text)
    return _FAKE_MARKER.sub(r"［\1］", text)


def format_passage(n: int, title: str, section: str, text: str) -> str:
    head = f"[{n}]" + (f" 《{as_data(title)}》" if title else "") + (f" {as_data(section)}" if section else "")
    return f"{head}\n{as_data(text.strip())}"
