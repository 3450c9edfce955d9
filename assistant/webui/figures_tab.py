"""The goals & figures tab: every figure and target of the corpus, filterable and sortable;
a click on a row opens its source passage with the sentence highlighted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.api.context import ApiContext
from assistant.webui.i18n import ZH, t
from assistant.webui.render import figure_rows, figure_source_html
from ingest.figures import ACTUAL, select_figures
from ingest.frames import TARGET

SORTS = [("文档顺序 / document order", "position"), ("指标 / indicator", "indicator"),
         ("数值 / value", "number"), ("期间 / period", "period"), ("类型 / kind", "kind"),
         ("文档 / document", "title")]


@dataclass
class FiguresTab:
    text: gr.Textbox
    kind: gr.Radio
    doc: gr.Dropdown
    period: gr.Dropdown
    sort: gr.Dropdown
    descending: gr.Checkbox
    count: gr.Markdown
    table: gr.Dataframe
    source: gr.HTML
    rows: gr.State
    inputs: list[Any]
    outputs: list[Any]
    load: Callable[..., tuple[Any, ...]]

    def relabelled(self) -> list[Any]:
        return [self.text, self.kind, self.doc, self.period, self.sort, self.descending, self.table]

    @staticmethod
    def relabel(lang: str) -> list[Any]:
        return [
            gr.update(label=t(lang, "fig_filter")),
            gr.update(label=t(lang, "fig_kind"), choices=[(t(lang, "fig_all"), ""), (TARGET, TARGET), (ACTUAL, ACTUAL)]),
            gr.update(label=t(lang, "fig_doc")),
            gr.update(label=t(lang, "fig_period")),
            gr.update(label=t(lang, "fig_sort")),
            gr.update(label=t(lang, "fig_order")),
            gr.update(headers=t(lang, "fig_cols").split("|")),
        ]


def build_figures_tab(ctx: ApiContext, lang: gr.State) -> FiguresTab:
    with gr.Row():
        text = gr.Textbox(label=t(ZH, "fig_filter"), scale=3, elem_id="planqa-fig-filter")
        kind = gr.Radio([(t(ZH, "fig_all"), ""), (TARGET, TARGET), (ACTUAL, ACTUAL)], value="",
                        label=t(ZH, "fig_kind"), scale=2, elem_id="planqa-fig-kind")
        doc = gr.Dropdown(choices=[("—", "")], value="", label=t(ZH, "fig_doc"), scale=2)
        period = gr.Dropdown(choices=[("—", "")], value="", label=t(ZH, "fig_period"), scale=1)
        sort = gr.Dropdown(SORTS, value="position", label=t(ZH, "fig_sort"), scale=2)
        descending = gr.Checkbox(label=t(ZH, "fig_order"), value=False, scale=1)
    count = gr.Markdown("", elem_id="planqa-fig-count")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            table = gr.Dataframe(headers=t(ZH, "fig_cols").split("|"), interactive=False, datatype="str",
                                 type="array", wrap=True, column_count=8, elem_id="planqa-figures",
                                 max_height=560)
        with gr.Column(scale=2):
            source = gr.HTML(f"<p class='planqa-muted'>{t(ZH, 'fig_source')}</p>", elem_id="planqa-fig-source")
    rows_state = gr.State([])

    def apply(q: str, k: str, d: str, p: str, s: str, desc: bool, lang: str) -> tuple[Any, ...]:
        everything = ctx.service.figures()
        rows = select_figures(everything, kind=k or None, text=q or None, doc_id=d or None, period=p or None,
                              sort=s, descending=bool(desc))
        docs = sorted({(r["title"], r["doc_id"]) for r in everything})
        periods = sorted({r["period"] for r in everything if r.get("period")})
        return (
            figure_rows(rows), rows, t(lang, "fig_count", n=len(rows)),
            gr.update(choices=[("—", "")] + [(f"{title} ({doc_id})", doc_id) for title, doc_id in docs]),
            gr.update(choices=[("—", "")] + [(x, x) for x in periods]),
        )

    def open_source(rows: list[dict[str, Any]], evt: gr.SelectData) -> str:
        number: Any = None
        if evt.row_value:
            number = evt.row_value[0]  # the "#" column
        elif isinstance(evt.index, (list, tuple)):
            number = int(evt.index[0]) + 1
        try:
            row = rows[int(number) - 1]
        except (TypeError, ValueError, IndexError):
            return ""
        chunk = ctx.service.passage(str(row.get("chunk_id", "")))
        return figure_source_html(row, chunk.text if chunk is not None else None)

    inputs = [text, kind, doc, period, sort, descending, lang]
    outputs = [table, rows_state, count, doc, period]
    for control in (kind, doc, period, sort, descending):
        control.change(apply, inputs, outputs, api_visibility="private")
    text.submit(apply, inputs, outputs, api_visibility="private")
    table.select(open_source, [rows_state], [source], api_visibility="private")
    return FiguresTab(text, kind, doc, period, sort, descending, count, table, source, rows_state,
                      inputs, outputs, apply)
