"""The web chat (Gradio), a thin layer over ``PlanqaService``."""

from __future__ import annotations

import html
from typing import Any

import gradio as gr

from assistant.errors import PlanqaError
from assistant.schema import Answer

EXAMPLES = [
    "2023年海城的GDP增速是多少？",
    "海城今年计划新建改建多少公里农村道路？",
    "海城要加快启动哪类企业的培育计划？",
]


def render_sources(answer: Answer) -> str:
    """Cited passages as escaped HTML, the quoted sentence highlighted."""
    if not answer.citations:
        if not answer.nearest:
            return ""
        parts = ["<p><b>最相近的段落（不足以回答问题）</b></p>"]
        parts += [f"<blockquote>{html.escape(c.text)}</blockquote>" for c in answer.nearest]
        return "\n".join(parts)
    parts = []
    for c in answer.citations:
        before, quote, after = c.text[: c.start], c.text[c.start : c.end], c.text[c.end :]
        head = html.escape(c.title) + (f" › {html.escape(c.section)}" if c.section else "")
        parts.append(
            f"<div class='planqa-source' id='source-{c.n}'><p><b>[{c.n}]</b> {head}</p>"
            f"<blockquote>{html.escape(before)}<mark>{html.escape(quote)}</mark>{html.escape(after)}"
            "</blockquote></div>"
        )
    return "\n".join(parts)


def build_ui(service: Any) -> gr.Blocks:
    def respond(message: str, history: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str, str]:
        history = list(history or [])
        try:
            answer = service.ask(message)
            text, sources = answer.answer, render_sources(answer)
        except PlanqaError as exc:
            text, sources = f"⚠️ {exc}", ""
        history += [{"role": "user", "content": message}, {"role": "assistant", "content": text}]
        return history, sources, ""

    with gr.Blocks(title="planqa") as demo:
        gr.Markdown("## planqa · 政府工作报告问答\n答案均出自文档，并标注引用的原文。")
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="对话", height=480, sanitize_html=True)
                box = gr.Textbox(label="问题", placeholder="例如：2023年海城的GDP增速是多少？")
                gr.Examples(EXAMPLES, inputs=box)
            with gr.Column(scale=2):
                sources = gr.HTML(label="引用原文")
        box.submit(respond, [box, chat], [chat, sources, box])
    return demo
