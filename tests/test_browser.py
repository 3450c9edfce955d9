"""The web chat in a real browser: Debian's headless Chromium (/usr/bin/chromium, installed by
`make browser`, never downloaded) driven by Playwright, against the real server.

Screenshots are saved under artifacts/browser/."""

from __future__ import annotations

import json
import random
import re
import string
import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import ROOT, SHARED
from playwright.sync_api import Browser, Page, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts" / "browser"
ANSWER_TIMEOUT = 90_000  # ms; generous for a busy 2-core CI machine
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), "Chromium is missing: run `make browser` (apt-get install chromium chromium-driver)"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, locale="zh-CN")
    context.set_default_timeout(30_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}-final.png"), full_page=True)
    context.close()


def test_chat_answer_cites_and_opens_the_highlighted_passage(page: Page, planqa_server, seed_dev):
    page.goto(planqa_server.url + "/")
    expect(page.locator("#planqa-title")).to_contain_text("planqa")
    item = seed_dev[0]
    page.locator("#planqa-question textarea").fill(item["question"])
    page.locator("#planqa-send").click()
    cite = page.locator("#planqa-chat a.planqa-cite").first
    cite.wait_for(timeout=ANSWER_TIMEOUT)
    expect(page.locator("#planqa-chat")).to_contain_text(item["answer_all"][0])
    cite.click()
    active = page.locator("#planqa-sources .planqa-source.planqa-active")
    expect(active).to_be_visible()
    expect(active.locator("mark")).to_contain_text(item["answer_all"][0])
    expect(active.locator(".planqa-doc")).to_contain_text("乘势而上启新程")
    expect(active.locator(".planqa-section")).not_to_be_empty()
    page.screenshot(path=str(ARTIFACTS / "chat-citation.png"), full_page=True)

    # 👍 is stored as a JSON line in the data dir; the copy box holds the answer with its sources
    feedback = Path(planqa_server.data_dir) / "feedback.jsonl"
    before = feedback.read_text(encoding="utf-8").count("\n") if feedback.exists() else 0
    page.locator("#planqa-chat").get_by_role("button", name=re.compile("^(赞|Like)$")).first.click()
    expect(page.locator("#planqa-chat-status")).to_contain_text("已记录反馈")
    entries = [json.loads(x) for x in feedback.read_text(encoding="utf-8").splitlines()[before:]]
    assert entries[-1]["rating"] == "up" and entries[-1]["question"] == item["question"]
    assert entries[-1]["citations"][0]["quote"]
    expect(page.locator("#planqa-sources #planqa-copy-0")).to_have_text(re.compile(r"出处：\n\[1\] 乘势而上启新程"))

    # a follow-up in the same session; the first answer's [1] still opens the first passage
    page.locator("#planqa-question textarea").fill(seed_dev[2]["question"])
    page.locator("#planqa-send").click()
    expect(page.locator('#planqa-chat a.planqa-cite[href^="#planqa-src-1-"]').first).to_be_visible(timeout=ANSWER_TIMEOUT)
    page.locator('#planqa-chat a.planqa-cite[href^="#planqa-src-0-"]').first.click()
    expect(page.locator('#planqa-sources section[data-turn="0"]')).to_be_visible()
    expect(page.locator('#planqa-sources section[data-turn="1"]')).to_be_hidden()
    expect(page.locator("#planqa-sources .planqa-active mark")).to_contain_text(item["answer_all"][0])

    # English switch relabels the interface
    page.locator("#planqa-lang").get_by_text("English").click()
    expect(page.locator("#planqa-send")).to_have_text("Ask")


def test_not_found_answer_shows_nearest_passages(page: Page, planqa_server):
    page.goto(planqa_server.url + "/")
    page.locator("#planqa-question textarea").fill("海城2019年的森林覆盖率是多少？")
    page.locator("#planqa-send").click()
    near = page.locator("#planqa-chat a.planqa-near").first
    near.wait_for(timeout=ANSWER_TIMEOUT)
    near.click()
    expect(page.locator("#planqa-sources .planqa-source.planqa-active blockquote")).not_to_be_empty()
    expect(page.locator("#planqa-sources")).to_contain_text("最相近的段落")


ADMIN_KEY = "browser-admin-key"


