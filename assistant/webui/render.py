"""HTML for the web chat. Every piece of document or user text goes through ``esc``/``md_esc``:
a ``<script>`` or ``<img onerror>`` inside a document is shown as text, never run."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from assistant.public import public_message, public_source
from assistant.schema import Answer, Citation
from assistant.webui.i18n import kind_label, period_label, t

MARKER_RE = re.compile(r"\[(\d+(?:\s*[,，]\s*\d+)*)\]")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$^=>])")


def esc(text: Any) -> str:
    """Escape for HTML (text content and attribute values)."""
    return html.escape(str(text), quote=True)


def named_html(text: str, **names: list[str]) -> str:
    """``text`` escaped, each ``{slot}`` in it replaced by the names given for it, each in a
    ``<span class="planqa-file">``: a file name or title is document data, not interface, and
    keeps its own language on either page."""
    out = esc(text)
    for slot, values in names.items():
        out = out.replace("{" + slot + "}", "、".join(f'<span class="planqa-file">{esc(v)}</span>' for v in values))
    return out


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


def copy_link(turn: int, lang: str) -> str:
    """Copies this turn's answer with its sources as plain text (the text is in the sources
    panel, ``#planqa-copy-<turn>``; ``CITE_JS`` does the copying)."""
    return f'<a class="planqa-copy" href="#planqa-copy-{turn}">{esc(t(lang, "copy_answer"))}</a>'


# A list answer's items are lines ``1. item[n]``; longer lists are collapsed after this many.
OPEN_ITEMS = 10
_ITEM_RE = re.compile(r"^\d+\.\s")


def _linked(text: str, turn: int, known: set[int], escape: Any = md_esc) -> str:
    """Escaped text with each ``[n]`` whose citation exists as a link to the side panel."""
    out: list[str] = []
    pos = 0
    for m in MARKER_RE.finditer(text):
        out.append(escape(text[pos : m.start()]))
        numbers = [int(x) for x in re.split(r"\s*[,，]\s*", m.group(1))]
        if all(n in known for n in numbers):
            out.append("".join(cite_link(turn, n, f"[{n}]") for n in numbers))
        else:
            out.append(escape(m.group()))
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def _items_html(items: list[str], turn: int, known: set[int], lang: str) -> str:
    """A list answer's items as an ordered list, each with its own clickable ``[n]``; past
    ``OPEN_ITEMS`` the rest are folded into a ``<details>`` the user opens."""

    def ol(part: list[str], start: int) -> str:
        lis = "".join(f"<li>{_linked(_ITEM_RE.sub('', item), turn, known, esc)}</li>" for item in part)
        return f'<ol class="planqa-items" start="{start}">{lis}</ol>'

    html_out = ol(items[:OPEN_ITEMS], 1)
    if len(items) > OPEN_ITEMS:
        more = t(lang, "more_items", n=len(items) - OPEN_ITEMS)
        html_out += f"<details><summary>{esc(more)}</summary>{ol(items[OPEN_ITEMS:], OPEN_ITEMS + 1)}</details>"
    return html_out


def _table_html(answer: Answer, turn: int, known: set[int]) -> str:
    table = answer.table
    if table is None or not table.rows:
        return ""
    head = "".join(f"<th>{esc(c)}</th>" for c in table.columns)
    rows = "".join("<tr>" + "".join(f"<td>{_linked(cell, turn, known, esc)}</td>" for cell in row) + "</tr>"
                   for row in table.rows)
    return f'<table class="planqa-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def answer_html(answer: Answer, turn: int, lang: str, requested_mode: str = "") -> str:
    """The answer as a chat message: escaped text, ``[n]`` as links to the side panel, a list
    answer's items as a list, a trend's or comparison's table as a table, and a link that
    copies the answer with its sources as plain text."""
    known = {c.n for c in answer.citations}
    lines = answer.answer.split("\n")
    prose = [line for line in lines if not _ITEM_RE.match(line)]
    items = [line for line in lines if _ITEM_RE.match(line)]
    text = f'<span class="planqa-answer">{_linked(chr(10).join(prose), turn, known)}</span>'
    if items:  # block HTML on its own, so the Markdown renderer keeps it out of the paragraph
        text += "\n\n" + _items_html(items, turn, known, lang)
    if answer.table is not None and answer.table.rows:
        text += "\n\n" + _table_html(answer, turn, known)
    if not answer.citations and answer.nearest:
        links = " ".join(cite_link(turn, c.n, f"[{c.n}]", near=True) for c in answer.nearest)
        text += f"\n\n<span class=\"planqa-muted\">{esc(t(lang, 'nearest_links'))}</span> {links}"
    if requested_mode and answer.mode != requested_mode:
        text += f"\n\n<span class=\"planqa-warn\">{esc(t(lang, 'mode_unavailable', want=requested_mode, got=answer.mode))}</span>"
    return f"{text}\n\n{copy_link(turn, lang)}"


