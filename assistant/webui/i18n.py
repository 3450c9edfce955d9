"""Interface strings: Chinese (default) and English. Every string the web chat shows comes from
here; Gradio's own (drop zones, like buttons) from Gradio's locale, which each page sets to its
language when it loads (``LOCALE_JS``); messages of the layers below are translated by
``messages.py``."""

from __future__ import annotations

import json

ZH, EN = "中文", "English"
LANGUAGES = [ZH, EN]

STRINGS: dict[str, dict[str, str]] = {
    ZH: {
        "page_title": "planqa · 政府文件问答",
        "title": "## planqa · 政府文件问答\n答案均出自文档，点击 [n] 查看引用原文。",
        "chat_tab": "问答",
        "kb_tab": "知识库",
        "figures_tab": "目标与数据",
        "chat": "对话",
        "question": "问题",
        "placeholder": "例如：2023年海城的GDP增速是多少？",
        "send": "提问",
        "new_chat": "新对话",
        "mode": "回答方式",
        "mode_extractive": "原文摘录",
        "mode_local": "本地大模型",
        "mode_openai": "外部模型接口",
        "top_k": "检索段落数",
        "examples": "示例问题",
        "sources": "引用原文",
        "sources_empty": "<p class='planqa-muted'>提问后，点击答案中的 [n] 在此查看引用的原文。</p>",
        "nearest": "最相近的段落（不足以回答问题）",
        "nearest_links": "最相近的段落：",
        "copy_answer": "复制答案及出处",
        "more_items": "展开其余{n}项",
        "sources_label": "出处",
        "mode_unavailable": "⚠️ 回答方式“{want}”暂不可用，本次以“{got}”方式回答。",
        "mode_ok": "回答方式：{mode}",
        "mode_off": "{mode}暂不可用：{reason}",
        "off_local_runtime": "本地模型运行库尚未安装。",
        "off_local_building": "正在准备本地模型：{step}（{percent}%，已用 {minutes} 分钟）。完成后即可选用。",
        "off_local_failed": "准备本地模型失败：{reason}",
        "off_local_model": "本地模型文件缺失或已损坏（运行 make setup 重新生成）。",
        "off_local_unmanaged": "本地模型运行库未安装；本服务无法自动安装，请联系管理员。",
        "off_openai": "未配置外部模型接口（设置 PLANQA_OPENAI_BASE_URL 与 PLANQA_OPENAI_MODEL）。",
        "prepare_local": "安装本地大模型（约 10 分钟）",
        "step_build": "编译模型运行库",
        "step_install": "安装运行库与模型",
        "step_models": "组装并校验模型文件",
        "step_start": "启动",
        "error": "⚠️ {msg}",
        "thinking": "正在检索……",
        "chat_rate": "提问过于频繁，请 {s} 秒后再试。",
        "chat_busy": "您之前的问题还在回答中，请等它答完再提问。",
        "internal_error": "⚠️ 出现内部错误，已记录。请换个问法或稍后再试。",
        "feedback_saved": "已记录反馈，谢谢！",
        "docs": "已入库文档",
        "doc_cols": "标题|片段数|入库时间|来源|文档编号",
        "upload": "上传文档（{types}）",
        "upload_btn": "上传并入库",
        "admin_key": "管理员密钥",
        "delete_pick": "选择要删除的文档",
        "delete_btn": "删除文档",
        "refresh": "刷新",
        "no_files": "请先选择文件。",
        "need_admin": "需要正确的管理员密钥。",
        "auth_locked": "密钥错误次数过多，请 {s} 秒后再试。",
        "uploaded": "✅ 已入库：{summary}",
        "job_queued": "⏳ 正在读取文件……",
        "job_progress": "⏳ 正在入库 {current}：已处理 {chars} / {total} 字，{chunks} 个片段，文档 {docs}/{docs_total}。入库期间可继续提问。",
        "job_done": "✅ 入库完成：共 {chars} 字、{chunks} 个片段，用时 {seconds} 秒。",
        "job_added": "新增：{files}",
        "job_replaced": "已替换旧版本：{files}",
        "job_skipped": "已跳过（内容已在知识库中）：{files}",
        "job_removed": "已移除（不再在压缩包或文件中）：{files}",
        "job_error": "❌ 入库失败：{msg}",
        "job_internal": "❌ 入库时出现内部错误，已记录。请稍后再试。",
        "upload_failed": "❌ {file}：{reason}",
        "deleted": "✅ 已删除：{title}",
        "delete_missing": "❌ 未找到该文档（可能已被删除）。",
        "pick_first": "请先选择一个文档。",
        "writes_off": "知识库写入（上传、删除）已关闭。管理员设置环境变量 PLANQA_ADMIN_KEY 并重启服务后即可开启，操作时需输入该密钥。",
        "not_uploaded": "❌ {file}：不是通过本页面上传的文件，或上传已过期，请重新选择文件。",
        "delete_confirm": "确定删除《{title}》（{doc_id}）吗？删除后无法恢复。",
        "confirm_delete": "确认删除",
        "cancel": "取消",
        "delete_cancelled": "已取消删除。",
        "fig_filter": "筛选（指标、原文或文档）",
        "fig_kind": "类型",
        "fig_all": "全部",
        "fig_target": "目标",
        "fig_actual": "实际",
        "fig_region": "地区",
        "fig_year": "年份",
        "fig_doc": "文档",
        "fig_any": "全部",
        "fig_sort": "排序",
        "fig_order": "降序",
        "fig_cols": "#|指标|数值|期间|类型|地区|文档|标题路径",
        "fig_count": "共 {n} 条",
        "fig_source": "点击表格中的一行查看原文。",
        "sort_position": "文档顺序",
        "sort_indicator": "指标",
        "sort_number": "数值",
        "sort_period": "期间",
        "sort_kind": "类型",
        "sort_region": "地区",
        "sort_title": "文档",
    },
    EN: {
        "page_title": "planqa · Q&A over government documents",
        "title": "## planqa · Q&A over government documents\nAnswers come from the documents; click [n] to see the cited text.",
        "chat_tab": "Chat",
        "kb_tab": "Knowledge base",
        "figures_tab": "Goals & figures",
        "chat": "Conversation",
        "question": "Question",
        "placeholder": "e.g. What was Haicheng's GDP growth in 2023?",
        "send": "Ask",
        "new_chat": "New chat",
        "mode": "Answer mode",
        "mode_extractive": "Extractive",
        "mode_local": "Local LLM",
        "mode_openai": "OpenAI-compatible endpoint",
        "top_k": "Passages retrieved",
        "examples": "Example questions",
        "sources": "Cited passages",
        "sources_empty": "<p class='planqa-muted'>Ask a question, then click [n] in the answer to see the cited text here.</p>",
        "nearest": "Nearest passages (not enough to answer)",
        "nearest_links": "Nearest passages:",
        "copy_answer": "Copy answer with sources",
        "more_items": "Show the other {n} items",
        "sources_label": "Sources",
        "mode_unavailable": "⚠️ Answer mode \"{want}\" is not available; answered in \"{got}\" mode.",
        "mode_ok": "Answer mode: {mode}",
        "mode_off": "{mode} is off: {reason}",
        "off_local_runtime": "the local model runtime is not installed yet.",
        "off_local_building": "preparing the local model: {step} ({percent}%, {minutes} min so far). It can be chosen when done.",
        "off_local_failed": "preparing the local model failed: {reason}",
        "off_local_model": "the local model file is missing or damaged (run make setup to rebuild it).",
        "off_local_unmanaged": "the local model runtime is not installed and this server cannot install it; ask the administrator.",
        "off_openai": "no endpoint is configured (set PLANQA_OPENAI_BASE_URL and PLANQA_OPENAI_MODEL).",
        "prepare_local": "Install the local LLM (about 10 min)",
        "step_build": "building the model runtime",
        "step_install": "installing the runtime and the model",
        "step_models": "assembling and checking the model file",
        "step_start": "starting",
        "error": "⚠️ {msg}",
        "thinking": "Searching…",
        "chat_rate": "Too many questions; please try again in {s} s.",
        "chat_busy": "Your earlier question is still being answered; please wait for it first.",
        "internal_error": "⚠️ Something went wrong on the server (it has been logged). Please rephrase or try again later.",
        "feedback_saved": "Feedback saved, thank you!",
        "docs": "Documents",
        "doc_cols": "Title|Chunks|Ingested|Source|Document ID",
        "upload": "Upload documents ({types})",
        "upload_btn": "Upload and ingest",
        "admin_key": "Admin key",
        "delete_pick": "Document to delete",
        "delete_btn": "Delete document",
        "refresh": "Refresh",
        "no_files": "Choose files first.",
        "need_admin": "The correct admin key is needed.",
        "auth_locked": "Too many wrong keys; please try again in {s} s.",
        "uploaded": "✅ Ingested: {summary}",
        "job_queued": "⏳ Reading the files…",
        "job_progress": "⏳ Ingesting {current}: {chars} of {total} characters, {chunks} chunks, document {docs} of {docs_total}. You can keep asking meanwhile.",
        "job_done": "✅ Done: {chars} characters, {chunks} chunks in {seconds} s.",
        "job_added": "Added: {files}",
        "job_replaced": "Replaced an older version: {files}",
        "job_skipped": "Skipped (already in the knowledge base): {files}",
        "job_removed": "Removed (no longer in the archive or file): {files}",
        "job_error": "❌ Ingest failed: {msg}",
        "job_internal": "❌ Ingest failed with an internal error (it has been logged). Please try again later.",
        "upload_failed": "❌ {file}: {reason}",
        "deleted": "✅ Deleted: {title}",
        "delete_missing": "❌ No such document (perhaps already deleted).",
        "pick_first": "Choose a document first.",
        "writes_off": "Knowledge-base writes (upload, delete) are off. An administrator turns them on by setting PLANQA_ADMIN_KEY and restarting the server; the key is then asked for here.",
        "not_uploaded": "❌ {file}: not a file uploaded through this page, or its upload expired; choose the file again.",
        "delete_confirm": "Delete “{title}” ({doc_id})? This cannot be undone.",
        "confirm_delete": "Delete",
        "cancel": "Cancel",
        "delete_cancelled": "Deletion cancelled.",
        "fig_filter": "Filter (indicator, text or document)",
        "fig_kind": "Kind",
        "fig_all": "All",
        "fig_target": "target",
        "fig_actual": "result",
        "fig_region": "Region",
        "fig_year": "Year",
        "fig_doc": "Document",
        "fig_any": "all",
        "fig_sort": "Sort by",
        "fig_order": "Descending",
        "fig_cols": "#|Indicator|Value|Period|Kind|Region|Document|Heading path",
        "fig_count": "{n} rows",
        "fig_source": "Click a row to see its source passage.",
        "sort_position": "document order",
        "sort_indicator": "indicator",
        "sort_number": "value",
        "sort_period": "period",
        "sort_kind": "kind",
        "sort_region": "region",
        "sort_title": "document",
    },
}