@pytest.fixture(scope="module")
def admin_ui_server(seed_service, seed_settings) -> Iterator[object]:
    """The server with an admin key: knowledge-base writes are on in the web chat (with the key)."""
    from live_server import LiveServer

    from assistant.server import create_app

    settings = seed_settings.model_copy(update={"admin_key": ADMIN_KEY, "rate_limit_per_minute": 0})
    server = LiveServer(create_app(settings, service=seed_service), data_dir=settings.data_dir)
    yield server
    server.stop()


def test_knowledge_base_writes_are_off_without_an_admin_key(page: Page, planqa_server):
    page.goto(planqa_server.url + "/")
    page.locator("#planqa-kb-tab-button, button[role=tab]:has-text('知识库')").first.click()
    expect(page.locator("#planqa-writes-off")).to_contain_text("PLANQA_ADMIN_KEY")
    expect(page.locator("#planqa-docs")).to_contain_text("乘势而上启新程")
    assert page.locator("#planqa-upload input[type=file]").count() == 0 or not page.locator("#planqa-upload").is_visible()
    expect(page.locator("#planqa-delete-btn")).to_be_hidden()


def test_upload_escapes_document_html_and_delete(page: Page, admin_ui_server, tmp_path: Path):
    planqa_server = admin_ui_server
    tag = "".join(random.choices(string.ascii_lowercase, k=6))
    doc = tmp_path / f"qingshan-{tag}.txt"
    doc.write_text(
        f"青山县{tag}水利工作要点\n\n"
        f"今年青山县{tag}将<script>window.__pwned=1</script>新建防洪堤坝8公里<img src=x onerror=\"window.__pwned=2\">，"
        "改造灌区${7*7}处。\n",
        encoding="utf-8",
    )
    page.goto(planqa_server.url + "/")
    page.locator("#planqa-kb-tab-button, button[role=tab]:has-text('知识库')").first.click()
    page.locator("#planqa-admin-key input").fill(ADMIN_KEY)
    page.locator("#planqa-upload input[type=file]").set_input_files(str(doc))
    expect(page.locator("#planqa-upload")).to_contain_text(doc.stem)  # uploaded to the component
    page.locator("#planqa-upload-btn").click()
    # ingested in the background: the page polls the job until it reports what was added
    expect(page.locator("#planqa-upload-progress[data-state=done]")).to_be_attached(timeout=ANSWER_TIMEOUT)
    expect(page.locator("#planqa-upload-status .planqa-ok").first).to_be_visible()
    expect(page.locator("#planqa-upload-status")).to_contain_text(f"新增：{doc.name}")
    expect(page.locator("#planqa-docs")).to_contain_text(doc.name)
    page.screenshot(path=str(ARTIFACTS / "kb-uploaded.png"), full_page=True)

    # an unsupported file: the error shows next to the upload button, naming the file
    bad = tmp_path / "report.exe"
    bad.write_bytes(b"MZ\x00binary")
    page.locator("#planqa-upload input[type=file]").set_input_files(str(bad))
    expect(page.locator("#planqa-upload")).to_contain_text("report")
    page.locator("#planqa-upload-btn").click()
    expect(page.locator("#planqa-upload-status .planqa-error")).to_contain_text("report.exe", timeout=ANSWER_TIMEOUT)
    expect(page.locator("#planqa-upload-progress")).to_have_attribute("data-state", "done")

    # ask about it: the document's markup is shown as text, never run
    page.locator("button[role=tab]:has-text('问答')").first.click()
    page.locator("#planqa-question textarea").fill(f"青山县{tag}今年新建多少公里防洪堤坝？")
    page.locator("#planqa-send").click()
    cite = page.locator("#planqa-chat a.planqa-cite").first
    cite.wait_for(timeout=ANSWER_TIMEOUT)
    cite.click()
    sources = page.locator("#planqa-sources .planqa-active")
    expect(sources).to_contain_text("<script>window.__pwned=1</script>")
    expect(sources).to_contain_text('<img src=x onerror="window.__pwned=2">')
    expect(sources).to_contain_text("${7*7}")
    expect(page.locator("#planqa-chat")).to_contain_text("8公里")
    expect(page.locator("#planqa-chat")).to_contain_text("<script>window.__pwned=1</script>")
    assert page.locator("#planqa-chat img[src=x], #planqa-sources img[src=x]").count() == 0
    assert page.evaluate("window.__pwned") is None
    page.screenshot(path=str(ARTIFACTS / "escaped-document.png"), full_page=True)

    # the figures tab lists its figure, markup as text
    page.locator("button[role=tab]:has-text('目标与数据')").first.click()
    page.locator("#planqa-fig-filter textarea, #planqa-fig-filter input").first.fill(tag)
    page.locator("#planqa-fig-filter textarea, #planqa-fig-filter input").first.press("Enter")
    figures = page.locator("#planqa-figures")
    expect(figures).to_contain_text("防洪堤坝")
    figures.locator("[role=gridcell]:visible", has_text="防洪堤坝").first.click()
    expect(page.locator("#planqa-fig-source")).to_contain_text("<script>window.__pwned=1</script>")
    assert page.locator("#planqa-figures img[src=x], #planqa-fig-source img[src=x]").count() == 0
    assert page.evaluate("window.__pwned") is None

    # delete it from the knowledge-base tab
    page.locator("button[role=tab]:has-text('知识库')").first.click()
    page.locator("#planqa-delete-pick input").click()
    page.get_by_role("option", name=f"青山县{tag}水利工作要点", exact=False).first.click()
    page.locator("#planqa-delete-btn").click()
    # nothing is deleted before the confirmation, which names the document
    expect(page.locator("#planqa-delete-question")).to_contain_text(f"青山县{tag}水利工作要点")
    expect(page.locator("#planqa-docs")).to_contain_text(doc.name)
    page.screenshot(path=str(ARTIFACTS / "kb-delete-confirm.png"), full_page=True)
    page.locator("#planqa-delete-no").click()
    expect(page.locator("#planqa-delete-question")).to_be_hidden()
    expect(page.locator("#planqa-docs")).to_contain_text(doc.name)
    page.locator("#planqa-delete-pick input").click()
    page.get_by_role("option", name=f"青山县{tag}水利工作要点", exact=False).first.click()
    page.locator("#planqa-delete-btn").click()
    page.locator("#planqa-delete-yes").click()
    expect(page.locator("#planqa-delete-status .planqa-ok")).to_be_visible()
    expect(page.locator("#planqa-docs")).not_to_contain_text(doc.name)


