"""The knowledge-base tab: list documents, upload (through the loader registry, with a progress
bar), delete. Messages appear next to the control the user used. When ``PLANQA_ADMIN_KEY`` is set,
uploads and deletes need it (checked here, on the server, not only in the page)."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.api.context import ApiContext
from assistant.webui.i18n import t
from assistant.webui.messages import localize
from assistant.webui.render import document_rows, esc
from common.errors import PlanqaError
from ingest.loaders import supported_suffixes


def upload_types() -> str:
    return " ".join(sorted(supported_suffixes()))


@dataclass
class KnowledgeTab:
    table: gr.Dataframe
    files: gr.File
    upload: gr.Button
    upload_status: gr.HTML
    pick: gr.Dropdown
    delete: gr.Button
    delete_status: gr.HTML
    refresh: gr.Button
    admin_key: gr.Textbox
    load: Callable[[], tuple[Any, ...]]  # (table rows, dropdown update) for page/tab loads


def _ok(message: str) -> str:
    return f"<p class=\"planqa-ok\">{esc(message)}</p>"


def _err(message: str) -> str:
    return f"<p class=\"planqa-error\">{esc(message)}</p>"


def build_knowledge_tab(ctx: ApiContext, lang: gr.State) -> KnowledgeTab:
    admin = ctx.settings.admin_key

    def allowed(key: str | None) -> bool:
        return not admin or hmac.compare_digest((key or "").encode(), admin.encode())

    def listing() -> tuple[list[list[Any]], Any]:
        docs = ctx.service.documents()
        choices = [(f"{d.title} ({d.doc_id})", d.doc_id) for d in docs]
        return document_rows(docs), gr.update(choices=choices, value=None)

    with gr.Row():
        admin_key = gr.Textbox(label=t(lang.value, "admin_key"), type="password", visible=bool(admin),
                               elem_id="planqa-admin-key", scale=2)
        refresh = gr.Button(t(lang.value, "refresh"), scale=1, elem_id="planqa-refresh")
    table = gr.Dataframe(headers=t(lang.value, "doc_cols").split("|"), label=t(lang.value, "docs"), interactive=False,
                         datatype="str", type="array", wrap=True, elem_id="planqa-docs",
                         column_count=5, buttons=[])
    with gr.Row(equal_height=False):
        with gr.Column():
            files = gr.File(label=t(lang.value, "upload", types=upload_types()), file_count="multiple",
                            type="filepath", elem_id="planqa-upload")
            upload = gr.Button(t(lang.value, "upload_btn"), variant="primary", elem_id="planqa-upload-btn")
            upload_status = gr.HTML("", elem_id="planqa-upload-status")
        with gr.Column():
            pick = gr.Dropdown(choices=[], label=t(lang.value, "delete_pick"), elem_id="planqa-delete-pick")
            delete = gr.Button(t(lang.value, "delete_btn"), variant="stop", elem_id="planqa-delete-btn")
            delete_status = gr.HTML("", elem_id="planqa-delete-status")

    def do_upload(paths: list[str] | None, key: str, lang: str,
                  progress: gr.Progress = gr.Progress(track_tqdm=True)) -> tuple[Any, ...]:  # noqa: B008
        rows, choices = listing()
        if not allowed(key):
            return _err(t(lang, "need_admin")), rows, choices, gr.update()
        if not paths:
            return _err(t(lang, "no_files")), rows, choices, gr.update()
        progress(0.0, desc="…")
        items = []
        for path in paths:
            p = Path(path)
            items.append((p.name, p.read_bytes()))
        try:
            with ctx.write_lock:
                report = ctx.service.ingest_files(items)
        except PlanqaError as exc:
            rows, choices = listing()
            return _err(t(lang, "error", msg=localize(str(exc), lang))), rows, choices, gr.update()
        parts = [_err(t(lang, "upload_failed", file=Path(f).name, reason=localize(r, lang))) for f, r in report.failed]
        if report.added or report.replaced or report.unchanged or report.resumed:
            parts.insert(0, _ok(t(lang, "uploaded", summary=localize(report.summary(), lang))))
        rows, choices = listing()
        return "".join(parts), rows, choices, None

    def do_delete(doc_id: str | None, key: str, lang: str) -> tuple[Any, ...]:
        rows, choices = listing()
        if not allowed(key):
            return _err(t(lang, "need_admin")), rows, choices
        if not doc_id:
            return _err(t(lang, "pick_first")), rows, choices
        doc = next((d for d in ctx.service.documents() if d.doc_id == doc_id), None)
        try:
            with ctx.write_lock:
                removed = ctx.service.remove_document(doc_id)
        except PlanqaError as exc:
            return _err(t(lang, "error", msg=localize(str(exc), lang))), rows, choices
        rows, choices = listing()
        if not removed or doc is None:
            return _err(t(lang, "delete_missing")), rows, choices
        return _ok(t(lang, "deleted", title=doc.title)), rows, choices

    def on_refresh() -> tuple[Any, ...]:
        rows, choices = listing()
        return rows, choices

    upload.click(do_upload, [files, admin_key, lang], [upload_status, table, pick, files],
                 api_visibility="private")
    delete.click(do_delete, [pick, admin_key, lang], [delete_status, table, pick], api_visibility="private")
    refresh.click(on_refresh, None, [table, pick], api_visibility="private")
    return KnowledgeTab(table, files, upload, upload_status, pick, delete, delete_status, refresh, admin_key,
                        on_refresh)
