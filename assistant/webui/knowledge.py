"""The knowledge-base tab: list documents, upload (ingested in the background through the loader
registry, with a progress bar in characters and chunks, then what was added, skipped and why;
the chat keeps answering meanwhile), delete after a confirmation that names the document.

Writes are off unless ``PLANQA_ADMIN_KEY`` is set, and then each one needs that key (checked
here, on the server, not only in the page). An upload is read only from a file this client sent
to ``/gradio_api/upload`` (``assistant/webui/uploads.py``), never from a path the request names."""

from __future__ import annotations

import hmac
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.api.context import ApiContext
from assistant.public import public_message
from assistant.webui.i18n import t
from assistant.webui.jobs import IngestJobs, job_html
from assistant.webui.messages import localize
from assistant.webui.render import document_rows, named_html
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
    writes_note: gr.Markdown
    confirm_text: gr.HTML
    confirm: gr.Button
    cancel: gr.Button
    load: Callable[[], tuple[Any, ...]]  # (table rows, dropdown update) for page/tab loads


def _ok(message: str, **names: list[str]) -> str:
    return f"<p class=\"planqa-ok\">{named_html(message, **names)}</p>"


def _err(message: str, **names: list[str]) -> str:
    return f"<p class=\"planqa-error\">{named_html(message, **names)}</p>"


def _client(request: gr.Request | None) -> str:
    client = getattr(request, "client", None)
    return str(getattr(client, "host", "") or "unknown")


def ctx_jobs(ctx: ApiContext) -> IngestJobs:
    """The server's one background ingest (shared by the Chinese and English pages, so uploads
    from both go through one worker in order)."""
    if ctx.ingest_jobs is None:
        ctx.ingest_jobs = IngestJobs(lambda: ctx.service, ctx.write_lock)
    jobs: IngestJobs = ctx.ingest_jobs
    return jobs


