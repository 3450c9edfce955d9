"""A summary of what happened in a year, over a small report written for this test (not a dev
or held-out document): the review's paragraph, not the plan's paragraph on the same topic.
Real ingest, e5 vectors, the real scorer."""

from __future__ import annotations

from tests.test_compose import service_of

REPORT = """2036年云岭县政府工作报告

一、2035年工作回顾

（一）系统治理，生态环境明显改善。全县完成营造林12万亩，县城空气优良天数比例达到92%，主要河流水质稳定保持Ⅱ类。
（二）办好实事，民生保障有力。新增城镇就业1.1万人，新建养老服务中心5个。

二、2036年工作安排

（一）推动绿色发展
加强生态环境保护。推进河湖生态修复，建设湿地公园3处，实施矿山生态修复工程。
"""


def test_a_summary_of_a_years_results_takes_the_reviews_paragraph(tmp_path):
    service = service_of(tmp_path, "2036年云岭县政府工作报告.txt", REPORT)
    answer = service.ask("请概括云岭县2036年政府工作报告中2035年生态环境方面取得的主要成效。")
    assert not answer.refused and "营造林12万亩" in answer.answer, answer.answer
    assert "湿地公园" not in answer.answer, answer.answer
