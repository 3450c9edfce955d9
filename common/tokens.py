"""Tokens for search and term statistics: jieba (search mode), lower-cased, width-normalised
and in simplified characters (a report in traditional characters is found by a question in
simplified ones), with the stopwords of the genre removed."""

from __future__ import annotations

import re
from functools import lru_cache

from common.normalize import simplified
from common.textutils import normalize_width

# Words that carry no topic: function words, question words, and report boilerplate verbs.
STOPWORDS = frozenset(
    """的 了 和 与 及 以及 或 在 是 为 对 把 被 将 要 也 都 而 并 并且 等 之 其 这 那 这个 那个 这些 那些
    有 有关 什么 哪些 哪个 哪 多少 几 几个 怎么 怎样 如何 怎么样 是否 吗 呢 吧 啊 么 请问 请 告诉 一下
    方面 问题 情况 主要 哪里 哪儿 何 谁 为什么 多 少 个 是什么 有什么 有哪些 如何 要求 我们 你 我 他 她 它
    可以 能 会 中 上 下 里 年 月 日 今年 去年 明年 一 二 三 该 此 从 到 于 向 由 就 又 还 所 给 让 被
    达到 进行 提出 实现 加强 推进 推动 工作 什么样 具体 相关 其中 报告 资料 文中 文件
    我家 我们家 咱家 俺家 咱们 咱 俺 自己 听说 麻烦 谢谢 每个""".split()
    # (the last line: a citizen's words about themselves and politeness carry no topic either)
)
_TOKEN_OK = re.compile(r"[\w%.\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def jieba_module():  # type: ignore[no-untyped-def]
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def tokenize(text: str, keep_stopwords: bool = False) -> list[str]:
    """Search-mode jieba tokens, lower-cased, width-normalised, punctuation dropped."""
    jieba = jieba_module()
    out: list[str] = []
    for token in jieba.cut_for_search(simplified(normalize_width(text)).lower()):
        token = token.strip()
        if not token or not _TOKEN_OK.search(token):
            continue
        if not keep_stopwords and token in STOPWORDS:
            continue
        out.append(token)
    return out
