"""The full session of issue 12 in each language, in Debian's headless Chromium against a real
server with an admin key, over the default report and two provincial reports (all six steps;
see ``browser_session.py``). At every step the page must show nothing in the other language,
also in what Gradio announces to screen readers."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from browser_session import LABELS, ChatSession
from conftest import SHARED
from playwright.sync_api import Browser, expect, sync_playwright
from test_browser import ARTIFACTS, CHROMIUM, FLAGS

PROVINCES = [SHARED / "corpora" / "provincial-2025" / name
             for name in ("2025年吉林省政府工作报告.docx", "2025年河北省政府工作报告.docx")]
UPLOAD = SHARED / "corpora" / "provincial-2025" / "2025年陕西省政府工作报告.docx"
ADMIN_KEY = "session-admin-key"
QUESTIONS = {
    "zh": ("2023年海城的GDP增速是多少？", "海城今年计划新建改建多少公里农村道路？"),
    "en": ("What was Haicheng's GDP growth in 2023?",
           "How many kilometres of rural roads will Haicheng build or rebuild this year?"),
}


@pytest.fixture(scope="module")
def province_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from live_server import LiveServer

    from assistant.factory import build_service
    from assistant.server import create_app
    from assistant.settings import Settings

    settings = Settings(data_dir=tmp_path_factory.mktemp("planqa-provinces"), progress=False,
                        rate_limit_per_minute=0, admin_key=ADMIN_KEY)
    service = build_service(settings)
    service.ensure_default_corpus()
    report = service.ingest(PROVINCES)
    assert len(report.added) == 2, report.summary()
    server = LiveServer(create_app(settings, service=service), data_dir=settings.data_dir)
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), "Chromium is missing: run `make browser` (apt-get install chromium chromium-driver)"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield b
        b.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_full_session_in_one_language(browser: Browser, province_server: str, lang: str):
    # An English browser for the Chinese page and the other way round: the page's language
    # must not come from the browser's.
    context = browser.new_context(viewport={"width": 1366, "height": 1000}, locale="en-US" if lang == "zh" else "zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=province_server)
    context.set_default_timeout(30_000)
    page = context.new_page()
    session = ChatSession(page, province_server, lang, ARTIFACTS)
    try:
        session.open()
        session.assert_one_language()

        # 1. ask
        first_q, second_q = QUESTIONS[lang]
        first = session.ask(first_q)
        expect(first.locator(".planqa-answer")).to_contain_text("6.7%")
        session.assert_one_language()
        session.shot(1, "ask")

        # 2. open a citation: the passage, its sentence highlighted
        active = session.open_citation(first)
        expect(active.locator("mark")).to_contain_text("6.7%")
        expect(active.locator(".planqa-doc")).to_contain_text("乘势而上启新程")
        session.shot(2, "citation")

        # 3. copy: after a second answer, the first one's own text and sources, as plain text
        second = session.ask(second_q)
        expect(second.locator(".planqa-answer")).to_contain_text("100公里")
        text = first.locator(".planqa-answer").inner_text()
        copied = session.copy(first)
        assert copied.startswith(text + "\n\n" + LABELS[lang]["sources"] + "\n[1] 乘势而上启新程"), copied
        assert "6.7%" in copied and "100公里" not in copied and "<" not in copied and "\\" not in copied
        assert "「据初步核算,2023年,海城市地区生产总值同比增长6.7%" in copied
        session.assert_one_language()
        session.shot(3, "copy")

        # 4. upload a .docx while asking: the answer comes while the file is ingested
        during = session.upload_while_asking(UPLOAD, ADMIN_KEY, first_q)
        expect(during.locator(".planqa-answer")).to_contain_text("6.7%")
        expect(page.locator("#planqa-docs")).to_contain_text("吉林")
        session.assert_one_language()
        session.shot(4, "upload")

        # 5. delete with confirmation
        title = next(d["title"] for d in httpx.get(f"{province_server}/api/v1/documents").json()
                     if d["source"] == UPLOAD.name)
        session.delete_with_confirmation(title, UPLOAD.name)
        session.assert_one_language()
        session.shot(5, "delete")

        # 6. the figures tab filtered to one province
        regions = session.figures_of("吉林省")
        assert regions and set(regions) == {"吉林省"}
        count = httpx.get(f"{province_server}/api/v1/figures", params={"region": "吉林省"}).json()["count"]
        expect(page.locator("#planqa-fig-count")).to_contain_text(str(count))
        kinds = set(page.locator("#planqa-figures [role=gridcell][aria-colindex='5']").all_inner_texts())
        assert kinds and kinds <= ({"target", "result"} if lang == "en" else {"目标", "实际"})
        page.locator("#planqa-figures [role=gridcell]:visible").nth(1).click()
        expect(page.locator("#planqa-fig-source mark")).not_to_be_empty()
        session.assert_one_language()
        session.shot(6, "figures-one-province")
    finally:
        page.screenshot(path=str(ARTIFACTS / f"session-{lang}-last.png"), full_page=True)
        context.close()