def streaming_html(text: str) -> str:
    return md_esc(text) + " ▌"


def error_html(message: str, lang: str) -> str:
    return f"<span class=\"planqa-warn\">{md_esc(t(lang, 'error', msg=public_message(message)))}</span>"


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


def copy_texts(turns: list[Turn], lang: str) -> str:
    """Each answered turn's answer with its sources as plain text, hidden, for its copy link."""
    return "".join(f'<pre class="planqa-copytext" id="planqa-copy-{i}">{esc(copy_text(turn, lang))}</pre>'
                   for i, turn in enumerate(turns) if turn.answer is not None)


def sources_panel(turns: list[Turn], lang: str, active: int | None = None) -> str:
    """All turns' sources; only the active turn (default: the last one) is visible. Clicking a
    marker in the chat shows its turn and highlights the cited passage (client-side)."""
    if not any(turn.shown_citations for turn in turns):
        return t(lang, "sources_empty") + copy_texts(turns, lang)
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
    return "".join(parts) + copy_texts(turns, lang)


def copy_text(turn: Turn | None, lang: str) -> str:
    """The answer with its sources as plain text (for the copy box)."""
    if turn is None or turn.answer is None:
        return ""
    answer = turn.answer
    lines = [answer.answer, ""]
    cites = answer.citations or answer.nearest
    if cites:
        label = t(lang, "sources_label") if answer.citations else t(lang, "nearest_links").rstrip("：:")
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
        rows.append([d.title, d.n_chunks, when, public_source(d.source), d.doc_id])
    return rows


def figure_value(row: dict[str, Any]) -> str:
    """The value as one readable phrase: ``725亿斤以上``, ``6600多万人``, ``6.7%``."""
    value, unit, qualifier = str(row.get("value", "")), str(row.get("unit", "")), str(row.get("qualifier", ""))
    if qualifier in ("多", "余") and unit[:1] in ("万", "亿", "千"):
        return f"{value}{qualifier}{unit}"  # 6600多万人: the hedge sits before the scale
    return f"{value}{unit}{qualifier}"


def figure_rows(rows: list[dict[str, Any]], lang: str) -> list[list[Any]]:
    return [
        [i, r.get("indicator", ""), figure_value(r), period_label(lang, str(r.get("period", ""))),
         kind_label(lang, str(r.get("kind", ""))), r.get("region", ""), r.get("title", ""),
         str(r.get("section", "")).replace(" > ", " › ")]
        for i, r in enumerate(rows, start=1)
    ]


def figure_source_html(row: dict[str, Any], passage: str | None, lang: str) -> str:
    """The passage a figure comes from, its sentence highlighted."""
    head = f"<p class=\"planqa-head\">{heading_html(str(row.get('title', '')), str(row.get('section', '')))}</p>"
    figure = f"<p><b>{esc(row.get('indicator', ''))}</b>：{esc(figure_value(row))} · " \
             f"{esc(period_label(lang, str(row.get('period', ''))))} · {esc(kind_label(lang, str(row.get('kind', ''))))}</p>"
    if passage is None:
        body = f"<blockquote><mark>{esc(row.get('sentence', ''))}</mark></blockquote>"
    else:
        body = f"<blockquote>{passage_html(passage, int(row.get('start', 0)), int(row.get('end', 0)))}</blockquote>"
    return f"<div class=\"planqa-source planqa-active\" id=\"planqa-figure-source\">{head}{figure}{body}</div>"