BIG_DOCX = SHARED / "corpora" / "provincial-2025" / "2025年广东省政府工作报告.docx"


def test_upload_is_ingested_in_the_background_while_the_chat_answers(page: Page, admin_ui_server, seed_service):
    """A large .docx is ingested in the background: the tab shows its progress in characters and
    chunks, a question asked meanwhile is answered before the ingest ends, and at the end the tab
    says what was added (and a second upload of the same file, what was skipped and why)."""
    seed = admin_ui_server
    page.goto(seed.url + "/")
    page.locator("button[role=tab]:has-text('知识库')").first.click()
    page.locator("#planqa-admin-key input").fill(ADMIN_KEY)
    page.locator("#planqa-upload input[type=file]").set_input_files(str(BIG_DOCX))
    expect(page.locator("#planqa-upload")).to_contain_text("广东")
    started = time.monotonic()
    page.locator("#planqa-upload-btn").click()
    status = page.locator("#planqa-upload-status")
    # real progress: characters handled of the total, and chunks embedded
    expect(status).to_contain_text(re.compile(r"已处理 [1-9][\d,]* / [\d,]+ 字，\d+ 个片段"), timeout=ANSWER_TIMEOUT)
    expect(page.locator("#planqa-upload-progress")).to_have_attribute("data-state", "ingesting")
    progress_text = status.inner_text()
    page.screenshot(path=str(ARTIFACTS / "kb-ingesting.png"), full_page=True)

    # the chat answers meanwhile
    page.locator("button[role=tab]:has-text('问答')").first.click()
    page.locator("#planqa-question textarea").fill("2023年海城的GDP增速是多少？")
    asked = time.monotonic()
    page.locator("#planqa-send").click()
    page.locator("#planqa-chat a.planqa-cite").first.wait_for(timeout=ANSWER_TIMEOUT)
    answered = time.monotonic()
    state = page.locator("#planqa-upload-progress").get_attribute("data-state")
    expect(page.locator("#planqa-chat")).to_contain_text("6.7%")
    assert state == "ingesting", f"the ingest ended before the answer came ({state}); progress was {progress_text!r}"
    page.screenshot(path=str(ARTIFACTS / "chat-while-ingesting.png"), full_page=True)

    # the end: what was added, the document listed
    page.locator("button[role=tab]:has-text('知识库')").first.click()
    try:
        expect(page.locator("#planqa-upload-progress[data-state=done]")).to_be_attached(timeout=300_000)
        ingested = time.monotonic() - started
        expect(status).to_contain_text(re.compile(r"入库完成：共 [\d,]+ 字、\d+ 个片段"))
        expect(status).to_contain_text(f"新增：{BIG_DOCX.name}")
        expect(page.locator("#planqa-docs")).to_contain_text(BIG_DOCX.name)
        page.screenshot(path=str(ARTIFACTS / "kb-ingested.png"), full_page=True)
        # the same file again: skipped, saying why
        page.locator("#planqa-upload input[type=file]").set_input_files(str(BIG_DOCX))
        expect(page.locator("#planqa-upload")).to_contain_text("广东")
        page.locator("#planqa-upload-btn").click()
        expect(status).to_contain_text(f"已跳过（内容已在知识库中）：{BIG_DOCX.name}", timeout=ANSWER_TIMEOUT)
        print(f"\ningest {ingested:.1f} s; answer during it {answered - asked:.1f} s")
    finally:
        for d in seed_service.documents():
            if d.source == BIG_DOCX.name:
                seed_service.remove_document(d.doc_id)


