"""Messages of the layers below (loaders, the service, models) in the interface language.

The CLI and the APIs speak English; the web chat shows the same messages in the chosen
language. Each known message shape is a pattern with its Chinese form; file names and other
values are carried over. A message of an unknown shape keeps its text behind a translated lead.
"""

from __future__ import annotations

import re

from assistant.webui.i18n import ZH

# (English pattern, Chinese form). Groups are carried over by number.
_ZH: list[tuple[re.Pattern[str], str]] = [(re.compile(p), z) for p, z in [
    (r"^unsupported file type (\S+); supported: (.*)$", r"不支持的文件类型 \1（支持：\2）"),
    (r"^binary content, not a text document$", "是二进制内容，不是文本文档"),
    (r"^binary content, not a text file with one document per line$", "是二进制内容，不是每行一篇文档的文本文件"),
    (r"^cannot be decoded as UTF-8 or GB18030/GBK text$", "无法按 UTF-8 或 GB18030/GBK 编码读取"),
    (r"^empty document \(no text\)$", "文档为空（没有文字）"),
    (r"^empty file \(0 bytes\)$", "文件为空（0 字节）"),
    (r"^no such file or folder$", "文件或文件夹不存在"),
    (r"^cannot be read \((.*)\)$", r"无法读取（\1）"),
    (r"^not a (\S+) file \(its content does not start like one\)$", r"内容不是 \1 文件"),
    (r"^corrupt or unreadable \.docx \((.*)\)$", r"docx 文件损坏或无法读取（\1）"),
    (r"^empty document \(no text in the \.docx\)$", "docx 文档中没有文字"),
    (r"^encrypted PDF \(password protected\); decrypt it first$", "PDF 已加密（有密码保护），请先解密"),
    (r"^corrupt or unreadable \.pdf \((.*)\)$", r"pdf 文件损坏或无法读取（\1）"),
    (r"^no extractable text in the \.pdf \(scanned images need OCR\)$", "pdf 中没有可提取的文字（扫描件需先做文字识别）"),
    (r"^not an HTML file \(no HTML markup found\)$", "不是 HTML 文件（没有 HTML 标记）"),
    (r"^unreadable HTML \((.*)\)$", r"HTML 无法读取（\1）"),
    (r"^no main text found in the HTML page$", "HTML 页面中没有正文"),
    (r"^zip nested deeper than (\d+) levels$", r"zip 嵌套超过 \1 层"),
    (r"^corrupt \.zip \((.*)\)$", r"zip 文件损坏（\1）"),
    (r"^cannot be extracted \((.*)\)$", r"无法解压（\1）"),
    (r"^no supported documents inside the \.zip$", "zip 中没有支持的文档"),
    (r"^zip has (\d+) members \(limit (\d+)\); refused$", r"zip 含 \1 个文件（上限 \2），已拒绝"),
    (r"^zip expands (.*) overall; refused as a zip bomb$", r"zip 解压后膨胀 \1，按压缩炸弹拒绝"),
    (r"^member (.*) expands (.*); refused as a zip bomb$", r"其中的 \1 解压后膨胀 \2，按压缩炸弹拒绝"),
    (r"^zip would expand to (.*) bytes \(limit (.*)\); refused as a zip bomb$", r"zip 解压后达 \1 字节（上限 \2），按压缩炸弹拒绝"),
    (r"^no text left after cleaning$", "清理后没有剩余文字"),
    (r"^question is empty$", "问题为空"),
    (r"^question is too long \((\d+) characters; the limit is (\d+)\)$", r"问题过长（\1 字，上限 \2 字）"),
    (r"^the language model failed: .*$", "大模型调用失败，请稍后再试或改用“原文摘录”方式"),
    (r"^model file .* is (?:missing|corrupt).*$", "本地模型文件缺失或已损坏（运行 make setup 重新生成）"),
    (r"^llama\.cpp failed: .*$", "本地大模型运行出错，请改用“原文摘录”方式"),
    (r"^cannot load model .*$", "本地大模型无法加载，请改用“原文摘录”方式"),
    (r"^answer mode '(\w+)' is not available: .*$", r"回答方式 \1 暂不可用"),
    (r"^no answer$", "没有得到答案"),
]]
_SUMMARY_RE = re.compile(
    r"^(?P<added>\d+) added, (?P<replaced>\d+) replaced, (?P<unchanged>\d+) unchanged(?:, (?P<resumed>\d+) resumed)?"
    r"(?:, (?P<removed>\d+) removed)?, (?P<failed>\d+) failed; (?P<chunks>\d+) chunks, (?P<chars>\d+) chars in "
    r"(?P<seconds>[\d.]+)s$"
)
_FILE_REASON = re.compile(r"^(?P<file>[^:：]+\.\w{2,5}|[^:：]+#L\d+): (?P<reason>.+)$")


def localize(message: str, lang: str) -> str:
    """``message`` (English, from the layers below) in the interface language."""
    if lang != ZH:
        return message
    text = message.strip()
    summary = _SUMMARY_RE.match(text)
    if summary:  # IngestReport.summary()
        g = summary.groupdict()
        extra = "".join(f"，{word} {g[key]} 篇" for key, word in (("resumed", "续完"), ("removed", "移除")) if g[key])
        return (f"新增 {g['added']} 篇，替换 {g['replaced']} 篇，未变 {g['unchanged']} 篇{extra}，失败 {g['failed']} 篇；"
                f"{g['chunks']} 个片段，{g['chars']} 字，用时 {g['seconds']} 秒")
    file = _FILE_REASON.match(text)
    if file:  # "report.exe: unsupported file type .exe" → "report.exe：不支持的文件类型 .exe"
        return f"{file.group('file')}：{localize(file.group('reason'), lang)}"
    for pattern, chinese in _ZH:
        if pattern.match(text):
            return pattern.sub(chinese, text)
    return f"出错了（{text}）"