# Example questions, one list per language (the extractive answerer reads English questions too).
EXAMPLES: dict[str, list[str]] = {
    ZH: [
        "2023年海城的GDP增速是多少？",
        "海城今年计划新建改建多少公里农村道路？",
        "海城要加快启动哪类企业的培育计划？",
        "那高新技术企业呢？",
    ],
    EN: [
        "What was Haicheng's GDP growth in 2023?",
        "How many kilometres of rural roads will Haicheng build or rebuild this year?",
        "How many livelihood projects will Haicheng carry out?",
        "What about high-tech enterprises?",
    ],
}

# What Gradio's status tracker announces (its screen-reader live region) with keys that its own
# Chinese catalogue lacks: without them a Chinese page announces the raw key ("common.complete").
GRADIO_STATUS_STRINGS = {
    "zh-CN": {"common": {"complete": "完成", "progress": "进度", "error": "错误"},
              "status": {"queue_position": "排队中：第 {position} 位，共 {size} 位"}},
    "en": {"common": {"complete": "Complete", "progress": "Progress", "error": "Error"},
           "status": {"queue_position": "In queue: {position} of {size}"}},
}

# Sets Gradio's own locale (its drop zones, like/dislike buttons, …) to the interface language.
# The module that owns Gradio's i18n store is found among the scripts the page loaded, so that
# the same store is changed (also when the chat is embedded as a web component).
LOCALE_JS = """
window.planqaSetLocale = async function (lang) {
  var locale = lang === 'English' ? 'en' : 'zh-CN';
  document.documentElement.setAttribute('data-planqa-lang', locale);
  var url = performance.getEntriesByType('resource').map(function (e) { return e.name; })
    .find(function (n) { return /\\/assets\\/core-[^/]+\\.js$/.test(n); });
  if (!url) return;
  try {
    var core = await import(url);
    core.load_translations({custom_translations: STATUS_STRINGS});
    await core.changeLocale(locale);
  } catch (e) { console.warn('planqa: locale', e); }
};
""".replace("STATUS_STRINGS", json.dumps(GRADIO_STATUS_STRINGS, ensure_ascii=False))