def build_knowledge_tab(ctx: ApiContext, lang: gr.State) -> KnowledgeTab:
    admin = ctx.settings.admin_key
    writes = bool(admin)

    def refused(key: str | None, request: gr.Request | None, lang: str) -> str | None:
        """None when the admin key is right, else the message to show. Writes need the configured
        admin key (without one they are off for everyone); wrong keys count as failed
        authentications of the client address, as on the API (``AuthFailures``)."""
        failures = ctx.auth_failures
        client = _client(request)
        wait = failures.locked(client) if failures is not None and writes else 0.0
        if wait > 0:
            return _err(t(lang, "auth_locked", s=math.ceil(wait)))
        if writes and hmac.compare_digest((key or "").encode(), admin.encode()):
            return None
        if writes and failures is not None:
            failures.fail(client)
        return _err(t(lang, "need_admin"))

    def listing() -> tuple[list[list[Any]], Any]:
        docs = ctx.service.documents()
        choices = [(f"{d.title} ({d.doc_id})", d.doc_id) for d in docs]
        return document_rows(docs), gr.update(choices=choices, value=None)

    writes_note = gr.Markdown(t(lang.value, "writes_off"), visible=not writes, elem_id="planqa-writes-off")
    with gr.Row():
        admin_key = gr.Textbox(label=t(lang.value, "admin_key"), type="password", visible=writes,
                               elem_id="planqa-admin-key", scale=2)
        refresh = gr.Button(t(lang.value, "refresh"), scale=1, elem_id="planqa-refresh")
    table = gr.Dataframe(headers=t(lang.value, "doc_cols").split("|"), label=t(lang.value, "docs"), interactive=False,
                         datatype="str", type="array", wrap=True, elem_id="planqa-docs",
                         column_count=5, buttons=[])
    with gr.Row(equal_height=False, visible=writes, elem_id="planqa-writes"):
        with gr.Column():
            files = gr.File(label=t(lang.value, "upload", types=upload_types()), file_count="multiple",
                            type="filepath", elem_id="planqa-upload")
            upload = gr.Button(t(lang.value, "upload_btn"), variant="primary", elem_id="planqa-upload-btn")
            upload_status = gr.HTML("", elem_id="planqa-upload-status")
        with gr.Column():
            pick = gr.Dropdown(choices=[], label=t(lang.value, "delete_pick"), elem_id="planqa-delete-pick")
            delete = gr.Button(t(lang.value, "delete_btn"), variant="stop", elem_id="planqa-delete-btn")
            with gr.Group(visible=False, elem_id="planqa-delete-confirm") as confirm_box:
                confirm_text = gr.HTML("", elem_id="planqa-delete-question")
                with gr.Row():
                    confirm = gr.Button(t(lang.value, "confirm_delete"), variant="stop", elem_id="planqa-delete-yes")
                    cancel = gr.Button(t(lang.value, "cancel"), elem_id="planqa-delete-no")
            delete_status = gr.HTML("", elem_id="planqa-delete-status")
    pending = gr.State(None)  # the document the confirmation names
    job_id = gr.State(None)  # this page's upload being ingested
    timer = gr.Timer(1.0, active=False)
    jobs = ctx_jobs(ctx)

    def read_uploads(paths: list[str], request: gr.Request | None, lang: str) -> tuple[list[tuple[str, bytes]], list[str]]:
        """The bytes of files this client uploaded; a path that is not one is reported, never read."""
        items: list[tuple[str, bytes]] = []
        errors: list[str] = []
        for path in paths:
            upload = ctx.uploads.claim(path, _client(request)) if ctx.uploads is not None else None
            if upload is None:
                errors.append(_err(t(lang, "not_uploaded", file="{file}"), file=[Path(path).name]))
                continue
            try:
                items.append((upload.path.name, upload.path.read_bytes()))
            except OSError:
                errors.append(_err(t(lang, "not_uploaded", file="{file}"), file=[upload.path.name]))
            finally:
                ctx.uploads.discard(upload.path)
        return items, errors

    def do_upload(paths: list[str] | None, key: str, lang: str, request: gr.Request) -> tuple[Any, ...]:
        """Check the key, take the files this client uploaded and hand them to the background
        ingest; the page then polls its progress (``poll``) while the chat goes on answering."""
        if (why := refused(key, request, lang)) is not None:
            return why, gr.skip(), None, gr.skip()
        if not paths:
            return _err(t(lang, "no_files")), gr.skip(), None, gr.skip()
        items, parts = read_uploads(list(paths), request, lang)
        if not items:
            return "".join(parts), None, None, gr.skip()
        job = jobs.submit(items)
        return job_html(job, lang) + "".join(parts), None, job.id, gr.Timer(active=True)

    def poll(job_id: str | None, lang: str) -> tuple[Any, ...]:
        """The running job's progress; at its end, its report and the new document list."""
        job = jobs.get(job_id)
        if job is None:
            return gr.skip(), gr.skip(), gr.skip(), None, gr.Timer(active=False)
        if not job.done:
            return job_html(job, lang), gr.skip(), gr.skip(), job_id, gr.skip()
        rows, choices = listing()
        return job_html(job, lang), rows, choices, None, gr.Timer(active=False)

    def ask_delete(doc_id: str | None, lang: str) -> tuple[Any, ...]:
        """First step: name the document and ask for confirmation (nothing is deleted yet)."""
        doc = next((d for d in ctx.service.documents() if d.doc_id == doc_id), None) if doc_id else None
        if doc is None:
            return gr.update(visible=False), "", _err(t(lang, "pick_first" if not doc_id else "delete_missing")), None
        question = named_html(t(lang, "delete_confirm", title="{title}", doc_id=doc.doc_id), title=[doc.title])
        return gr.update(visible=True), f"<p><strong>{question}</strong></p>", "", doc.doc_id

    def do_delete(doc_id: str | None, key: str, lang: str, request: gr.Request) -> tuple[Any, ...]:
        rows, choices = listing()
        if (why := refused(key, request, lang)) is not None:
            return why, rows, choices, gr.update(visible=False)
        if not doc_id:
            return _err(t(lang, "pick_first")), rows, choices, gr.update(visible=False)
        doc = next((d for d in ctx.service.documents() if d.doc_id == doc_id), None)
        try:
            with ctx.write_lock:
                removed = ctx.service.remove_document(doc_id)
        except PlanqaError as exc:
            return _err(t(lang, "error", msg=localize(public_message(str(exc)), lang))), rows, choices, gr.update(visible=False)
        rows, choices = listing()
        if not removed or doc is None:
            return _err(t(lang, "delete_missing")), rows, choices, gr.update(visible=False)
        return _ok(t(lang, "deleted", title="{title}"), title=[doc.title]), rows, choices, gr.update(visible=False)

    def cancel_delete(lang: str) -> tuple[Any, ...]:
        return gr.update(visible=False), _ok(t(lang, "delete_cancelled")), None

    def on_refresh() -> tuple[Any, ...]:
        rows, choices = listing()
        return rows, choices

    upload.click(do_upload, [files, admin_key, lang], [upload_status, files, job_id, timer],
                 api_visibility="private")
    timer.tick(poll, [job_id, lang], [upload_status, table, pick, job_id, timer], api_visibility="private",
               show_progress="hidden")
    delete.click(ask_delete, [pick, lang], [confirm_box, confirm_text, delete_status, pending],
                 api_visibility="private")
    confirm.click(do_delete, [pending, admin_key, lang], [delete_status, table, pick, confirm_box],
                  api_visibility="private")
    cancel.click(cancel_delete, [lang], [confirm_box, delete_status, pending], api_visibility="private")
    refresh.click(on_refresh, None, [table, pick], api_visibility="private")
    return KnowledgeTab(table, files, upload, upload_status, pick, delete, delete_status, refresh, admin_key,
                        writes_note, confirm_text, confirm, cancel, on_refresh)
