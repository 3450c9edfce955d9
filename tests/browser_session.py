"""A session in the web chat, driven in Debian's Chromium by Playwright: the steps of the full
session of issue 12, numbered as there, each keeping a screenshot under artifacts/browser/
(``session-<lang>-<step>-<name>.png``):

1. ask; 2. open a citation; 3. copy; 4. upload a .docx while asking; 5. delete with
confirmation; 6. the figures tab filtered to one province.

``test_browser_session.py`` runs all six in each language, against a server with an admin key.

``assert_one_language`` walks what the page shows (text, tooltips, placeholders) outside the
documents' own text and fails on any string in the other language's script."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

ANSWER_TIMEOUT = 90_000  # ms; generous for a busy 2-core CI machine

LABELS = {
    "zh": {"path": "/", "chat": "问答", "kb": "知识库", "figures": "目标与数据", "sources": "出处："},
    "en": {"path": "/en/", "chat": "Chat", "kb": "Knowledge base", "figures": "Goals & figures", "sources": "Sources:"},
}

# What is document text, not interface: the answer, the question, quotes, titles and heading
# paths, table cells of documents and figures (their kind and period columns are checked apart).
DATA = [
    "#planqa-lang", ".planqa-answer", "[data-testid=user]", "#planqa-sources .planqa-q",
    "#planqa-sources blockquote", "#planqa-sources .planqa-head", "#planqa-fig-source .planqa-source",
    "#planqa-docs [role=gridcell]", "#planqa-figures [role=gridcell]", "#planqa-docs td", "#planqa-figures td",
    "#planqa-upload .file-preview", "[role=listbox]", ".planqa-file",
]
# Latin words a Chinese page may show: the product, settings, file types, a term of the example.
ZH_ALLOWED = re.compile(r"planqa|PLANQA_[A-Z_]+|GDP|\.[a-z]{2,8}\b|make setup")
WALK_JS = """
(data) => {
  const out = [];
  const skip = (el) => data.some((sel) => el.closest(sel));
  const seen = (el) => el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true});
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement, text = n.nodeValue.trim();
    if (!text || !el || ['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(el.tagName) || skip(el) || !seen(el)) continue;
    out.push(text);
  }
  document.querySelectorAll('[title], [placeholder]').forEach((el) => {
    if (skip(el) || !seen(el)) return;
    for (const a of ['title', 'placeholder']) { const v = (el.getAttribute(a) || '').trim(); if (v) out.push(v); }
  });
  return out;
}
"""


# Everything Gradio's status tracker announces to screen readers (a live region shown for about a
# second after each event), recorded from the page's start: a walk at one moment misses it.
ANNOUNCEMENTS_JS = """
window.__planqaAnnounced = [];
new MutationObserver((changes) => {
  for (const c of changes) {
    const node = c.target.nodeType === 3 ? c.target.parentElement : c.target;
    const region = node && node.closest && node.closest('[role=status][aria-live]');
    const text = region && region.textContent.trim();
    if (text) window.__planqaAnnounced.push(text);
  }
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


def other_script(texts: list[str], lang: str) -> list[str]:
    """The strings of ``texts`` written in the other language's script."""
    if lang == "en":
        return [t for t in texts if re.search(r"[\u4e00-\u9fff]", t)]
    return [t for t in texts if re.search(r"[A-Za-z]{2,}", ZH_ALLOWED.sub("", t))]


@dataclass
class ChatSession:
    page: Page
    url: str  # the server, without a path
    lang: str  # "zh" | "en"
    artifacts: Path

    @property
    def labels(self) -> dict[str, str]:
        return LABELS[self.lang]

    def shot(self, step: int, name: str) -> None:
        self.page.screenshot(path=str(self.artifacts / f"session-{self.lang}-{step}-{name}.png"), full_page=True)

    def open(self) -> None:
        self.page.add_init_script(ANNOUNCEMENTS_JS)
        self.page.goto(self.url + self.labels["path"])
        expect(self.page.locator("#planqa-send")).to_be_visible()

    def tab(self, name: str) -> None:
        self.page.locator(f"button[role=tab]:has-text('{self.labels[name]}')").first.click()

    def assert_one_language(self) -> None:
        texts = self.page.evaluate(WALK_JS, DATA)
        assert texts, "nothing visible on the page"
        texts += self.page.evaluate("window.__planqaAnnounced || []")
        wrong = other_script(texts, self.lang)
        assert not wrong, f"strings in the other language on the {self.lang} page: {wrong}"

    # ---------------------------------------------------------------- 1. ask
    def ask(self, question: str) -> Locator:
        """Ask and wait for the checked answer; returns the new answer bubble."""
        before = self.page.locator("#planqa-chat .planqa-copy").count()
        self.page.locator("#planqa-question textarea").fill(question)
        self.page.locator("#planqa-send").click()
        expect(self.page.locator("#planqa-chat .planqa-copy")).to_have_count(before + 1, timeout=ANSWER_TIMEOUT)
        return self.page.locator("#planqa-chat .message-content:has(.planqa-copy)").nth(before)

    # ---------------------------------------------------------------- 2. open a citation
    def open_citation(self, answer: Locator) -> Locator:
        """Click the answer's first [n]; returns the highlighted passage in the side panel."""
        answer.locator("a.planqa-cite").first.click()
        active = self.page.locator("#planqa-sources .planqa-source.planqa-active")
        expect(active).to_be_visible()
        return active

    # ---------------------------------------------------------------- 3. copy
    def copy(self, answer: Locator) -> str:
        """Click the answer's copy link; returns what the clipboard holds."""
        answer.locator("a.planqa-copy").click()
        expect(answer.locator("a.planqa-copy.planqa-copied")).to_be_visible()
        return str(self.page.evaluate("navigator.clipboard.readText()"))

    # ---------------------------------------------------------------- 4. upload while asking
    def upload_while_asking(self, path: Path, admin_key: str, question: str) -> Locator:
        """Upload ``path`` from the knowledge-base tab and, while it is ingested in the background,
        ask ``question``; returns the answer bubble once the upload has finished."""
        from assistant.webui.i18n import t

        lang = "English" if self.lang == "en" else "中文"
        self.tab("kb")
        self.page.locator("#planqa-admin-key input").fill(admin_key)
        self.page.locator("#planqa-upload input[type=file]").set_input_files(str(path))
        expect(self.page.locator("#planqa-upload")).to_contain_text(path.stem[:4])
        self.page.locator("#planqa-upload-btn").click()
        progress = self.page.locator("#planqa-upload-progress")
        expect(progress).to_have_attribute("data-state", "ingesting", timeout=ANSWER_TIMEOUT)
        self.tab("chat")
        answer = self.ask(question)
        self.tab("kb")
        expect(self.page.locator("#planqa-upload-progress[data-state=done]")).to_be_attached(timeout=300_000)
        status = self.page.locator("#planqa-upload-status")
        expect(status).to_contain_text(t(lang, "job_added", files=path.name))
        expect(self.page.locator("#planqa-docs")).to_contain_text(path.name)
        return answer

    # ---------------------------------------------------------------- 5. delete with confirmation
    def delete_with_confirmation(self, title: str, source: str) -> None:
        """Delete the document titled ``title`` (file ``source``): cancelled once (nothing goes),
        then confirmed; the confirmation names the document."""
        docs = self.page.locator("#planqa-docs")
        for confirmed in (False, True):
            self.page.locator("#planqa-delete-pick input").click()
            self.page.get_by_role("option", name=title, exact=False).first.click()
            self.page.locator("#planqa-delete-btn").click()
            expect(self.page.locator("#planqa-delete-question")).to_contain_text(title)
            expect(docs).to_contain_text(source)
            if not confirmed:
                self.page.locator("#planqa-delete-no").click()
                expect(self.page.locator("#planqa-delete-question")).to_be_hidden()
                expect(docs).to_contain_text(source)
        self.page.locator("#planqa-delete-yes").click()
        expect(self.page.locator("#planqa-delete-status .planqa-ok")).to_be_visible()
        expect(docs).not_to_contain_text(source)

    # ---------------------------------------------------------------- 6. figures of one province
    def figures_of(self, region: str) -> list[str]:
        """The figures tab filtered to ``region``; returns the region column of the rows shown."""
        self.tab("figures")
        table = self.page.locator("#planqa-figures")
        expect(table.locator("[role=gridcell]").first).to_be_visible()
        self.page.locator("#planqa-fig-region input").click()
        self.page.get_by_role("option", name=region, exact=True).click()
        cells = table.locator("[role=gridcell][aria-colindex='6']")
        expect(cells.first).to_have_text(region)
        expect(self.page.locator("#planqa-fig-count")).not_to_be_empty()
        return cells.all_inner_texts()
