"""HTML for the web chat. Every piece of document or user text goes through ``esc``/``md_esc``:
a ``<script>`` or ``<img onerror>`` inside a document is shown as text, never run."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from assistant.schema import Answer, Citation
from assistant.webui.i18n import t

MARKER_RE = re.compile(r"\[(\d+(?:\s*[,，]\s*\d+)*)\]")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$^=>])")


def esc(text: Any) -> str:
    """Escape for HTML (text content and attribute values)."""
    return html.escape(str(text), quote=True)


def md_esc(text: str) -> str:
    """Escape for the chat bubble, which renders Markdown and then sanitised HTML: HTML
    specials become entities, Markdown (and LaTeX) punctuation gets a backslash."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


@dataclass
class Turn:
    """One question and its answer in a chat session (``answer`` is None after an error)."""

    question: str
    answer: Answer | None = None
    error: str = ""
    requested_mode: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def shown_citations(self) -> list[Citation]:
        if self.answer is None:
            return []
        return self.answer.citations or self.answer.nearest


def cite_link(turn: int, n: int | str, label: str, near: bool = False) -> str:
    classes = "planqa-cite planqa-near" if near else "planqa-cite"
    return (f'<a class="{classes}" href="#planqa-src-{turn}-{n}" '
            f'data-turn="{turn}" data-n="{n}">{esc(label)}</a>')


def answer_html(answer: Answer, turn: int, lang: str, requested_mode: str = "") -> str:
    """The answer as a chat message: escaped text, ``[n]`` as links to the side panel."""
    known = {c.n for c in answer.citations}
    out: list[str] = []
    pos = 0
    for m in MARKER_RE.finditer(answer.answer):
        out.append(md_esc(answer.answer[pos : m.start()]))
        numbers = [int(x) for x in re.split(r"\s*[,，]\s*", m.group(1))]
        if all(n in known for n in numbers):
            out.append("".join(cite_link(turn, n, f"[{n}]") for n in numbers))
        else:
            out.append(md_esc(m.group()))
        pos = m.end()
    out.append(md_esc(answer.answer[pos:]))
    text = "".join(out)
    if not answer.citations and answer.nearest:
        links = " ".join(cite_link(turn, c.n, f"[{c.n}]", near=True) for c in answer.nearest)
        text += f"\n\n<span class=\"planqa-muted\">{esc(t(lang, 'nearest_links'))}</span> {links}"
    if requested_mode and answer.mode != requested_mode:
        text += f"\n\n<span class=\"planqa-warn\">{esc(t(lang, 'mode_unavailable', want=requested_mode, got=answer.mode))}</span>"
    return text


def streaming_html(text: str) -> str:
    return md_esc(text) + " ▌"


def error_html(message: str, lang: str) -> str:
    return f"<span class=\"planqa-warn\">{md_esc(t(lang, 'error', msg=message))}</span>"


def passage_html(text: str, start: int, end: int) -> str:
    """A passage with ``text[start:end]`` highlighted."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    return f"{esc(text[:start])}<mark>{esc(text[start:end])}</mark>{esc(text[end:])}"


def heading_html(title: str, section: str) -> str:
    head = f"<span class=\"planqa-doc\">{esc(title)}</span>"
    if section:
        head += f" <span class=\"planqa-sep\">›</span> <span class=\"planqa-section\">{esc(section.replace(' > ', ' › '))}</span>"
    return head


def source_html(turn: int, c: Citation, near: bool) -> str:
    body = f"<blockquote>{esc(c.text)}</blockquote>" if near else f"<blockquote>{passage_html(c.text, c.start, c.end)}</blockquote>"
    return (f"<div class=\"planqa-source\" id=\"planqa-src-{turn}-{c.n}\" data-n=\"{c.n}\">"
            f"<p class=\"planqa-head\"><b>[{c.n}]</b> {heading_html(c.title, c.section)}</p>{body}</div>")


def sources_panel(turns: list[Turn], lang: str, active: int | None = None) -> str:
    """All turns' sources; only the active turn (default: the last one) is visible. Clicking a
    marker in the chat shows its turn and highlights the cited passage (client-side)."""
    if not any(turn.shown_citations for turn in turns):
        return t(lang, "sources_empty")
    active = len(turns) - 1 if active is None else active
    parts = []
    for i, turn in enumerate(turns):
        cites = turn.shown_citations
        if not cites:
            continue
        near = turn.answer is not None and not turn.answer.citations
        hidden = "" if i == active else " planqa-hidden"
        head = f"<p class=\"planqa-muted\">{esc(t(lang, 'nearest'))}</p>" if near else ""
        parts.append(
            f"<section class=\"planqa-turn{hidden}\" data-turn=\"{i}\">"
            f"<p class=\"planqa-q\">{esc(turn.question)}</p>{head}"
            + "".join(source_html(i, c, near) for c in cites)
            + "</section>"
        )
    return "".join(parts)


def copy_text(turn: Turn | None, lang: str) -> str:
    """The answer with its sources as plain text (for the copy box)."""
    if turn is None or turn.answer is None:
        return ""
    answer = turn.answer
    lines = [answer.answer, ""]
    label = "出处" if lang.startswith("中") else "Sources"
    cites = answer.citations or answer.nearest
    if cites:
        lines.append(f"{label}：" if lang.startswith("中") else f"{label}:")
    for c in cites:
        where = c.title + (f" › {c.section.replace(' > ', ' › ')}" if c.section else "")
        lines.append(f"[{c.n}] {where}")
        lines.append(f"    「{c.quote}」")
    return "\n".join(lines).strip()


def document_rows(documents: list[Any]) -> list[list[Any]]:
    rows = []
    for d in documents:
        when = datetime.fromtimestamp(d.ingested_at).strftime("%Y-%m-%d %H:%M")
        rows.append([d.title, d.n_chunks, when, d.source, d.doc_id])
    return rows


def figure_rows(rows: list[dict[str, Any]]) -> list[list[Any]]:
    return [
        [i, r.get("indicator", ""), f"{r.get('value', '')}{r.get('qualifier', '')}", r.get("unit", ""),
         r.get("period", ""), r.get("kind", ""), r.get("title", ""), str(r.get("section", "")).replace(" > ", " › ")]
        for i, r in enumerate(rows, start=1)
    ]


def figure_source_html(row: dict[str, Any], passage: str | None) -> str:
    """The passage a figure comes from, its sentence highlighted."""
    head = f"<p class=\"planqa-head\">{heading_html(str(row.get('title', '')), str(row.get('section', '')))}</p>"
    figure = f"<p><b>{esc(row.get('indicator', ''))}</b>：{esc(row.get('value', ''))}{esc(row.get('qualifier', ''))}" \
             f"{esc(row.get('unit', ''))} · {esc(row.get('period', ''))} · {esc(row.get('kind', ''))}</p>"
    if passage is None:
        body = f"<blockquote><mark>{esc(row.get('sentence', ''))}</mark></blockquote>"
    else:
        body = f"<blockquote>{passage_html(passage, int(row.get('start', 0)), int(row.get('end', 0)))}</blockquote>"
    return f"<div class=\"planqa-source planqa-active\" id=\"planqa-figure-source\">{head}{figure}{body}</div>"
