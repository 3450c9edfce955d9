"""Citations as Markdown footnotes, for clients that keep only a message's text (LangChain's
``ChatOpenAI``, chat front-ends): ``…增长6.7%[^1]。`` and, after the answer,
``[^1]: 《title》 › section：「quote」``. Asked for with ``"planqa": {"citations": "markdown"}`` in
the request body or a model name ending in ``:markdown``."""

from __future__ import annotations

import re

from assistant.schema import Answer, Citation

SUFFIX = ":markdown"
_MARKER_RE = re.compile(r"\[(\d+(?:\s*[,，]\s*\d+)*)\]")
_OPEN_MARKER_RE = re.compile(r"\[[\d\s,，]*$")


def _refs(match: re.Match[str]) -> str:
    return "".join(f"[^{n}]" for n in re.split(r"\s*[,，]\s*", match.group(1)))


def footnote_markers(text: str) -> str:
    """``[1]`` / ``[1,2]`` → ``[^1]`` / ``[^1][^2]``."""
    return _MARKER_RE.sub(_refs, text)


def footnote(c: Citation) -> str:
    where = f"《{c.title}》" + (f" › {c.section.replace(' > ', ' › ')}" if c.section else "")
    quote = " ".join(c.quote.split())
    return f"[^{c.n}]: {where}：「{quote}」"


def footnotes(answer: Answer) -> str:
    """The footnote block that follows the answer (empty without citations)."""
    if not answer.citations:
        return ""
    return "\n\n" + "\n".join(footnote(c) for c in answer.citations)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def markdown_table(answer: Answer) -> str:
    """A trend or comparison answer's table as a Markdown table (after the answer text, which already
    says when rows were capped); empty for answers without one."""
    table = answer.table
    if table is None or not table.rows:
        return ""
    lines = ["| " + " | ".join(_cell(c) for c in table.columns) + " |",
             "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows]
    return "\n\n" + "\n".join(lines)


def markdown_answer(answer: Answer, footnoted: bool = False) -> str:
    """The content of a ``/v1`` message: the answer (lists are already ``1. …`` lines), its table
    in Markdown and, with ``footnoted``, the citations as footnotes."""
    if not footnoted:
        return answer.answer + markdown_table(answer)
    return footnote_markers(answer.answer + markdown_table(answer)) + footnotes(answer)


class MarkerStream:
    """Rewrites ``[n]`` markers to footnote references in streamed text, holding back a ``[``
    whose marker is not complete yet (a token may end inside one)."""

    def __init__(self) -> None:
        self._pending = ""

    def feed(self, text: str) -> str:
        text = self._pending + text
        held = _OPEN_MARKER_RE.search(text)
        if held:
            self._pending, text = text[held.start():], text[: held.start()]
        else:
            self._pending = ""
        return footnote_markers(text)

    def flush(self) -> str:
        text, self._pending = self._pending, ""
        return footnote_markers(text)
