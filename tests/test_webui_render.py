"""The web chat's HTML: document and user text escaped, [n] markers as links to the panel."""

from __future__ import annotations

from assistant.feedback import FeedbackLog
from assistant.schema import Answer, Citation
from assistant.webui.i18n import EN, ZH
from assistant.webui.messages import localize
from assistant.webui.render import (
    Turn,
    answer_html,
    copy_text,
    figure_rows,
    figure_value,
    md_esc,
    sources_panel,
)

EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)"> *粗体* [链接](javascript:x) $$x$$'


def _answer(text: str, refused: bool = False) -> Answer:
    cite = Citation(n=1, doc_id="d", source="s.txt", title=f"标题{EVIL}", section="一、总体 > 目标",
                    text=f"前文。{EVIL}新建道路100公里。后文。", quote="新建道路100公里。", start=0, end=0)
    cite.start = cite.text.index(cite.quote)
    cite.end = cite.start + len(cite.quote)
    if refused:
        return Answer(question="q", answer=text, refused=True, mode="extractive", nearest=[cite])
    return Answer(question="q", answer=text, refused=False, mode="extractive", citations=[cite])


def test_markdown_and_html_in_text_are_escaped():
    out = md_esc(EVIL)
    assert "<" not in out and ">" not in out and "&lt;script&gt;" in out
    assert r"\*粗体\*" in out and r"\[链接\]\(javascript:x\)" in out and r"\$\$x\$\$" in out


def test_answer_markers_become_links_only_for_known_citations():
    html = answer_html(_answer(f"{EVIL}新建道路100公里[1]，另见[7]。"), turn=3, lang=ZH)
    assert '<a class="planqa-cite" href="#planqa-src-3-1"' in html
    assert "&lt;script&gt;" in html and "<script" not in html and "<img" not in html
    assert r"\[7\]" in html  # an unknown marker stays text


def test_refusal_links_the_nearest_passages_and_mode_fallback_is_said():
    html = answer_html(_answer("资料中未找到相关内容。", refused=True), turn=0, lang=ZH, requested_mode="local")
    assert 'class="planqa-cite planqa-near" href="#planqa-src-0-1"' in html
    assert "local" in html and "extractive" in html


def test_sources_panel_escapes_and_highlights_the_quote():
    turns = [Turn("第一问", _answer("新建道路100公里[1]。")), Turn("第二问", error="boom"),
             Turn("第三问", _answer("新建道路100公里[1]。"))]
    panel = sources_panel(turns, ZH)
    assert "<script>" not in panel and "<img" not in panel and "&lt;img src=x onerror=" in panel
    assert "<mark>新建道路100公里。</mark>" in panel
    assert 'id="planqa-src-0-1"' in panel and 'id="planqa-src-2-1"' in panel
    assert 'class="planqa-turn planqa-hidden" data-turn="0"' in panel  # only the last turn shown
    assert 'class="planqa-turn" data-turn="2"' in panel
    assert "一、总体 › 目标" in panel


def test_copy_text_has_answer_and_sources():
    text = copy_text(Turn("q", _answer("新建道路100公里[1]。")), ZH)
    assert text.startswith("新建道路100公里[1]。") and "出处：" in text and "「新建道路100公里。」" in text
    assert "Sources:" in copy_text(Turn("q", _answer("x[1]")), EN)


def test_every_answer_has_its_own_copy_of_answer_and_sources_as_plain_text():
    """The chat's copy button copied the bubble's markup (6\\.7%<a class=…>[1]</a>), and the
    copy box held only the last answer."""
    turns = [Turn("第一问", _answer("增长6.7%[1]。")), Turn("出错的问题", error="boom"),
             Turn("第二问", _answer("新建道路100公里[1]。"))]
    for i in (0, 2):
        assert f'<a class="planqa-copy" href="#planqa-copy-{i}">复制答案及出处</a>' in answer_html(turns[i].answer, i, ZH)
    panel = sources_panel(turns, ZH)
    first = panel.split('<pre class="planqa-copytext" id="planqa-copy-0">')[1].split("</pre>")[0]
    assert first.startswith("增长6.7%[1]。\n\n出处：\n[1] 标题") and "「新建道路100公里。」" in first
    assert "<a" not in first and "\\" not in first and "planqa-cite" not in first
    assert 'id="planqa-copy-2"' in panel and 'id="planqa-copy-1"' not in panel  # no copy of an error
    assert "&lt;script&gt;" in first  # document text stays escaped in the page


def test_figure_values_read_as_one_phrase():
    assert figure_value({"value": "725", "unit": "亿斤", "qualifier": "以上"}) == "725亿斤以上"
    assert figure_value({"value": "6600", "unit": "万人", "qualifier": "多"}) == "6600多万人"
    assert figure_value({"value": "6.7", "unit": "%", "qualifier": ""}) == "6.7%"
    row = {"indicator": "粮食产量", "value": "725", "unit": "亿斤", "qualifier": "以上", "period": "2021—2025年",
           "kind": "目标", "region": "湖北省", "title": "报告", "section": "一 > 二"}
    assert figure_rows([row], ZH) == [[1, "粮食产量", "725亿斤以上", "2021—2025年", "目标", "湖北省", "报告", "一 › 二"]]
    assert figure_rows([row], EN)[0][3:5] == ["2021–2025", "target"]


def test_messages_from_below_are_shown_in_the_interface_language():
    assert localize("report.exe: unsupported file type .exe; supported: .docx, .md", ZH) == \
        "report.exe：不支持的文件类型 .exe（支持：.docx, .md）"
    assert localize("empty file (0 bytes)", ZH) == "文件为空（0 字节）"
    assert localize("question is too long (2500 characters; the limit is 2000)", ZH) == "问题过长（2500 字，上限 2000 字）"
    assert localize("1 added, 0 replaced, 2 unchanged, 1 failed; 43 chunks, 4750 chars in 21.2s", ZH) == \
        "新增 1 篇，替换 0 篇，未变 2 篇，失败 1 篇；43 个片段，4750 字，用时 21.2 秒"
    assert localize("empty file (0 bytes)", EN) == "empty file (0 bytes)"


def test_feedback_is_appended_as_json_lines(tmp_path):
    log = FeedbackLog(tmp_path / "fb" / "feedback.jsonl")
    log.record(rating="up", question="q1", answer=_answer("a[1]"), session="s")
    log.record(rating="down", question="q2", answer=None, session="s", mode="local")
    rows = log.read()
    assert [r["rating"] for r in rows] == ["up", "down"]
    assert rows[0]["citations"][0]["quote"] == "新建道路100公里。" and rows[1]["mode"] == "local"
