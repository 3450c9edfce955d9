"""Which figure answers, over a small report written for this test (not a dev or held-out
document): approximate figures (N多万人次), a period's yearly average against one year's figure,
a target said by 原定, and a level asked (达到多少) against a growth. Real ingest, e5 vectors,
the real scorer."""

from __future__ import annotations

import pytest

from tests.test_compose import service_of

REPORT = """2036年云岭县政府工作报告

一、过去一年和五年工作回顾

城镇新增就业年均1.3万多人。
高标准农田年均新建2万亩。
全县地区生产总值增长5.8%，一般公共预算收入增长4.1%，规模以上工业增加值增长7.2%，社会消费品零售总额增长5.5%，城镇新增就业1.1万人，居民人均可支配收入增长6%，异地就医直接结算惠及3200多万人次。
原定2035年新建乡村公路800公里，实际建成960多公里。
全县粮食产量比上年增长3.2%，达到45万吨。
全县贷款余额增长10.6%，低于12.5%左右的预期增长目标。
全县存款余额增长9%，高于8%左右的预期增长目标。

二、2036年工作安排

今年城镇新增就业1.2万人以上，新建乡村公路900公里。
今年全县地区生产总值增长6%左右，一般公共预算收入增长5%，居民消费价格涨幅3%左右，全县贷款余额增长11%左右，城乡居民收入增长与经济增长同步。
"""


@pytest.fixture(scope="module")
def yunling(tmp_path_factory: pytest.TempPathFactory):
    return service_of(tmp_path_factory.mktemp("yunling"), "2036年云岭县政府工作报告.txt", REPORT)


def test_an_approximate_figure_is_read_with_its_scale_and_unit():
    from common.textutils import find_figures

    found = [(f.text, f.value, f.unit) for f in find_figures("惠及3200多万人次，新建一百多个，投入20余亿元")]
    assert found == [("3200多万人次", 3.2e7, "万人次"), ("一百多个", 100.0, "个"), ("20余亿元", 2e9, "亿元")]


def test_an_approximate_figure_answers_a_question_in_its_unit(yunling):
    answer = yunling.ask("云岭县2035年异地就医直接结算惠及多少人次？")
    assert "3200多万人次" in answer.answer, answer.answer


def test_a_question_about_one_year_is_not_answered_by_a_periods_yearly_average(yunling):
    answer = yunling.ask("云岭县2036年政府工作报告说，上一年城镇新增就业多少人？")
    assert "1.1万人" in answer.answer and "1.3万多人" not in answer.answer, answer.answer
    # (the review speaks of the last year and of five: a yearly average over the five is no
    # figure of the last year, also when it is the only one)
    answer = yunling.ask("云岭县2035年新建高标准农田多少亩？")
    assert answer.refused and "2万亩" not in answer.answer, answer.answer


def test_what_was_originally_set_is_a_target(yunling):
    from assistant.question import understand

    assert understand("云岭县原定2035年新建乡村公路多少公里？").kind == "目标"
    assert understand("云岭县2036年城镇新增就业的年度任务定了多少？").kind == "目标"
    assert understand("云岭县完成了多少年度任务？").kind != "目标"
    answer = yunling.ask("云岭县原定2035年新建乡村公路多少公里？")
    assert "800公里" in answer.answer and "960" not in answer.answer, answer.answer


def test_a_level_asked_is_not_answered_by_a_growth(yunling):
    answer = yunling.ask("云岭县2035年粮食产量达到多少？")
    assert "45万吨" in answer.answer, answer.answer  # (its clause window quotes the growth before it)


def test_a_level_reached_is_said_by_a_change_word_with_to(tmp_path):
    """上升到a% (a change word with 到/至 right before the figure) says the level reached."""
    report = ("2036年青河县政府工作报告\n\n一、过去一年工作回顾\n\n全县粮食产量比上年增长3.2%，达到45万吨。\n"
              "加强生态保护与建设，全县森林覆盖率上升到61.5%。\n新建乡村公路960多公里。\n")
    answer = service_of(tmp_path, "2036年青河县政府工作报告.txt", report).ask("青河县2035年森林覆盖率达到了多少？")
    assert "61.5%" in answer.answer and not answer.refused, answer.answer


def test_a_target_said_to_be_met_is_a_result():
    from ingest.frames import RESULT, kind_of

    clause = "每千人医疗床位数8.1张、提前完成“十七五”规划目标。"
    assert kind_of(clause, clause, set(), 2036) == RESULT
    assert kind_of("超额完成年度绿化任务", "超额完成年度绿化任务", set(), 2036) == RESULT


