"""One FastAPI app served by uvicorn: the web chat (Gradio) at ``/``, planqa's API at
``/api/v1``, the OpenAI-compatible API at ``/v1``, OpenAPI docs at ``/docs``, ``/healthz``.

``planqa serve``, ``python app.py`` and ``make run`` all end in ``serve()``."""

from __future__ import annotations

import os
import sys
import threading
import time
import weakref
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse

from assistant.api import ApiContext, ServiceProvider, install_api
from assistant.api.docs import install_docs
from assistant.api.errors import SafeJSONResponse
from assistant.api.security import BodySizeLimit
from assistant.settings import Settings, get_settings
from common.errors import PlanqaError

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

VERSION = "0.1.0"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _gradio_js() -> Path:
    import gradio

    return Path(gradio.__file__).parent / "templates" / "frontend" / "gradio.js"


# A question that touches every part a real one does: jieba and its part-of-speech tables, the
# BM25 index, the embedder, Chroma, the sentence scorer.
# One question in each language a user types: an English one loads the dictionary that puts
# English words in the reports' words (``assistant/english_words.py``).
WARMUP_QUESTIONS = ("今年的主要预期目标是什么？", "What are this year's main targets?")
_warmed: weakref.WeakSet[Any] = weakref.WeakSet()


def warm_up(service: Any) -> float:
    """Load everything the first question would load, so that it answers as fast as the next
    ones; returns the seconds it took (0 when this service was warmed before)."""
    if service in _warmed:
        return 0.0
    started = time.perf_counter()
    try:
        for question in WARMUP_QUESTIONS:
            service.ask(question)
        service.figures()
    except PlanqaError as exc:  # an empty or broken store: the first question says so
        print(f"planqa: warm-up failed: {exc}", file=sys.stderr)
    _warmed.add(service)
    return time.perf_counter() - started


def _prepare_local(ctx: ApiContext) -> None:
    runtime = ctx.services.runtime
    if runtime is not None and runtime.status().state == "missing":
        print(f"planqa: preparing the local model runtime in the background (log: {runtime.log_path})",
              file=sys.stderr)
        runtime.prepare()


def _preload_model(service: Any) -> None:
    try:
        service.llm()
    except PlanqaError as exc:  # the first question reports it to the user
        print(f"planqa: the {service.settings.answer_mode} model is not available: {exc}", file=sys.stderr)


def create_app(settings: Settings | None = None, service: Any = None, *, ui: bool = True,
               warm: bool = True) -> FastAPI:
    """The whole server. ``service`` defaults to the factory's for ``settings`` (the default
    corpus is ingested on first start). With ``warm`` the retriever, the embedder and the scorer
    are loaded before the app is returned, so the server reports ready on ``/healthz`` only
    when the first question will be as fast as the next ones."""
    from assistant.factory import build_service

    settings = settings or get_settings()
    if service is None:
        service = build_service(settings)
        report = service.ensure_default_corpus()
        if report is not None:
            print(f"ingested the default corpus: {report.summary()}", file=sys.stderr)
    warmup_s = warm_up(service) if warm else 0.0
    ctx = ApiContext(settings, ServiceProvider(settings, service, factory=build_service))
    if settings.answer_mode != "extractive":  # load the model and read its system prompt before the first question
        threading.Thread(target=_preload_model, args=(service,), name="planqa-model-preload", daemon=True).start()

    app = FastAPI(
        title="planqa",
        version=VERSION,
        description="Grounded, cited answers about government plans and work reports. "
        "`/api/v1`: planqa's JSON API (SSE with `stream: true`); `/v1`: OpenAI-compatible chat "
        "completions with citations. Send `Authorization: Bearer <key>` when the server has API keys.",
        docs_url=None,  # /docs is served from the installed Swagger UI (assistant/api/docs.py)
        redoc_url=None,
        default_response_class=SafeJSONResponse,
        openapi_url="/openapi.json",
    )
    if settings.local_setup == "background" and settings.workers == 1:
        # the chat answers at once; local mode's runtime is built meanwhile (progress in the chat)
        app.router.on_startup.append(lambda: _prepare_local(ctx))
    if ctx.services.runtime is not None:  # a build in progress stops with the server (uvicorn
        app.router.on_shutdown.append(ctx.services.runtime.stop)  # re-raises SIGTERM: no atexit)
    install_api(app, ctx)
    install_docs(app, "planqa")

    @app.get("/healthz", tags=["planqa"], summary="Liveness and readiness")
    def healthz() -> JSONResponse:
        try:
            documents = len(service.documents())
        except Exception as exc:  # the store cannot be read: not ready
            return JSONResponse({"status": "error", "error": str(exc)}, status_code=503)
        return JSONResponse({"status": "ok", "version": VERSION, "documents": documents,
                             "answer_mode": settings.answer_mode, "warm": service in _warmed,
                             "warmup_seconds": round(warmup_s, 2)})

    @app.get("/gradio.js", include_in_schema=False)
    def gradio_js() -> FileResponse:
        """Gradio's web-component script, served locally (no CDN) for ``<gradio-app>`` embeds."""
        return FileResponse(_gradio_js(), media_type="text/javascript")

    if ui:
        _mount_ui(app, ctx)
    # Added last, so outermost: the size limit applies before anything reads a body.
    # Gradio adds no CORS headers of its own when the parent app has a CORSMiddleware: the
    # allow-list below is the one policy for the chat, the API and the web component.
    app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origin_list, allow_methods=["*"],
                       allow_headers=["*"], allow_credentials=False)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    return app