def test_figures_tab_filters_and_opens_the_source(page: Page, planqa_server):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(planqa_server.url + "/")
    page.locator("button[role=tab]:has-text('目标与数据')").first.click()
    table = page.locator("#planqa-figures")
    expect(table).to_contain_text("农村道路")
    # at 1366 px every column shows: no header cell ends past the table's visible edge
    box = table.bounding_box()
    headers = table.locator("th")
    expect(headers).to_have_count(8)
    assert box is not None
    for i in range(8):
        cell = headers.nth(i).bounding_box()
        assert cell is not None and cell["width"] > 20 and cell["x"] + cell["width"] <= box["x"] + box["width"] + 1, i
    expect(table.locator("[role=gridcell]", has_text="100公里").first).to_be_visible()  # one readable value
    page.locator("#planqa-fig-kind").get_by_text("实际").click()
    expect(table).not_to_contain_text("农村道路")
    expect(table).to_contain_text("地区生产总值")
    table.locator("[role=gridcell]:visible", has_text="地区生产总值").first.click()
    expect(page.locator("#planqa-fig-source mark")).to_contain_text("6.7%")
    page.screenshot(path=str(ARTIFACTS / "figures.png"), full_page=True)


def test_portal_page_embeds_the_chat(page: Page, planqa_server, seed_dev):
    portal = (ROOT / "examples" / "portal.html").as_uri() + f"?planqa={planqa_server.url}"
    page.goto(portal)
    frame = page.frame_locator("#planqa-frame")
    item = seed_dev[2]
    frame.locator("#planqa-question textarea").fill(item["question"])
    frame.locator("#planqa-send").click()
    frame.locator("#planqa-chat a.planqa-cite").first.wait_for(timeout=ANSWER_TIMEOUT)
    expect(frame.locator("#planqa-chat")).to_contain_text(item["answer_all"][0])
    page.screenshot(path=str(ARTIFACTS / "portal.png"), full_page=True)


