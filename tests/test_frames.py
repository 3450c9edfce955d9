"""Sentence frames: the years a sentence speaks about and whether its figures are targets or
results, one model for answers and the figures table."""

from __future__ import annotations

from common.timeref import plan_periods
from ingest.frames import RESULT, TARGET, frame_sentence


def kinds(sentence: str, headings: tuple[str, ...], year: int) -> dict[str, str]:
    return {f.text: f.kind for f in frame_sentence(sentence, headings, year).figures}


def test_this_years_targets_and_last_years_results():
    assert kinds("今年发展的主要预期目标是：国内生产总值增长5%左右；城镇新增就业1200万人以上。", (), 2024) == {
        "5%": TARGET, "1200万人": TARGET}
    review = kinds("城镇新增就业1244万人，年末城镇调查失业率为5.2%。", ("一、2023年工作回顾",), 2024)
    assert review == {"1244万人": RESULT, "5.2%": RESULT}
    assert kinds("据初步核算，2023年，海城市地区生产总值同比增长6.7%。", (), 2024) == {"6.7%": RESULT}


def test_a_range_is_one_figure():
    frame = frame_sentence("国内生产总值增长6%－6.5%。", ("二、2019年经济社会发展总体要求和政策取向",), 2019)
    assert [(f.text, f.kind) for f in frame.figures] == [("6%－6.5%", TARGET)]


def test_chinese_numerals_are_figures_and_years_are_not():
    frame = frame_sentence("一九八四年全国农民人均纯收入达到三百五十五元，比上年增长百分之十四点七。", (), 1985)
    assert [f.text for f in frame.figures] == ["三百五十五元", "百分之十四点七"]
    assert frame.years == (1984,) and {f.kind for f in frame.figures} == {RESULT}
    # head of livestock is a unit of the genre (生猪存栏N万头), asked as 多少头
    frame = frame_sentence("一九八四年全县生猪存栏二十六万头，出栏三十一万头。", (), 1985)
    assert [f.text for f in frame.figures] == ["二十六万头", "三十一万头"]
    from assistant.question import asked_unit

    assert asked_unit("一九八四年全县生猪存栏多少头？", True) == "头"
    # so is the older reports' weight of crops (棉花产量N万担), asked as 多少担
    frame = frame_sentence("一九五二年全县粮食产量达到三亿斤，棉花产量达到二十六万担。", (), 1955)
    assert [f.text for f in frame.figures] == ["三亿斤", "二十六万担"]
    assert "棉花" in frame.figures[1].indicator
    assert asked_unit("一九五二年全县棉花产量多少万担？", True) == "万担"


def test_plan_periods_and_the_past_five_years():
    assert plan_periods("“十四五”时期") == [(2021, 2025)]
    assert plan_periods("第六个五年计划") == [(1981, 1985)]
    assert plan_periods("“七五”计划草案") == [(1986, 1990)]
    frame = frame_sentence("“七五”期间国民生产总值平均每年增长百分之七点五。", (), 1986)
    assert frame.years == (1986, 1987, 1988, 1989, 1990) and frame.figures[0].kind == TARGET
    assert frame_sentence("过去五年，经济总量跃上新台阶。", (), 2023).years == (2018, 2019, 2020, 2021, 2022)


def test_a_year_stated_first_scopes_the_clauses_after_it():
    # a time stated at the start of a sentence holds for its later clauses, also when a later
    # clause looks ahead (为明年…): the figures are last year's results
    sentence = "2023年，面对复杂严峻的外部环境，我们圆满完成全年任务，地区生产总值增长5.2%，城镇新增就业62万人，为明年发展奠定了基础。"
    frame = frame_sentence(sentence, ("一、2023年工作回顾",), 2024)
    assert [(f.text, f.years, f.kind) for f in frame.figures] == [("5.2%", (2023,), RESULT), ("62万人", (2023,), RESULT)]
    assert frame.kind == RESULT