# Gradio writes its queue status in English whatever its locale ("queue: 1/2 |", "processing |"):
# on a Chinese page those texts are put in Chinese as they appear.
STATUS_JS = r"""
window.planqaStatusText = function () {
  if (window.__planqaStatusText || document.documentElement.getAttribute('data-planqa-lang') !== 'zh-CN') return;
  window.__planqaStatusText = true;
  var fix = function (node) {
    var text = node.nodeValue, m = /^(\s*)queue: (\d+)\/(\d*) \|(\s*)$/.exec(text);
    if (m) node.nodeValue = m[1] + '排队：' + m[2] + '/' + m[3] + ' |' + m[4];
    else if (/^\s*processing \|\s*$/.test(text)) node.nodeValue = text.replace('processing', '处理中');
  };
  var walk = function (root) {
    if (root.nodeType === 3) { fix(root); return; }
    var w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (var n = w.nextNode(); n; n = w.nextNode()) fix(n);
  };
  new MutationObserver(function (changes) {
    changes.forEach(function (c) {
      if (c.type === 'characterData') fix(c.target);
      else c.addedNodes.forEach(walk);
    });
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
  walk(document.body);
};
"""


def t(lang: str, key: str, **kwargs: object) -> str:
    text = STRINGS.get(lang, STRINGS[ZH]).get(key) or STRINGS[ZH][key]
    return text.format(**kwargs) if kwargs else text


