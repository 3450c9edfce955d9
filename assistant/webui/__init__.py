"""The web chat (Gradio): a thin layer over ``PlanqaService``, mounted at ``/`` by
``assistant/server.py``. Three tabs: chat, knowledge base, goals & figures; Chinese by default
(``/``) or English (``/en/``), each page wholly in its language, Gradio's own strings included
(``LOCALE_JS``); the language switch opens the other page.

``/ask`` is the chat's scripting endpoint for ``gradio_client`` (``api.py``)."""

from __future__ import annotations

import gradio as gr

from assistant.api.context import ApiContext
from assistant.webui.api import install_ask_endpoint
from assistant.webui.chat import CITE_JS, build_chat_tab
from assistant.webui.figures_tab import build_figures_tab
from assistant.webui.i18n import LANGUAGES, LOCALE_JS, STATUS_JS, SWITCH_JS, ZH, t
from assistant.webui.knowledge import build_knowledge_tab

__all__ = ["CSS", "build_ui", "page_js"]

CSS = """
.planqa-hidden, .planqa-copytext { display: none !important; }
.planqa-source { border-left: 3px solid #d1d5db; padding: 4px 10px; margin: 8px 0; }
.planqa-source blockquote { margin: 4px 0; white-space: pre-wrap; line-height: 1.6; }
.planqa-source.planqa-active { border-left-color: #f59e0b; background: #fffbeb; }
.planqa-source mark { background: #fde68a; padding: 0 1px; }
.planqa-head { margin: 2px 0; font-size: 0.92em; }
.planqa-doc { font-weight: 600; }
.planqa-section, .planqa-muted { color: #6b7280; }
.planqa-q { font-weight: 600; margin: 4px 0 2px; }
.planqa-cite { text-decoration: none !important; font-weight: 600; color: #2563eb !important; cursor: pointer; }
.planqa-table { border-collapse: collapse; margin-top: .5em; }
.planqa-table th, .planqa-table td { border: 1px solid #d1d5db; padding: 2px 8px; text-align: left; }
.planqa-items { margin: .4em 0 .4em 1.4em; }
.planqa-near { color: #6b7280 !important; }
.planqa-copy { font-size: 0.85em; color: #6b7280 !important; text-decoration: none !important; cursor: pointer; }
.planqa-copy.planqa-copied::after { content: " ✓"; color: #047857; }
.planqa-warn, .planqa-error { color: #b45309; }
.planqa-ok { color: #047857; }
.planqa-mode-off { color: #6b7280; font-size: 0.9em; margin: 2px 0; }
.planqa-mode-off progress { vertical-align: middle; width: 140px; }
.planqa-progress { background: #e5e7eb; border-radius: 4px; height: 10px; margin: 6px 0; overflow: hidden; }
.planqa-progress > div { background: #2563eb; height: 100%; transition: width 0.4s; }
#planqa-sources { max-height: 600px; overflow-y: auto; }
#planqa-figures td, #planqa-figures th { white-space: normal !important; word-break: break-word; }
"""


def page_js(lang: str) -> str:
    """Run on page load: the click handlers (the sources panel installs them too, which covers
    embedded pages) and Gradio's own strings in the page's language."""
    return "() => {" + CITE_JS + LOCALE_JS + STATUS_JS + f"window.planqaSetLocale('{lang}'); window.planqaStatusText();" + "}"


def build_ui(ctx: ApiContext, lang_code: str = ZH) -> gr.Blocks:
    """The web chat in one language (``/`` Chinese, ``/en/`` English: ``server.py`` mounts both).
    The language switch opens the other one (``SWITCH_JS``)."""
    with gr.Blocks(title=t(lang_code, "page_title"), analytics_enabled=False) as demo:
        lang = gr.State(lang_code)
        with gr.Row():
            gr.Markdown(t(lang_code, "title"), elem_id="planqa-title")
            language = gr.Radio(LANGUAGES, value=lang_code, show_label=False, elem_id="planqa-lang",
                                container=False, scale=0, min_width=180)
        with gr.Tabs():
            with gr.Tab(t(lang_code, "chat_tab"), id="chat", elem_id="planqa-chat-tab"):
                chat = build_chat_tab(ctx, lang)
            with gr.Tab(t(lang_code, "kb_tab"), id="kb", elem_id="planqa-kb-tab") as kb_tab_item:
                kb = build_knowledge_tab(ctx, lang)
            with gr.Tab(t(lang_code, "figures_tab"), id="figures", elem_id="planqa-figures-tab") as fig_tab_item:
                figures = build_figures_tab(ctx, lang)
        if lang_code == ZH:  # one scripting endpoint per server (the app at /)
            install_ask_endpoint(ctx)

        language.input(None, [language], None, js=SWITCH_JS, api_visibility="private")
        kb_tab_item.select(kb.load, None, [kb.table, kb.pick], api_visibility="private")
        fig_tab_item.select(figures.load, figures.inputs, figures.outputs, api_visibility="private")
        demo.load(kb.load, None, [kb.table, kb.pick], api_visibility="private")
        demo.load(figures.load, figures.inputs, figures.outputs, api_visibility="private")
        demo.load(chat.modes.refresh, [lang, chat.modes.radio], chat.modes.outputs, api_visibility="private")
    # Several officials at once: questions run side by side (the service is thread-safe).
    demo.queue(default_concurrency_limit=8)
    return demo
