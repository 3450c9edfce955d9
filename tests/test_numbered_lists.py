"""A counted announcement followed by paragraphs numbered 1. 2. 3., over a small report written
for this test (not a dev or held-out document). Real ingest, e5 vectors, the real scorer."""

from __future__ import annotations

from tests.test_compose import service_of

REPORT = """2036年云岭县政府工作报告

二、2036年工作安排

（六）增进民生福祉
坚持稳中求进、因地制宜、量力而行，继续办好三方面民生实事。
1.教育助学方面。新建公办幼儿园2所，为农村学生提供免费午餐。
2.医疗卫生方面。为60岁以上老年人免费体检，建设村卫生室20个。
3.交通出行方面。新改建农村公路150公里，新增公交线路5条。
以上民生实事，我们将定点定责、强化监督，确保办实办好。
"""


def test_a_counted_announcement_lists_the_numbered_paragraphs_after_it(tmp_path):
    service = service_of(tmp_path, "2036年云岭县政府工作报告.txt", REPORT)
    answer = service.ask("云岭县2036年的三方面民生实事包括哪些方面？")
    assert not answer.refused, answer.answer
    at = [answer.answer.find(area) for area in ("教育助学方面", "医疗卫生方面", "交通出行方面")]
    assert all(i >= 0 for i in at) and at == sorted(at), answer.answer
    assert "稳中求进" not in answer.answer.split("\n", 1)[1], answer.answer  # (not the three-word enumeration)


def test_a_paragraph_number_is_an_ordinal_and_a_decimal_is_none():
    from assistant.led_lists import ordinal_number

    assert ordinal_number("2.医疗卫生方面。") == 2 and ordinal_number("1.5万亿元用于民生。") == 0