def _mount_ui(app: FastAPI, ctx: ApiContext) -> None:
    """The web chat at ``/`` (Chinese) and ``/en/`` (English), its uploads kept in
    ``<data dir>/uploads`` behind ``UploadGate``."""
    import gradio as gr

    from assistant.webui import CSS, build_ui, page_js
    from assistant.webui.i18n import EN, ZH
    from assistant.webui.locale import PageLocale
    from assistant.webui.uploads import UploadGate, UploadRegistry, upload_folder

    settings = ctx.settings
    folder = upload_folder(settings.data_dir / "uploads", settings.upload_ttl_s)
    ctx.uploads = UploadRegistry(folder, settings.upload_ttl_s, max_pending_bytes=4 * settings.max_request_bytes)
    app.add_middleware(PageLocale, pages={"/": "zh-CN", "/en/": "en"})
    # /en first: the app at / would take its requests otherwise.
    mounts = (("/en", EN), ("/", ZH))
    for path, lang in mounts:
        gr.mount_gradio_app(
            app, build_ui(ctx, lang), path=path, css=CSS, js=page_js(lang), footer_links=[],
            run_history=False, max_file_size=settings.max_request_bytes, show_error=False, ssr_mode=False,
            server_name=settings.host, server_port=settings.port,
        )
    app.add_middleware(UploadGate, registry=ctx.uploads, writes_enabled=lambda: bool(settings.admin_key),
                       max_files=settings.upload_max_files, rate_per_minute=settings.upload_rate_per_minute,
                       mounts=tuple(path for path, _ in mounts))


def app_from_env() -> FastAPI:
    """Factory for uvicorn workers (settings from the environment)."""
    return create_app(get_settings())


def _export(settings: Settings) -> None:
    """Make worker processes see the same settings (they read the environment)."""
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if value is not None:
            os.environ[f"PLANQA_{name.upper()}"] = str(value)


def serve(settings: Settings | None = None, host: str | None = None, port: int | None = None) -> None:
    import uvicorn

    settings = settings or get_settings()
    updates: dict[str, Any] = {}
    if host:
        updates["host"] = host
    if port:
        updates["port"] = port
    settings = settings.model_copy(update=updates) if updates else settings
    if settings.host not in LOOPBACK and not settings.api_key_list:
        print(f"warning: listening on {settings.host} with an open API; set PLANQA_API_KEYS "
              "(and PLANQA_ADMIN_KEY for uploads)", file=sys.stderr)
    print(f"planqa: http://{settings.host}:{settings.port}/  (API docs: /docs)", file=sys.stderr)
    if settings.workers > 1:
        from assistant.factory import build_service

        print(f"{settings.workers} workers: the web chat needs sticky sessions (a browser's requests must "
              "reach one worker); the APIs need nothing", file=sys.stderr)

        build_service(settings).ensure_default_corpus()  # once, before the workers start
        _export(settings)
        uvicorn.run("assistant.server:app_from_env", factory=True, host=settings.host, port=settings.port,
                    workers=settings.workers, log_level="warning")
    else:
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="warning")