@pytest.fixture(scope="module")
def portal_site() -> Iterator[str]:
    """examples/ served over HTTP on loopback: a portal on an origin of its own."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(ROOT / "examples")))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_portal_web_component_works_offline(page: Page, portal_site, seed_service, seed_settings, seed_dev):
    """<gradio-app> on another origin: its script comes from the planqa server (/gradio.js, no
    CDN) and the portal's origin is in the CORS allow-list."""
    from live_server import LiveServer

    from assistant.server import create_app

    settings = seed_settings.model_copy(update={"cors_origins": portal_site, "rate_limit_per_minute": 0})
    server = LiveServer(create_app(settings, service=seed_service))
    try:
        page.goto(f"{portal_site}/portal.html?planqa={server.url}&embed=webcomponent")
        app = page.locator("gradio-app")
        item = seed_dev[0]
        app.locator("#planqa-question textarea").fill(item["question"])
        app.locator("#planqa-send").click()
        cite = app.locator("#planqa-chat a.planqa-cite").first
        cite.wait_for(timeout=ANSWER_TIMEOUT)
        cite.click()
        expect(app.locator("#planqa-sources .planqa-active mark")).to_contain_text(item["answer_all"][0])
        page.screenshot(path=str(ARTIFACTS / "portal-web-component.png"), full_page=True)

        # the README's plain fetch() from the portal's origin (CORS allow-list)
        answer = page.evaluate(
            """url => fetch(url + "/api/v1/ask", {method: "POST", headers: {"Content-Type": "application/json"},
                     body: JSON.stringify({question: "海城今年计划新建改建多少公里农村道路？"})}).then(r => r.json())""",
            server.url)
        assert "100公里" in answer["answer"] and answer["citations"]
    finally:
        server.stop()


def test_only_modes_that_can_answer_are_offered(page: Page, seed_service, seed_settings, tmp_path: Path):
    """`local` without its model file put a 22-package pip command into the chat, `openai`
    without an endpoint an English error about an environment variable. Now neither is
    offered, and the page says why, in its language."""
    from live_server import LiveServer

    from assistant.server import create_app

    settings = seed_settings.model_copy(update={"models_dir": tmp_path / "no-models", "rate_limit_per_minute": 0,
                                                "local_setup": "off"})
    server = LiveServer(create_app(settings, service=seed_service))
    try:
        page.goto(server.url + "/")
        modes = page.locator("#planqa-mode")
        expect(modes.get_by_role("radio")).to_have_count(1)
        expect(modes).to_contain_text("原文摘录")
        note = page.locator("#planqa-mode-note")
        expect(note.locator(".planqa-mode-off")).to_have_count(2)
        expect(note).to_contain_text("本地大模型暂不可用")
        expect(note).to_contain_text("外部模型接口暂不可用：未配置外部模型接口")
        expect(page.locator("#planqa-prepare-local")).to_be_hidden()  # PLANQA_LOCAL_SETUP=off
        assert "pip install" not in page.content()
        page.screenshot(path=str(ARTIFACTS / "modes-offered.png"), full_page=True)
        page.goto(server.url + "/en/")
        expect(page.locator("#planqa-mode-note")).to_contain_text("OpenAI-compatible endpoint is off")
    finally:
        server.stop()


