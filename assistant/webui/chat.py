"""The chat tab: streaming answers, [n] markers opening the cited passage in the side panel,
nearest passages for "not found" answers, answer-mode and top-k switches, per-session history
passed to the service for follow-ups, a copyable answer with sources, 👍/👎 feedback."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.api.context import ApiContext
from assistant.feedback import FeedbackLog
from assistant.webui.i18n import ZH, t
from assistant.webui.render import (
    Turn,
    answer_html,
    copy_text,
    error_html,
    md_esc,
    sources_panel,
    streaming_html,
)
from common.errors import PlanqaError

EXAMPLES = [
    "2023年海城的GDP增速是多少？",
    "海城今年计划新建改建多少公里农村道路？",
    "海城要加快启动哪类企业的培育计划？",
    "那高新技术企业呢？",
]

# Installed once per page (also inside an embedding portal): a click on a [n] marker shows the
# cited passage of that turn in the side panel and highlights it.
CITE_JS = """
if (!window.__planqaCites) {
  window.__planqaCites = true;
  document.addEventListener('click', function (e) {
    var path = e.composedPath ? e.composedPath() : [e.target];
    var a = null;
    for (var i = 0; i < path.length; i++) {
      var n = path[i];
      if (n && n.classList && n.classList.contains('planqa-cite')) { a = n; break; }
    }
    if (!a) return;
    e.preventDefault();
    e.stopPropagation();
    var id = (a.getAttribute('href') || '').slice(1);
    var root = a.getRootNode ? a.getRootNode() : document;
    var scope = root.querySelectorAll ? root : document;
    var el = (root.getElementById && root.getElementById(id)) || document.getElementById(id);
    if (!el) return;
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


def history_of(turns: list[Turn]) -> list[dict[str, str]]:
    """The conversation so far as the service expects it (answered turns only)."""
    history: list[dict[str, str]] = []
    for turn in turns:
        if turn.answer is None:
            continue
        history += [{"role": "user", "content": turn.question},
                    {"role": "assistant", "content": turn.answer.answer}]
    return history


@dataclass
class ChatTab:
    chat: gr.Chatbot
    box: gr.Textbox
    send: gr.Button
    new: gr.Button
    mode: gr.Radio
    top_k: gr.Slider
    sources_title: gr.Markdown
    sources: gr.HTML
    copy_box: gr.Textbox
    status: gr.Markdown
    turns: gr.State

    def relabelled(self) -> list[Any]:
        return [self.chat, self.box, self.send, self.new, self.mode, self.top_k, self.sources_title,
                self.copy_box]

    @staticmethod
    def relabel(lang: str) -> list[Any]:
        return [
            gr.update(label=t(lang, "chat")),
            gr.update(label=t(lang, "question"), placeholder=t(lang, "placeholder")),
            gr.update(value=t(lang, "send")),
            gr.update(value=t(lang, "new_chat")),
            gr.update(label=t(lang, "mode")),
            gr.update(label=t(lang, "top_k")),
            gr.update(value=f"### {t(lang, 'sources')}"),
            gr.update(label=t(lang, "copy_box")),
        ]


def build_chat_tab(ctx: ApiContext, lang: gr.State) -> ChatTab:
    settings = ctx.settings
    feedback = FeedbackLog(settings.feedback_file)
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chat = gr.Chatbot(
                label=t(ZH, "chat"), height=520, elem_id="planqa-chat", sanitize_html=True,
                render_markdown=True, latex_delimiters=[], buttons=["copy"], allow_tags=False,
                group_consecutive_messages=False, feedback_options=("Like", "Dislike"),
            )
            with gr.Row():
                box = gr.Textbox(label=t(ZH, "question"), placeholder=t(ZH, "placeholder"), scale=5,
                                 elem_id="planqa-question", max_lines=4,
                                 max_length=settings.max_question_chars)
                send = gr.Button(t(ZH, "send"), variant="primary", scale=1, elem_id="planqa-send")
            with gr.Row():
                mode = gr.Radio(ctx.services.modes(), value=ctx.services.default_mode,
                                label=t(ZH, "mode"), elem_id="planqa-mode", scale=3)
                top_k = gr.Slider(1, 20, value=settings.top_k, step=1, label=t(ZH, "top_k"),
                                  elem_id="planqa-topk", scale=2)
                new = gr.Button(t(ZH, "new_chat"), scale=1, elem_id="planqa-new")
            status = gr.Markdown("", elem_id="planqa-chat-status")
            gr.Examples(EXAMPLES, inputs=box, label=t(ZH, "examples"))
            with gr.Accordion(t(ZH, "copy"), open=False):
                copy_box = gr.Textbox(label=t(ZH, "copy_box"), lines=6, interactive=False,
                                      buttons=["copy"], elem_id="planqa-copy")
        with gr.Column(scale=2):
            sources_title = gr.Markdown(f"### {t(ZH, 'sources')}")
            sources = gr.HTML(t(ZH, "sources_empty"), elem_id="planqa-sources", js_on_load=CITE_JS)
    turns = gr.State([])
    tab = ChatTab(chat, box, send, new, mode, top_k, sources_title, sources, copy_box, status, turns)

    def respond(message: str, messages: list[dict[str, Any]], turns: list[Turn], mode: str, k: float,
                lang: str) -> Iterator[tuple[Any, ...]]:
        question = (message or "").strip()
        if not question:
            yield gr.update(), turns, gr.update(), message, gr.update(), ""
            return
        messages = list(messages or []) + [{"role": "user", "content": md_esc(question)},
                                           {"role": "assistant", "content": t(lang, "thinking")}]
        index = len(turns)
        yield messages, turns, gr.update(), "", gr.update(), ""
        turn = Turn(question=question, requested_mode=mode)
        try:
            service = ctx.services.get(mode)
            streamed = ""
            for event in service.stream(question, top_k=int(k), history=history_of(turns) or None):
                if event.type == "token":
                    streamed += event.text
                    messages[-1] = {"role": "assistant", "content": streaming_html(streamed)}
                    yield messages, turns, gr.update(), "", gr.update(), ""
                elif event.type == "answer" and event.answer is not None:
                    turn.answer = event.answer
            if turn.answer is None:
                raise PlanqaError("no answer")
            content = answer_html(turn.answer, index, lang, mode)
        except PlanqaError as exc:
            turn.error = str(exc)
            content = error_html(str(exc), lang)
        turns = [*turns, turn]
        messages[-1] = {"role": "assistant", "content": content}
        yield messages, turns, sources_panel(turns, lang), "", copy_text(turn, lang), ""

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

    def on_mode(mode: str, lang: str) -> str:
        """Check a mode when it is chosen (a missing model says so here, not at the next question)."""
        try:
            service = ctx.services.get(mode)
            load_model = getattr(service, "llm", None)
            if callable(load_model):
                load_model()
        except PlanqaError as exc:
            return md_esc(t(lang, "error", msg=str(exc)))
        return md_esc(t(lang, "mode_ok", mode=mode))

    outputs = [chat, turns, sources, box, copy_box, status]
    inputs = [box, chat, turns, mode, top_k, lang]
    box.submit(respond, inputs, outputs, api_visibility="private")
    send.click(respond, inputs, outputs, api_visibility="private")
    new.click(reset, [lang], [chat, turns, sources, box, copy_box], api_visibility="private")
    chat.like(on_like, [turns, lang], [status], api_visibility="private")
    mode.input(on_mode, [mode, lang], [status], api_visibility="private")
    return tab