def mode_label(lang: str, mode: str) -> str:
    return t(lang, f"mode_{mode}") if f"mode_{mode}" in STRINGS[ZH] else mode


def kind_label(lang: str, kind: str) -> str:
    """目标/实际 (the stored kinds) in the interface language."""
    return {"目标": t(lang, "fig_target"), "实际": t(lang, "fig_actual")}.get(kind, kind)


def period_label(lang: str, period: str) -> str:
    """``2024年`` / ``2021—2025年`` in the interface language."""
    if lang == EN:
        return period.replace("年", "").replace("—", "–")
    return period

# The language switch opens the page of the other language: `/` (Chinese) and `/en/` (English),
# under whatever prefix the server is mounted at. In a <gradio-app> web component the component
# is re-created with the other page as its source.
SWITCH_JS = """
(choice) => {
  var toEnglish = choice === 'English';
  var swap = function (url) {
    var u = new URL(url, window.location.href);
    var base = u.pathname.replace(/en\\/?$/, '');
    if (!base.endsWith('/')) base += '/';
    u.pathname = toEnglish ? base + 'en/' : base;
    return u.toString();
  };
  var host = document.querySelector('gradio-app');
  if (host && host.getAttribute('src')) {
    var fresh = host.cloneNode(false);
    fresh.setAttribute('src', swap(host.getAttribute('src')));
    host.replaceWith(fresh);
  } else {
    window.location.assign(swap(window.location.href));
  }
  return [];
}
"""
