"""The web chat (Gradio): a thin layer over ``PlanqaService``, mounted at ``/`` by
``assistant/server.py``. Three tabs: chat, knowledge base, goals & figures; Chinese by default
with an English switch."""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.api.context import ApiContext
from assistant.webui.chat import CITE_JS, build_chat_tab
from assistant.webui.figures_tab import build_figures_tab
from assistant.webui.i18n import LANGUAGES, ZH, t
from assistant.webui.knowledge import build_knowledge_tab

__all__ = ["CSS", "JS", "build_ui"]

CSS = """
.planqa-hidden { display: none !important; }
.planqa-source { border-left: 3px solid #d1d5db; padding: 4px 10px; margin: 8px 0; }
.planqa-source blockquote { margin: 4px 0; white-space: pre-wrap; line-height: 1.6; }
.planqa-source.planqa-active { border-left-color: #f59e0b; background: #fffbeb; }
.planqa-source mark { background: #fde68a; padding: 0 1px; }
.planqa-head { margin: 2px 0; font-size: 0.92em; }
.planqa-doc { font-weight: 600; }
.planqa-section, .planqa-muted { color: #6b7280; }
.planqa-q { font-weight: 600; margin: 4px 0 2px; }
.planqa-cite { text-decoration: none !important; font-weight: 600; color: #2563eb !important; cursor: pointer; }
.planqa-near { color: #6b7280 !important; }
.planqa-warn, .planqa-error { color: #b45309; }
.planqa-ok { color: #047857; }
#planqa-sources { max-height: 600px; overflow-y: auto; }
"""

# Also run on page load (the sources panel installs it too, which covers embedded pages).
JS = "() => {" + CITE_JS + "}"


def build_ui(ctx: ApiContext) -> gr.Blocks:
    with gr.Blocks(title="planqa · 政府文件问答", analytics_enabled=False) as demo:
        lang = gr.State(ZH)
        with gr.Row():
            header = gr.Markdown(t(ZH, "title"), elem_id="planqa-title")
            language = gr.Radio(LANGUAGES, value=ZH, show_label=False, elem_id="planqa-lang",
                                container=False, scale=0, min_width=180)
        with gr.Tabs():
            with gr.Tab(t(ZH, "chat_tab"), id="chat") as chat_tab_item:
                chat = build_chat_tab(ctx, lang)
            with gr.Tab(t(ZH, "kb_tab"), id="kb", elem_id="planqa-kb-tab") as kb_tab_item:
                kb = build_knowledge_tab(ctx, lang)
            with gr.Tab(t(ZH, "figures_tab"), id="figures", elem_id="planqa-figures-tab") as fig_tab_item:
                figures = build_figures_tab(ctx, lang)

        tabs = [chat_tab_item, kb_tab_item, fig_tab_item]
        relabelled = [header, *tabs, *chat.relabelled(), *kb.relabelled(), *figures.relabelled()]

        def switch(choice: str) -> list[Any]:
            return [
                choice,
                gr.update(value=t(choice, "title")),
                gr.update(label=t(choice, "chat_tab")),
                gr.update(label=t(choice, "kb_tab")),
                gr.update(label=t(choice, "figures_tab")),
                *chat.relabel(choice),
                *kb.relabel(choice),
                *figures.relabel(choice),
            ]

        language.change(switch, [language], [lang, *relabelled], api_visibility="private")
        kb_tab_item.select(kb.load, None, [kb.table, kb.pick], api_visibility="private")
        fig_tab_item.select(figures.load, figures.inputs, figures.outputs, api_visibility="private")
        demo.load(kb.load, None, [kb.table, kb.pick], api_visibility="private")
        demo.load(figures.load, figures.inputs, figures.outputs, api_visibility="private")
    # Several officials at once: questions run side by side (the service is thread-safe).
    demo.queue(default_concurrency_limit=8)
    return demo
