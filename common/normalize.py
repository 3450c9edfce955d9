"""Normalising what users type, before anything else looks at it.

* characters that cannot be text (lone surrogates, control characters) are dropped;
* full-width letters, digits and signs become half-width (``２０２４年``, ``％``);
* traditional characters become simplified (OpenCC ``t2s``);
* Chinese numerals that are figures become digits (``百分之六`` → ``6%``, ``一万二千人`` →
  ``12000人``, ``二〇二四年`` → ``2024年``), through ``cn2an``; counted words (``三农``, ``一是``,
  ``四个方面``) are names, not figures, and stay as written;
* from a long message, the part that asks (:func:`asking_part`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Units after a Chinese numeral that make it a figure (measures, not counters of named things).
FIGURE_UNITS = (
    "万亿元", "亿元", "万元", "元", "亿美元", "万美元", "美元", "万吨", "亿吨", "吨", "亿斤", "万斤", "斤",
    "公斤", "千克", "万千瓦", "千瓦时", "千瓦", "公里", "千米", "平方公里", "万平方米", "平方米", "万亩",
    "亩", "公顷", "个百分点", "百分点", "万人次", "人次", "万人", "人", "万户", "户", "倍", "万头", "万担",
)
_CN_NUMERAL = "零〇一二两三四五六七八九十百千万亿"
_PERCENT_RE = re.compile(rf"(百|千)分之([{_CN_NUMERAL}]+(?:点[{_CN_NUMERAL}]+)?)")
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(FIGURE_UNITS, key=len, reverse=True))
_MEASURE_RE = re.compile(rf"(?<![{_CN_NUMERAL}第])([{_CN_NUMERAL}]+(?:点[{_CN_NUMERAL}]+)?)({_UNIT_ALT})")
_CN_YEAR_RE = re.compile(r"([一二][〇零一二三四五六七八九]{3})年")
_YEAR_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")


def clean_chars(text: str) -> str:
    """Drop what cannot be shown or encoded: lone surrogates, control and format characters
    (newlines and tabs become spaces)."""
    out = []
    for ch in text:
        if "\ud800" <= ch <= "\udfff":
            continue
        cat = unicodedata.category(ch)
        if ch in "\n\r\t":
            out.append(" ")
        elif cat in ("Cc", "Cf", "Co", "Cn"):
            continue
        else:
            out.append(ch)
    return "".join(out)


def half_width(text: str) -> str:
    """Full-width ASCII letters, digits and signs (U+FF01–FF5E) and the ideographic space to
    their half-width forms; Chinese punctuation (，。？：；（）) stays."""
    keep = set("，。？！：；（）【】")
    out = []
    for ch in text:
        code = ord(ch)
        if ch == "\u3000":
            out.append(" ")
        elif 0xFF01 <= code <= 0xFF5E and ch not in keep:
            out.append(chr(code - 0xFEE0))
        else:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """Traditional → simplified characters (OpenCC); simplified text is returned unchanged."""
    return _simplified_short(text) if len(text) <= 64 else str(_t2s().convert(text))


@lru_cache(maxsize=65536)
def _simplified_short(text: str) -> str:
    return str(_t2s().convert(text))


def numeral_value(numeral: str) -> float | None:
    """The value of a Chinese numeral (``一万二千`` → 12000, ``七点五`` → 7.5), or ``None``."""
    import cn2an

    try:
        return float(cn2an.cn2an(numeral, "smart"))
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def _digits(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def numerals_to_digits(text: str) -> str:
    """Chinese numerals that are figures written as digits; others left as they are."""

    def percent(m: re.Match[str]) -> str:
        value = numeral_value(m.group(2))
        return f"{_digits(value)}{'%' if m.group(1) == '百' else '‰'}" if value is not None else m.group()

    def measure(m: re.Match[str]) -> str:
        value = numeral_value(m.group(1))
        return f"{_digits(value)}{m.group(2)}" if value is not None else m.group()

    text = _CN_YEAR_RE.sub(lambda m: m.group(1).translate(_YEAR_DIGITS) + "年", text)
    text = _PERCENT_RE.sub(percent, text)
    return _MEASURE_RE.sub(measure, text)


def normalize(text: str) -> str:
    """Everything above but the asking part: clean characters, half width, simplified, digits,
    and the colloquial 啥 (what) as the written 什么 (是啥 → 是什么)."""
    text = simplified(half_width(clean_chars(text))).replace("啥", "什么")
    return re.sub(r"\s+", " ", numerals_to_digits(text)).strip()


# What marks a piece of a message (or a clause of a question) as one that asks: interrogatives
# and question marks (Chinese and English).
ASKING_RE = re.compile(
    r"[?？]|多少|多大|多高|(?<![十好几])几(?!乎)[个项家种条所座名位级类批处亿万千百十年]?|什么|啥|哪|怎么|怎样|如何|是否|有没有|"
    r"能不能|会不会|"
    r"吗|呢|分别|各是|\b(?:what|how|which|who|when|where|why|did|does|do|is|are|was|were|could|can)\b",
    re.IGNORECASE,
)
# Courtesy and self-description: how a message is wrapped, not what it asks about.
_COURTESY_RE = re.compile(
    r"你好|您好|谢谢|多谢|感谢|麻烦|劳驾|打扰|辛苦|拜托|帮我|帮忙|请帮|我在|我正在|我们在|我想|我要|我是|想问|"
    r"请问|请教|确认一下|核实一下|查一下|问一下|看一下|急用|在线等|\b(?:hi|hello|thanks|thank you|please|i'm|i am|"
    r"i need|we are|could you|can you)\b",
    re.IGNORECASE,
)
# The words that open a question (请问, 我想问一下): what follows them in their piece is asked.
_ASK_OPENING_RE = re.compile(r"(?:我)?(?:想|要)?(?:请问|问一下|问问|请教)(?:一下)?[，,：:]?")
# A question that asks of what the message said before it (这两个数, 这些, 那个情况).
_BACK_REFERENCE_RE = re.compile(r"[这那](?:[两几一二三四五六七八九十]?[个项条件组]?|些)(?:数字?|数据|指标|情况|问题|内容|举措|措施)|"
                                r"\b(?:these|those|that|this) (?:two |three )?(?:figures?|numbers?|points?)\b|"
                                # (an English question about what the sentence before named: it, they)
                                r"\b(?:it|its|they|them|their)\b", re.I)
_PIECE_RE = re.compile(r"[^。！!？?\n；;，,：:]+[。！!？?；;，,：:]*")
_SENTENCE_EN_RE = re.compile(r"(?:[^.!?]|(?<=\d)\.(?=\d))+[.!?]*")  # (a decimal point ends none: 2.5)
LONG_MESSAGE_CHARS = 12


def asking_part(text: str) -> str:
    """From a long message, the part that asks: the pieces (between punctuation) with an
    interrogative or a question mark, with the pieces just before them that name what they
    ask about; greetings, thanks and self-description are left out. A short message, or one
    where no piece asks, is kept whole. Years and places stated anywhere in the message are
    carried by the caller (the scope of a question reads the whole message)."""
    if len(text) <= LONG_MESSAGE_CHARS:
        return text
    cjk = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    pieces = [p for p in (_PIECE_RE if cjk else _SENTENCE_EN_RE).findall(text) if p.strip()]
    asking = [i for i, p in enumerate(pieces) if ASKING_RE.search(p)]
    # (where pieces end with a question mark, those are what is asked: an interrogative in the
    # narrative around them, 不知道是哪些X, is not)
    marked = [i for i in asking if pieces[i].rstrip()[-1:] in "?？"]
    asking = marked or asking
    if not asking:
        return text
    kept: set[int] = set(asking)
    opened: dict[int, str] = {}
    for i in asking:  # the topic pieces just before a question, within its sentence
        j = i - 1
        while j >= 0 and j not in kept and pieces[j].rstrip()[-1:] in "，,：:":
            if _COURTESY_RE.search(pieces[j]):
                # (the words that open a question, 请问X省…，: what follows them is asked;
                # nothing before them)
                piece = pieces[j].lstrip(" ，,：:")
                opening = _ASK_OPENING_RE.match(piece)
                rest = piece[opening.end():] if opening else ""
                if rest.strip(" ，,：:") and not _COURTESY_RE.search(rest):
                    kept.add(j)
                    opened[j] = rest
                break
            kept.add(j)
            j -= 1
        if _BACK_REFERENCE_RE.search(pieces[i]):
            # (…这两个数是多少？ asks of what the sentence before named: its pieces too, and
            # the pieces of its own sentence before it)
            ends = [j for j in range(i) if pieces[j].rstrip()[-1:] in "。！!？?"]
            start = ends[-2] + 1 if len(ends) >= 2 else 0
            kept |= {j for j in range(start, i) if not _COURTESY_RE.search(pieces[j])}
    keep = [_strip_courtesy(p) if i in asking else opened.get(i, p) for i, p in enumerate(pieces) if i in kept]
    return "".join(k for k in keep if k.strip()).strip(" ，,：:") or text


def _strip_courtesy(piece: str) -> str:
    """``麻烦确认一下2024年赤字率是多少`` → ``2024年赤字率是多少``: courtesy words at its start."""
    while True:
        m = _COURTESY_RE.match(piece.lstrip(" ，,：:"))
        if not m:
            return piece
        piece = piece.lstrip(" ，,：:")[m.end():]


_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def has_words(text: str) -> bool:
    """Whether a text has words to ask with: a Chinese character or two Latin letters, once
    links are left out (punctuation, emoji, digits or a URL alone are not a question)."""
    rest = _URL_RE.sub(" ", text)
    return any("\u4e00" <= c <= "\u9fff" for c in rest) or len(re.findall(r"[A-Za-z]", rest)) >= 2
