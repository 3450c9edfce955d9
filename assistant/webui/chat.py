"""The chat tab: streaming answers, [n] markers opening the cited passage in the side panel,
nearest passages for "not found" answers, per-session history passed to the service for
follow-ups, a copy link on every answer (its text and sources as plain text), 👍/👎 feedback.
The answer-mode switch and its notes are in ``modes.py``."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.api.context import ApiContext
from assistant.api.security import ClientGate
from assistant.feedback import FeedbackLog
from assistant.webui.i18n import EXAMPLES, t
from assistant.webui.messages import localize
from assistant.webui.modes import ModeControls, build_mode_controls
from assistant.webui.render import Turn, answer_html, error_html, md_esc, sources_panel, streaming_html
from common.cancel import CancelToken, pulled_with
from common.errors import Cancelled, PlanqaError

log = logging.getLogger("planqa.webui")


def page_gone() -> Callable[[], bool]:
    """Whether the page whose event is running now has gone away: Gradio marks the event's job
    dead (``alive``) when the page's event stream closes. Read from Gradio's queue (not a public
    API): without it, never gone."""
    from gradio.context import LocalContext

    blocks, event_id = LocalContext.blocks.get(None), LocalContext.event_id.get(None)
    queue = getattr(blocks, "_queue", None)
    if queue is None or event_id is None:
        return lambda: False

    def gone() -> bool:
        for job in getattr(queue, "active_jobs", None) or []:
            for event in job or []:
                if getattr(event, "_id", None) == event_id:
                    return not getattr(event, "alive", True)
        return False

    return gone

# Installed once per page (also inside an embedding portal): a click on a [n] marker shows the
# cited passage of that turn in the side panel and highlights it; a click on an answer's copy
# link copies that turn's answer and sources as plain text (#planqa-copy-<turn>).
CITE_JS = """
if (!window.__planqaCites) {
  window.__planqaCites = true;
  var copyText = function (text, done) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
    } else { fallback(text); done(); }
  };
  var fallback = function (text) {  // plain http on an intranet: no Clipboard API
    var area = document.createElement('textarea');
    area.value = text; area.setAttribute('readonly', ''); area.style.position = 'fixed'; area.style.opacity = '0';
    document.body.appendChild(area); area.select();
    try { document.execCommand('copy'); } catch (e) { /* nothing more to try */ }
    document.body.removeChild(area);
  };
  document.addEventListener('click', function (e) {
    var path = e.composedPath ? e.composedPath() : [e.target];
    var a = null;
    for (var i = 0; i < path.length; i++) {
      var n = path[i];
      if (n && n.classList && (n.classList.contains('planqa-cite') || n.classList.contains('planqa-copy'))) { a = n; break; }
    }
    if (!a) return;
    e.preventDefault();
    e.stopPropagation();
    var id = (a.getAttribute('href') || '').slice(1);
    var root = a.getRootNode ? a.getRootNode() : document;
    var scope = root.querySelectorAll ? root : document;
    var el = (root.getElementById && root.getElementById(id)) || document.getElementById(id);
    if (!el) return;
    if (a.classList.contains('planqa-copy')) {
      copyText(el.textContent, function () {
        a.classList.add('planqa-copied');
        setTimeout(function () { a.classList.remove('planqa-copied'); }, 2000);
      });
      return;
    }
    var turn = el.closest('.planqa-turn');
    scope.querySelectorAll('.planqa-turn').forEach(function (s) {
      s.classList.toggle('planqa-hidden', s !== turn);
    });
    scope.querySelectorAll('.planqa-source.planqa-active').forEach(function (s) {
      s.classList.remove('planqa-active');
    });
    el.classList.add('planqa-active');
    el.scrollIntoView({block: 'nearest'});
  }, true);
}
"""


_UNSHOWABLE = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def displayable(text: str) -> str:
    """``text`` with lone surrogates and control characters as U+FFFD: Gradio sends the page
    UTF-8 JSON, which cannot carry a lone surrogate (the connection used to drop)."""
    return _UNSHOWABLE.sub("\ufffd", text)


def history_of(turns: list[Turn], last: int | None = None) -> list[dict[str, str]]:
    """The conversation so far as the service expects it (answered turns only; the ``last``
    ones when given)."""
    history: list[dict[str, str]] = []
    answered = [turn for turn in turns if turn.answer is not None]
    for turn in answered[-last:] if last else answered:
        assert turn.answer is not None
        history += [{"role": "user", "content": turn.question},
                    {"role": "assistant", "content": turn.answer.answer}]
    return history


@dataclass
class ChatTab:
    chat: gr.Chatbot
    box: gr.Textbox
    send: gr.Button
    new: gr.Button
    modes: ModeControls
    top_k: gr.Slider
    examples: gr.Dataset
    sources_title: gr.Markdown
    sources: gr.HTML
    status: gr.Markdown
    turns: gr.State


def build_chat_tab(ctx: ApiContext, lang: gr.State) -> ChatTab:
    settings = ctx.settings
    feedback = FeedbackLog(settings.feedback_file)
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chat = gr.Chatbot(
                label=t(lang.value, "chat"), height=520, elem_id="planqa-chat", sanitize_html=True,
                render_markdown=True, latex_delimiters=[], buttons=[], allow_tags=False,
                group_consecutive_messages=False, feedback_options=("Like", "Dislike"),
            )
            with gr.Row():
                box = gr.Textbox(label=t(lang.value, "question"), placeholder=t(lang.value, "placeholder"), scale=5,
                                 elem_id="planqa-question", max_lines=4,
                                 max_length=settings.max_question_chars)
                send = gr.Button(t(lang.value, "send"), variant="primary", scale=1, elem_id="planqa-send")
            with gr.Row():
                modes = build_mode_controls(ctx, lang)
                top_k = gr.Slider(1, 20, value=settings.top_k, step=1, label=t(lang.value, "top_k"),
                                  elem_id="planqa-topk", scale=2, buttons=[])
                new = gr.Button(t(lang.value, "new_chat"), scale=1, elem_id="planqa-new")
            modes.render_note()
            status = gr.Markdown("", elem_id="planqa-chat-status")
            examples = gr.Examples(EXAMPLES[lang.value], inputs=box, label=t(lang.value, "examples"),
                                   elem_id="planqa-examples").dataset
        with gr.Column(scale=2):
            sources_title = gr.Markdown(f"### {t(lang.value, 'sources')}")
            sources = gr.HTML(t(lang.value, "sources_empty"), elem_id="planqa-sources", js_on_load=CITE_JS)
    turns = gr.State([])
    tab = ChatTab(chat, box, send, new, modes, top_k, examples, sources_title, sources, status, turns)

    # Per client address, as the API's rate limit: questions per minute and questions running
    # (one gate for the pages of all languages).
    if ctx.chat_gate is None:
        ctx.chat_gate = ClientGate(settings.chat_rate_per_minute, settings.chat_max_pending)
    gate: ClientGate = ctx.chat_gate

    def respond(message: str, messages: list[dict[str, Any]], turns: list[Turn], mode: str, k: float,
                lang: str, request: gr.Request) -> Iterator[tuple[Any, ...]]:
        question = (message or "").strip()
        if not question:
            yield gr.update(), turns, gr.update(), message, ""
            return
        client = str(getattr(getattr(request, "client", None), "host", "") or "unknown")
        refused = gate.admit(client)
        if refused is not None:
            why, wait = refused
            note = t(lang, "chat_rate", s=math.ceil(wait)) if why == "rate" else t(lang, "chat_busy")
            yield gr.update(), turns, gr.update(), message, md_esc(note)
            return
        try:
            yield from answer(question, list(messages or []), turns, mode, k, lang)
        finally:
            gate.leave(client)

    def answer(question: str, messages: list[dict[str, Any]], turns: list[Turn], mode: str, k: float,
               lang: str) -> Iterator[tuple[Any, ...]]:
        shown = displayable(question)  # the service answers the question; the page shows this
        messages = messages + [{"role": "user", "content": md_esc(shown)},
                               {"role": "assistant", "content": t(lang, "thinking")}]
        index = len(turns)
        yield messages, turns, gr.update(), "", ""
        turn = Turn(question=shown, requested_mode=mode)
        try:
            service = ctx.services.get(mode)
            streamed = ""
            events = service.stream(question, top_k=int(k), history=history_of(turns, settings.history_turns) or None)
            for event in pulled_with(CancelToken(page_gone()), events):
                if event.type == "token":
                    streamed += event.text
                    messages[-1] = {"role": "assistant", "content": streaming_html(streamed)}
                    yield messages, turns, gr.update(), "", ""
                elif event.type == "answer" and event.answer is not None:
                    turn.answer = event.answer
            if turn.answer is None:
                raise PlanqaError("no answer")
            content = answer_html(turn.answer, index, lang, mode)
        except Cancelled:  # the page went away while its answer was worked out: nobody to show it to
            return
        except PlanqaError as exc:
            turn.error = str(exc)
            content = error_html(localize(str(exc), lang), lang)
        except Exception:  # never drop the page's connection: say so, keep the trace in the log
            log.exception("web chat: answering %r failed", question[:200])
            turn.error = t(lang, "internal_error")
            content = f"<span class=\"planqa-warn\">{md_esc(turn.error)}</span>"
        turns = [*turns, turn]
        messages[-1] = {"role": "assistant", "content": content}
        yield messages, turns, sources_panel(turns, lang), "", ""

    def reset(lang: str) -> tuple[Any, ...]:
        return [], [], t(lang, "sources_empty"), "", ""

    def on_like(turns: list[Turn], lang: str, data: gr.LikeData, request: gr.Request) -> str:
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        turn_no = int(index) // 2
        if not 0 <= turn_no < len(turns):
            return ""
        turn = turns[turn_no]
        liked = data.liked
        rating = "up" if liked is True or liked == "Like" else "down" if liked is False or liked == "Dislike" else str(liked)
        feedback.record(rating=rating, question=turn.question, answer=turn.answer,
                        session=getattr(request, "session_hash", "") or "", mode=turn.requested_mode, lang=lang)
        return t(lang, "feedback_saved")

    outputs = [chat, turns, sources, box, status]
    inputs = [box, chat, turns, modes.radio, top_k, lang]
    box.submit(respond, inputs, outputs, api_visibility="private")
    send.click(respond, inputs, outputs, api_visibility="private")
    new.click(reset, [lang], [chat, turns, sources, box, status], api_visibility="private")
    chat.like(on_like, [turns, lang], [status], api_visibility="private")
    modes.wire(status)
    return tab