def test_an_english_question_asks_what_it_does_not_set_aside():
    from assistant.question import english_kind

    assert english_kind("Did Yunling meet its target for hospital beds, and what was the figure?") == "实际"
    assert english_kind("How many trains did Yunling actually run in 2035, as opposed to the 2036 target?") == "实际"
    assert english_kind("By how much was energy use to be cut in 2036 (the target, not the actual decline)?") == "目标"
    assert english_kind("What growth target did Yunling set for 2036?") == "目标"
    # (set up: established, no target)
    assert english_kind("How many service centres were set up in Yunling over the past five years?") == "实际"


def test_an_english_question_asking_what_figure_asks_a_number():
    from assistant.question import understand

    assert understand("Yunling's grain output in 2035 reached what figure?").wants_number
    assert understand("Did Yunling meet its target, and what was the figure in 2035?").wants_number


def test_the_budgets_main_lines_are_indicators_of_their_own():
    """A question about defence spending is not answered by a figure of the deficit."""
    from assistant.figure_choice import asked_indicators, other_indicator
    from assistant.question import understand

    asked = asked_indicators(understand("2036年报告安排的当年国防支出预算是多少亿元？"))
    assert other_indicator(asked, "中央财政赤字拟安排比去年预算赤字减少")
    assert other_indicator(asked, "代地方发债")
    assert not other_indicator(asked_indicators(understand("2036年财政赤字是多少？")), "中央财政赤字拟安排")


def test_a_figure_said_to_be_a_targets_value_is_a_target_of_its_year(yunling):
    from ingest.frames import TARGET, kind_of

    assert kind_of("低于12.5%左右的预期目标", "全县贷款余额增长10.6%，低于12.5%左右的预期增长目标。", {2035}, 2036) == TARGET
    # the target a report sets is its own year's, not the past one its review quotes
    answer = yunling.ask("云岭县2036年政府工作报告设定的贷款余额预期增长目标是多少？")
    assert "11%左右" in answer.answer and "12.5%" not in answer.answer, answer.answer
    answer = yunling.ask("云岭县2036年政府工作报告设定的存款余额预期增长目标是多少？")
    assert answer.refused and "8%左右" not in answer.answer, answer.answer  # (only 2035's is quoted)
    answer = yunling.ask("云岭县2035年贷款余额的预期增长目标是多少？")
    assert "12.5%左右" in answer.answer, answer.answer


def test_dates_are_no_figures_and_a_figure_may_end_a_sentence():
    from ingest.frames import figures_of

    assert [f.text for f in figures_of("全县存款今年1到10月增加了9亿元，达到49亿元。")] == ["9亿元", "49亿元"]
    assert [f.text for f in figures_of("1—3季度增长5%")] == ["5%"]
    assert [f.text for f in figures_of("计划投资3到5亿元")] == ["3到5亿元"]


def test_an_important_thing_is_no_plan_and_a_level_is_no_increase():
    from assistant.figure_choice import figure_choice
    from assistant.question import understand
    from common.textutils import split_clauses
    from ingest.frames import RESULT, frame_sentence

    sentence = "全县储蓄存款今年1到10月增加了9亿元，达到49亿元，这是群众生活改善的一个重要标志。"
    frame = frame_sentence(sentence, (), 2036)
    assert frame.kind == RESULT and all(f.kind == RESULT for f in frame.figures)  # (重要 is no 要)
    q = understand("云岭县2036年1到10月储蓄存款达到了多少？")
    assert figure_choice(q, frame, split_clauses(sentence), 0)[0].text == "49亿元"


def test_a_plan_whose_year_nothing_states_may_be_the_next_years(tmp_path):
    """A report given at a year's end sets the next year's plan (计划草案拟定…): the year is only
    in the question's words."""
    report = ("1964年青河县政府工作报告\n\n二、国民经济计划\n\n"
              "计划草案拟定，工业总产值比一九六四年增长百分之十一左右。\n")
    service = service_of(tmp_path, "1964年青河县政府工作报告.txt", report)
    answer = service.ask("1964年青河县政府工作报告中，1965年计划草案拟定工业总产值比1964年增长多少？")
    assert "百分之十一" in answer.answer, answer.answer


def test_a_figure_whose_words_say_only_to_when_it_rose_measures_what_its_sentence_names(tmp_path):
    """全县粮食总产量，…共增加了a，即从N年的b，增加到了M年的c: c's own words (增加到了M年的) name
    nothing; it is the 粮食总产量 of year M."""
    report = ("2036年青河县政府工作报告\n\n一、过去五年工作回顾\n\n"
              "全县粮食总产量，在过去四年中共增加了19亿斤，即从2031年的35亿斤，增加到了2035年的54亿斤。\n"
              "新建乡村公路960多公里。\n")
    answer = service_of(tmp_path, "2036年青河县政府工作报告.txt", report).ask("青河县2036年报告中，2035年全县粮食总产量是多少？")
    assert "54亿斤" in answer.answer and "19亿斤" not in answer.answer, answer.answer