def test_a_paragraph_that_opens_with_a_year_scopes_its_sentences():
    # a review of five years holds a paragraph about its last year: the paragraph's opening
    # time scopes its later sentences, before the section heading; the next paragraph is free
    from ingest.frames import paragraph_leads

    text = ("五年来，城镇新增就业6600万人以上。\n"
            "刚刚过去的2017年，主要目标任务全面完成。国内生产总值增长6.9%，城镇新增就业1351万人。\n"
            "财政收入增长7.4%。")
    sentences, pos = [], 0
    for piece in ("五年来，城镇新增就业6600万人以上。", "刚刚过去的2017年，主要目标任务全面完成。",
                  "国内生产总值增长6.9%，城镇新增就业1351万人。", "财政收入增长7.4%。"):
        start = text.index(piece, pos)
        sentences.append((start, start + len(piece), piece))
        pos = start + len(piece)
    leads = paragraph_leads(sentences, lambda a, b: text[a:b], 2018)
    assert leads == {sentences[2][0]: "刚刚过去的2017年"}
    heading = ("一、过去五年工作回顾",)
    assert frame_sentence(sentences[2][2], (*heading, leads[sentences[2][0]]), 2018).years == (2017,)
    assert frame_sentence(sentences[3][2], heading, 2018).years == (2013, 2014, 2015, 2016, 2017)


def test_a_verb_that_links_an_indicator_to_its_value_is_not_part_of_it():
    indicators = [f.indicator for f in frame_sentence("粮食总产稳定在1100亿斤以上，居民消费价格涨幅控制在3%左右。", (), 2025).figures]
    assert indicators == ["粮食总产", "居民消费价格涨幅"]


def test_a_base_year_is_not_the_year_spoken_about():
    """在2020年基础上降低13.5% is a target measured from a base year, like 比上年增长."""
    frame = frame_sentence("单位国内生产总值能耗在2020年基础上降低13.5%。", (), 2021)
    assert 2020 not in frame.years and frame.figures[0].kind != RESULT
    frame = frame_sentence("全国粮食总产量应该有七千二百亿斤，还要在一九五九年粮食总产量的基础上再增加一千八百亿斤。", (), 1960)
    assert 1959 not in frame.years and frame.figures[0].kind == TARGET
    # the prices' base year (按X年不变价格计算) is no year spoken about either
    frame = frame_sentence("二〇三一年全县工业总产值预计达到八十亿元（按二〇二〇年不变价格计算），超过年度计划百分之三。", (), 2032)
    assert [f.years for f in frame.figures] == [(2031,), (2031,)], frame.figures
    # nor the start of a record's span (为X年以来最高)
    frame = frame_sentence("全县农民收入增速为2019年以来最高，全年人均增加1260元。", (), 2032)
    assert 2019 not in frame.years, frame
    frame = frame_sentence("青河水质达到2015年以来同期最好水平，断面优良比例100%。", (), 2032)
    assert 2015 not in frame.years, frame
    # nor the base of a ratio (是X年的N倍)
    frame = frame_sentence("县财政安排助学资金3.6亿元，是2029年的1.8倍。", (), 2032)
    assert 2029 not in frame.years, frame


def test_the_second_figure_of_a_pair_measures_what_the_first_does():
    """A和B增长x和y: y is of the same kind as x, not of the sentence's first subject."""
    frame = frame_sentence("国内生产总值47.2万亿元，比上年增长9.2％；城镇居民和农村居民收入实际增长8.4％和11.4％。", (), 2012)
    indicators = {f.text: f.indicator for f in frame.figures}
    assert indicators["11.4％"] == indicators["8.4％"] != indicators["9.2％"]


def test_from_a_to_b_with_you_dates_each_figure():
    """由A增加到B over two years: A is of the earlier year, B of the later (as with 从…到)."""
    frame = frame_sentence("一九八二年同一九七八年相比，社会商品零售总额由一千五百五十九亿元增加到二千五百七十亿元。", (), 1983)
    assert [f.years for f in frame.figures] == [(1978,), (1982,)]


def test_a_clause_of_adverbs_and_verb_measures_what_the_clause_before_it_names():
    """…，同我县有贸易往来的国家和地区，已经达到N个: the figure's own clause names nothing
    (已经达到); it measures the clause before it, which holds no figure."""
    frame = frame_sentence("现在，同我县结对的城市已经增加到五个，同我县有贸易往来的国家和地区，已经达到三十多个。", (), 2036)
    assert [f.text for f in frame.figures] == ["五个", "三十多个"]
    assert "贸易往来的国家和地区" in frame.figures[1].indicator
    assert "贸易" not in frame.figures[0].indicator
