"""The goals & figures tab: every figure and target of the corpus, filterable (text, kind,
region, year, document) and sortable; a click on a row opens its source passage with the
sentence highlighted. The table has the page's whole width and wraps its cells, so that every
column shows on a 1366 px screen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.api.context import ApiContext
from assistant.webui.i18n import t
from assistant.webui.render import figure_rows, figure_source_html
from ingest.figures import ACTUAL, TARGET, figure_years, select_figures

SORTS = ["position", "indicator", "number", "period", "kind", "region", "title"]


def sort_choices(lang: str) -> list[tuple[str, str]]:
    return [(t(lang, f"sort_{key}"), key) for key in SORTS]


def kind_choices(lang: str) -> list[tuple[str, str]]:
    return [(t(lang, "fig_all"), ""), (t(lang, "fig_target"), TARGET), (t(lang, "fig_actual"), ACTUAL)]


@dataclass
class FiguresTab:
    text: gr.Textbox
    kind: gr.Radio
    region: gr.Dropdown
    year: gr.Dropdown
    doc: gr.Dropdown
    sort: gr.Dropdown
    descending: gr.Checkbox
    count: gr.Markdown
    table: gr.Dataframe
    source: gr.HTML
    rows: gr.State
    inputs: list[Any]
    outputs: list[Any]
    load: Callable[..., tuple[Any, ...]]


def build_figures_tab(ctx: ApiContext, lang: gr.State) -> FiguresTab:
    with gr.Row():
        text = gr.Textbox(label=t(lang.value, "fig_filter"), scale=3, elem_id="planqa-fig-filter")
        kind = gr.Radio(kind_choices(lang.value), value="", label=t(lang.value, "fig_kind"), scale=2, elem_id="planqa-fig-kind")
        region = gr.Dropdown(choices=[(t(lang.value, "fig_any"), "")], value="", label=t(lang.value, "fig_region"), scale=1,
                             elem_id="planqa-fig-region")
        year = gr.Dropdown(choices=[(t(lang.value, "fig_any"), "")], value="", label=t(lang.value, "fig_year"), scale=1,
                           elem_id="planqa-fig-year")
    with gr.Row():
        doc = gr.Dropdown(choices=[(t(lang.value, "fig_any"), "")], value="", label=t(lang.value, "fig_doc"), scale=3,
                          elem_id="planqa-fig-doc")
        sort = gr.Dropdown(sort_choices(lang.value), value="position", label=t(lang.value, "fig_sort"), scale=1,
                           elem_id="planqa-fig-sort")
        descending = gr.Checkbox(label=t(lang.value, "fig_order"), value=False, scale=1)
    count = gr.Markdown("", elem_id="planqa-fig-count")
    table = gr.Dataframe(headers=t(lang.value, "fig_cols").split("|"), interactive=False, datatype="str",
                         type="array", wrap=True, column_count=8, elem_id="planqa-figures", max_height=560,
                         column_widths=["4%", "20%", "11%", "9%", "6%", "10%", "18%", "22%"], buttons=[])
    source = gr.HTML(f"<p class='planqa-muted'>{t(lang.value, 'fig_source')}</p>", elem_id="planqa-fig-source")
    rows_state = gr.State([])

    def apply(q: str, k: str, r: str, y: str, d: str, s: str, desc: bool, lang: str) -> tuple[Any, ...]:
        everything = ctx.service.figures()
        rows = select_figures(everything, kind=k or None, text=q or None, doc_id=d or None, region=r or None,
                              year=int(y) if y else None, sort=s, descending=bool(desc))
        any_ = (t(lang, "fig_any"), "")
        docs = sorted({(row["title"], row["doc_id"]) for row in everything})
        regions = sorted({str(row.get("region") or "") for row in everything} - {""})
        years = sorted({y for row in everything for y in figure_years(row)}, reverse=True)
        return (
            gr.update(value=figure_rows(rows, lang), headers=t(lang, "fig_cols").split("|")), rows,
            t(lang, "fig_count", n=len(rows)),
            gr.update(choices=[any_] + [(x, x) for x in regions]),
            gr.update(choices=[any_] + [(str(x), str(x)) for x in years]),
            gr.update(choices=[any_] + [(f"{title} ({doc_id})", doc_id) for title, doc_id in docs]),
        )

    def open_source(rows: list[dict[str, Any]], lang: str, evt: gr.SelectData) -> str:
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
        return figure_source_html(row, chunk.text if chunk is not None else None, lang)

    inputs = [text, kind, region, year, doc, sort, descending, lang]
    outputs = [table, rows_state, count, region, year, doc]
    for control in (kind, region, year, doc, sort, descending):
        control.change(apply, inputs, outputs, api_visibility="private")
    text.submit(apply, inputs, outputs, api_visibility="private")
    table.select(open_source, [rows_state, lang], [source], api_visibility="private")
    return FiguresTab(text, kind, region, year, doc, sort, descending, count, table, source, rows_state,
                      inputs, outputs, apply)
