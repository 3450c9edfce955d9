"""Uploads from the web chat, ingested in the background: the upload event returns at once (the
chat keeps answering), one worker thread ingests the files in order, and the page polls a job's
progress (characters and chunks) and, at the end, what was added, what was skipped and why.

The job first reads its files once to count their documents and characters (an archive's
members one at a time), so that the progress bar has a true total; then it ingests them with the
server's write lock held only while the stores change state (``Ingestor.ingest_loaded``)."""

from __future__ import annotations

import dataclasses
import itertools
import logging
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.public import public_message, public_source
from assistant.webui.i18n import t
from assistant.webui.messages import localize
from assistant.webui.render import esc, named_html
from common.errors import DocumentError, PlanqaError
from ingest.loaders import iter_bytes
from ingest.pipeline import IngestProgress, IngestReport

log = logging.getLogger("planqa.webui")


@dataclass
class IngestJob:
    id: str
    files: list[tuple[str, bytes]]
    state: str = "queued"  # queued → counting → ingesting → done | error
    documents_total: int = 0
    chars_total: int = 0
    progress: IngestProgress = field(default_factory=IngestProgress)
    report: IngestReport | None = None
    error: str = ""  # a PlanqaError's message (server paths cut)
    internal: bool = False  # failed unexpectedly: the log has the trace, the page says only that
    started: float = 0.0
    finished: float = 0.0

    @property
    def done(self) -> bool:
        return self.state in ("done", "error")

    @property
    def fraction(self) -> float:
        if self.state == "done":
            return 1.0
        if self.chars_total <= 0:
            return 0.0
        return min(0.99, self.progress.chars / self.chars_total)


class IngestJobs:
    """One background worker ingesting the web chat's uploads, oldest first."""

    def __init__(self, service: Callable[[], Any], lock: Any, keep: int = 50) -> None:
        self.service = service  # the server's current service (looked up for each job)
        self.lock = lock
        self.keep = keep
        self._jobs: OrderedDict[str, IngestJob] = OrderedDict()
        self._queue: queue.Queue[IngestJob] = queue.Queue()
        self._ids = itertools.count(1)
        self._guard = threading.Lock()
        self._worker: threading.Thread | None = None

    def submit(self, files: list[tuple[str, bytes]]) -> IngestJob:
        job = IngestJob(id=f"job-{next(self._ids)}-{int(time.time())}", files=files)
        with self._guard:
            self._jobs[job.id] = job
            while len(self._jobs) > self.keep:
                oldest = next(iter(self._jobs.values()))
                if not oldest.done:
                    break
                self._jobs.popitem(last=False)
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._run, name="planqa-web-ingest", daemon=True)
                self._worker.start()
        self._queue.put(job)
        return job

    def get(self, job_id: str | None) -> IngestJob | None:
        with self._guard:
            return self._jobs.get(job_id or "")

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            try:
                self._ingest(job)
            except PlanqaError as exc:
                job.error, job.state = public_message(str(exc)), "error"
            except Exception:  # never lose the worker: the job says so, the log has the trace
                log.exception("web upload %s failed", job.id)
                job.internal, job.state = True, "error"
            finally:
                job.files = []  # the bytes are not kept once ingested
                job.finished = time.time()

    def _ingest(self, job: IngestJob) -> None:
        job.started = time.time()
        job.state = "counting"
        service = self.service()
        limits = service.ingestor.limits
        for name, data in job.files:
            try:
                for item in iter_bytes(name, data, limits):
                    job.documents_total += 1
                    job.chars_total += len(item.text)
            except DocumentError:
                job.documents_total += 1  # reported by the ingest itself
        job.state = "ingesting"

        def progress(done: IngestProgress) -> None:
            job.progress = dataclasses.replace(done)  # a copy: the ingest goes on updating its own

        job.report = service.ingest_files(job.files, lock=self.lock, progress=progress)
        job.state = "done"


def job_html(job: IngestJob, lang: str) -> str:
    """The job as the page shows it: a progress bar while it runs (characters and chunks), then
    what was added, replaced, skipped (already in the knowledge base) and what failed, and why."""
    if job.state == "error" and job.internal:
        return f'<p class="planqa-error">{esc(t(lang, "job_internal"))}</p>'
    if job.state == "error":
        return f'<p class="planqa-error">{esc(t(lang, "job_error", msg=localize(job.error, lang)))}</p>'
    if job.state != "done" or job.report is None:
        done = job.progress
        if job.state == "ingesting":
            text = named_html(t(lang, "job_progress", chars=f"{done.chars:,}", total=f"{job.chars_total:,}",
                            chunks=f"{done.chunks:,}", docs=done.documents, docs_total=job.documents_total,
                            current="{current}"), current=[public_source(done.current)])
        else:
            text = esc(t(lang, "job_queued"))
        percent = round(100 * job.fraction)
        return (f'<div id="planqa-upload-progress" class="planqa-progress" data-state="{job.state}" '
                f'data-percent="{percent}"><div style="width:{percent}%"></div></div>'
                f'<p class="planqa-muted">{text}</p>')
    report = job.report
    parts = ['<div id="planqa-upload-progress" class="planqa-progress" data-state="done" data-percent="100">'
             '<div style="width:100%"></div></div>',
             f'<p class="planqa-ok">{esc(t(lang, "job_done", chars=f"{report.chars:,}", chunks=f"{report.chunks:,}", seconds=f"{report.seconds:.1f}"))}</p>']
    for key, names in (("job_added", report.added), ("job_replaced", report.replaced),
                       ("job_skipped", report.unchanged), ("job_removed", report.removed)):
        if names:
            parts.append(f'<p class="planqa-ok">{named_html(t(lang, key, files="{files}"), files=[public_source(n) for n in names])}</p>')
    parts += [f'<p class="planqa-error">{named_html(t(lang, "upload_failed", file="{file}", reason=localize(public_message(r), lang)), file=[public_source(f)])}</p>'
              for f, r in report.failed]
    return "".join(parts)