def test_docs_render_offline(page: Page, planqa_server):
    """/docs was a blank page without internet: Swagger UI came from a CDN. Every request that
    leaves the server is refused here, as on an offline machine."""
    leaving: list[str] = []

    def offline(route):  # type: ignore[no-untyped-def]
        if route.request.url.startswith(planqa_server.url):
            route.continue_()
        else:
            leaving.append(route.request.url)
            route.abort()

    page.route("**/*", offline)
    page.goto(planqa_server.url + "/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("planqa")
    expect(page.locator(".opblock-summary-path[data-path='/api/v1/ask']")).to_be_visible()
    expect(page.locator(".opblock-summary-path[data-path='/v1/chat/completions']")).to_be_visible()
    assert leaving == []
    page.screenshot(path=str(ARTIFACTS / "docs-offline.png"), full_page=True)


def test_knowledge_base_writes_need_the_admin_key_when_set(page: Page, seed_service, seed_settings, tmp_path: Path):
    from live_server import LiveServer

    from assistant.server import create_app

    settings = seed_settings.model_copy(update={"admin_key": "s3cret-admin", "rate_limit_per_minute": 0})
    server = LiveServer(create_app(settings, service=seed_service))
    doc = tmp_path / "admin-check.txt"
    doc.write_text("白山县新建公园3个。", encoding="utf-8")
    try:
        page.goto(server.url + "/")
        page.locator("button[role=tab]:has-text('知识库')").first.click()
        page.locator("#planqa-upload input[type=file]").set_input_files(str(doc))
        expect(page.locator("#planqa-upload")).to_contain_text("admin-check")
        page.locator("#planqa-upload-btn").click()
        expect(page.locator("#planqa-upload-status .planqa-error")).to_contain_text("管理员密钥")
        expect(page.locator("#planqa-docs")).not_to_contain_text("admin-check")
        page.locator("#planqa-admin-key input").fill("s3cret-admin")
        page.locator("#planqa-upload-btn").click()
        expect(page.locator("#planqa-upload-progress[data-state=done]")).to_be_attached(timeout=ANSWER_TIMEOUT)
        expect(page.locator("#planqa-upload-status")).to_contain_text("新增：admin-check.txt")
        expect(page.locator("#planqa-docs")).to_contain_text("admin-check")
    finally:
        for d in seed_service.documents():
            if d.source == "admin-check.txt":
                seed_service.remove_document(d.doc_id)
        server.stop()


def test_local_mode_is_prepared_on_demand_with_progress(page: Page, seed_service, seed_settings, tmp_path: Path):
    """Local mode's runtime is built only when asked for, with its progress shown, and the
    mode is offered when it is in. The 10-minute compile is stood in for by a Makefile that
    prints the same steps and puts the real 0.5B model file in place; the runtime, make, the
    progress and the model check are the real ones."""
    from live_server import LiveServer

    from assistant.llm.models import MODELS
    from assistant.server import create_app

    models = tmp_path / "models"
    project = tmp_path / "project"
    project.mkdir()
    go = tmp_path / "build-may-finish"
    real = ROOT / ".planqa" / "models" / MODELS["qwen2.5-coder-0.5b"].filename
    (project / "Makefile").write_text(
        "local:\n"
        "\t@echo planqa-step build\n"
        "\t@echo '[40/100] Building CXX object'\n"
        # the build step lasts until the test has seen its progress (at most a minute)
        f"\t@for i in $$(seq 600); do test -e {go} && break; sleep 0.1; done\n"
        "\t@echo planqa-step install\n"
        "\t@sleep 2\n"
        "\t@echo planqa-step models\n"
        f"\tmkdir -p {models} && ln -sf {real} {models}/\n",
        encoding="utf-8",
    )
    settings = seed_settings.model_copy(update={"models_dir": models, "llm_model": "qwen2.5-coder-0.5b",
                                                "local_setup": "on_demand", "rate_limit_per_minute": 0})
    app = create_app(settings, service=seed_service)
    app.state.planqa.services.runtime.project_root = project
    server = LiveServer(app)
    try:
        page.goto(server.url + "/")
        modes = page.locator("#planqa-mode")
        expect(modes.get_by_role("radio")).to_have_count(1)
        prepare = page.locator("#planqa-prepare-local")
        expect(prepare).to_be_visible()
        prepare.click()
        note = page.locator("#planqa-mode-note")
        runtime = app.state.planqa.services.runtime
        try:
            expect(note).to_contain_text("正在准备本地模型：编译模型运行库（35%", timeout=15_000)
        except AssertionError as exc:  # say what the runtime was doing, not only what the page showed
            raise AssertionError(f"{exc}\nruntime: {runtime.status()}\nlog:\n{runtime.log_path.read_text()}") from exc
        expect(note.locator("progress")).to_have_attribute("value", "35")
        page.screenshot(path=str(ARTIFACTS / "local-preparing.png"), full_page=True)
        go.touch()
        expect(modes.get_by_text("本地大模型")).to_be_visible(timeout=60_000)
        expect(note).not_to_contain_text("本地大模型")
        expect(prepare).to_be_hidden()
    finally:
        go.touch()
        server.stop()


def test_gradio_queue_status_follows_the_page_language(page: Page, planqa_server):
    """Gradio writes "queue: 1/2 |" and "processing |" in English whatever its locale; a busy
    server showed them on the Chinese page. They are put in Chinese as they appear."""
    add = "(t) => { const s = document.createElement('span'); s.className = 'probe'; s.textContent = t;" \
          " document.body.appendChild(s); }"
    page.goto(planqa_server.url + "/")
    expect(page.locator("#planqa-send")).to_be_visible()
    page.evaluate(add, "queue: 1/2 |")
    page.evaluate(add, "processing |")
    expect(page.locator(".probe")).to_have_text(["排队：1/2 |", "处理中 |"])
    page.goto(planqa_server.url + "/en/")
    expect(page.locator("#planqa-send")).to_be_visible()
    page.evaluate(add, "queue: 1/2 |")
    expect(page.locator(".probe")).to_have_text("queue: 1/2 |")
