"""Question analysis is deterministic: Python's per-process string hashing must not decide
which of two overlapping glossary phrases becomes the question's term."""

import json
import os
import subprocess
import sys
from pathlib import Path

from assistant.glossary import glossary_phrases

ROOT = Path(__file__).resolve().parent.parent


def test_overlapping_glossary_phrases_of_one_length_the_first_in_the_text_wins():
    # 地区生产总值 and 生产总值增长 are both glossary phrases of six characters that overlap.
    assert glossary_phrases("鞍山市地区生产总值增长多少") == ["地区生产总值"]
    assert glossary_phrases("生产总值增长和地区生产总值") == ["生产总值增长", "地区生产总值"]


def test_question_terms_do_not_depend_on_the_hash_seed():
    code = (
        "import json; from assistant.question import understand;"
        "qa = understand('鞍山市2023年地区生产总值增长多少？');"
        "print(json.dumps([[t.text, list(t.alternatives)] for t in qa.terms] + [list(qa.bm25_tokens)]))"
    )
    outputs = set()
    for seed in ("1", "3", "11", "27"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                              text=True, check=True)
        outputs.add(done.stdout.strip().splitlines()[-1])
    assert len(outputs) == 1, outputs
    assert json.loads(outputs.pop())[0][0] == "地区生产总值"


def test_english_words_without_a_gloss_count_against_coverage_unless_they_are_names():
    from assistant.question import Vocabulary, understand

    known = ("村", "建设", "新建", "建成")
    qa = understand("How many quantum villages will Haicheng build?",
                    Vocabulary(df=lambda token: 1 if token in known else 0, n_chunks=10, words=lambda: {}))
    weights = {t.text: t.weight for t in qa.terms}
    # a name says nothing either way: no term, or one of weight 0 (when the catalogue does not
    # know the region)
    assert weights.get("Haicheng", 0.0) == 0.0
    assert weights["quantum"] >= max(w for t, w in weights.items() if t not in ("quantum", "Haicheng"))
    assert qa.unit == "个"  # "how many" asks for a count, not kilometres


def test_english_phrases_become_one_term_each_with_all_their_glosses():
    from assistant.question import understand

    qa = understand("How many kilometres of rural roads will be built?")
    build = next(t for t in qa.terms if "建成" in t.alternatives)
    assert {"建设", "新建", "建成"} <= set(build.alternatives)
    assert sum("建成" in t.alternatives for t in qa.terms) == 1
    # a plural in -ies is its singular's phrase (economies → economy: 生产总值 among its glosses)
    plural = understand("How fast did the economies of Jiangsu and Zhejiang grow in 2031?")
    assert any("生产总值" in t.alternatives for t in plural.terms)
    # words of how a total is asked (combined, altogether) are no terms; the genre's trade words are
    q = understand("What was the combined floor area of Qinghe's overseas warehouses in 2031?")
    alternatives = {a for t in q.terms for a in t.alternatives}
    assert {"海外仓", "面积"} <= alternatives and not alternatives & {"combined", "结合"}, q.terms
    # a phrase the glossary writes in the plural reads in the singular too (new job → new jobs)
    singular = understand("What was the new job creation target for 2031?")
    assert any("新增就业" in t.alternatives for t in singular.terms), singular.terms


def test_a_clarification_of_what_is_not_asked_names_no_year_asked():
    from assistant.question import understand

    q = understand("2031年政府工作报告提出的算力规模目标是多少？（问的是2031年目标，不是2030年已达到的规模）")
    assert q.years == frozenset() and q.report_years == frozenset({2031})
    q = understand("By how much was energy use per unit of GDP to be cut in 2031 (the target, not the decline achieved in 2030)?")
    assert 2030 not in q.years
    # a clarification after the question mark says which figure is asked, target or result
    q = understand("2031年青河县政府工作报告预计当年全县粮食产量会有多少万吨？（问的是当年的计划数，不是上一年的实际产量）")
    assert q.kind == "目标", q.kind
    # (one of how to answer says nothing of it)
    assert not understand("2031年青河县政府工作报告里全县粮食产量会有多少万吨？（请按报告原文的要求回答）").kind
    # outside a clarification, 是不是 asks: nothing is dropped
    assert "3%" in understand("2031年赤字率是不是3%？").text


def test_a_unit_asked_at_a_scale_takes_that_unit_at_any_scale():
    from assistant.figure_choice import unit_compatible
    from assistant.question import AMOUNT_UNIT

    assert unit_compatible("万亩", "万亩") and unit_compatible("亩", "万亩") and unit_compatible("万千瓦", "万千瓦")
    assert not unit_compatible("%", "万亩")
    # an amount (…规模是多少) is answered by any unit but a rate
    assert unit_compatible("万亿元", AMOUNT_UNIT) and not unit_compatible("%", AMOUNT_UNIT)


def test_english_past_tense_of_what_a_report_said_asks_no_result():
    from assistant.question import RESULT, understand

    said = understand("By how much did China's 2031 government work report raise the pension subsidy?")
    assert said.kind != RESULT and said.report_years == frozenset({2031})
    happened = understand("How fast did Hunan's economy grow in 2030, according to its 2031 government work report?")
    assert happened.kind == RESULT
    assert understand("How many person-times of skills training does Henan plan in 2031?").unit == "人次"


def test_a_count_asked_in_english_takes_the_noun_counted_and_any_measure_word():
    """how many <noun>: the noun right after it names the unit (hours, households); a plain
    count accepts any one-character measure word or a bare scale, never money or a rate."""
    from assistant.figure_choice import unit_compatible
    from assistant.question import understand

    assert understand("To how many hours was the visa-free transit stay extended?").unit == "小时"
    q = understand("How many old residential compounds and urban-village households will Sichuan renovate?")
    assert q.unit == "个"
    assert unit_compatible("列", "个") and unit_compatible("万", "个") and unit_compatible("户", "个")
    assert not unit_compatible("亿元", "个") and not unit_compatible("%", "个") and not unit_compatible("万吨", "个")
    assert unit_compatible("万", "人") and not unit_compatible("万吨", "人")


def test_one_indicator_measured_another_way_does_not_answer():
    """调查失业率 is not answered by 登记失业率, nor R&D intensity by R&D growth; a question
    naming neither side, or a figure naming both, is no mismatch."""
    from assistant.glossary import other_measure

    assert other_measure("2031年城镇调查失业率目标是多少", "城镇登记失业率")
    assert other_measure("研发投入强度达到多少", "研发经费投入增长")
    assert not other_measure("失业率目标是多少", "城镇登记失业率")
    assert not other_measure("研发投入强度达到多少", "研发经费投入强度")
    assert not other_measure("农村居民收入增长多少", "城镇、农村居民人均可支配收入")
    # trade: imports, exports and the total (进出口, whose 出口 is no export) answer one another not
    assert other_measure("青河县2031年进口额是多少", "货物贸易出口")
    assert other_measure("青河县进出口总额是多少", "出口")
    assert not other_measure("青河县进出口总额是多少", "外贸进出口总额")
    assert not other_measure("青河县出口增长多少", "机电产品出口")


def test_this_years_report_names_the_report_not_the_year_asked():
    """浙江今年的政府工作报告说，去年…: the year asked is 去年 (the report's year before)."""
    from assistant.question import understand

    assert understand("浙江今年的政府工作报告说，去年低保标准提高到多少？").relative_year == -1
    assert understand("浙江今年的低保标准提高到多少？").relative_year == 0


def test_places_that_are_context_or_topic_do_not_scope_the_question():
    """A long message's places are those of the part that asks; the national report named
    explicitly is the national report, a place in the question is what it speaks about."""
    from assistant.question import understand

    q = understand("您好，我在浙江温州开厂好多年了，订单波动大。最近听说浙江省2031年政府工作报告讲了民营经济，具体有哪些举措？")
    assert [p.name for p in q.places] == ["浙江省"]
    q = understand("2031年国务院政府工作报告对海南自由贸易港建设有什么部署？")
    assert q.places == () or list(q.places) == []
    assert any(t.text == "海南" for t in q.terms)


def test_money_per_month_answers_how_much_money_and_a_growth_in_times_a_rate():
    from assistant.figure_choice import unit_compatible
    from assistant.question import asked_unit

    assert asked_unit("每个月最少能领多少钱？", True) == "元"
    assert unit_compatible("元/月", "元") and not unit_compatible("万吨", "元")
    assert unit_compatible("倍", "%")


def test_a_main_indicator_named_as_a_denominator_is_not_what_is_measured():
    from assistant.glossary import indicator_groups

    assert indicator_groups("单位地区生产总值能耗下降") == indicator_groups("能耗")
    assert indicator_groups("研发经费投入占地区生产总值比重") == indicator_groups("研发")
    assert indicator_groups("地区生产总值增长5%") == indicator_groups("生产总值")


def test_an_indicator_is_read_by_its_longest_name():
    """工农业总产值 is the combined indicator, not also its part 农业总产值 (a substring of it)."""
    from assistant.glossary import indicator_groups

    combined, farm, industry = (indicator_groups(t) for t in ("工农业总产值", "农业总产值", "工业总产值"))
    assert len(combined) == len(farm) == len(industry) == 1
    assert not combined & farm and not farm & industry and not combined & industry
    assert indicator_groups("农业总产值比上年增长百分之五") == farm


def test_english_commitments_ask_targets_and_what_was_to_be_done_asks_no_result():
    from assistant.question import understand
    from ingest.frames import TARGET

    assert understand("What average PM2.5 concentration did Liaoning commit to stay below in 2031?").kind == TARGET
    assert understand("How was the cost of caring for infants under age 3 to be treated for income tax purposes?").kind == ""
    # a five-year plan named as a period asks no plan: planned in one report, reviewed in another
    assert understand("How long were Qinghe's expressways at the end of the 15th Five-Year Plan period?").kind == ""
    assert understand("What did Qinghe plan for its expressways in 2031?").kind == TARGET


def test_an_english_question_quoting_chinese_words_keeps_them_as_terms():
    from assistant.question import understand

    q = understand("What five elements make up the '五良' integration in Sichuan's 2031 report?")
    assert q.is_english and "五良" in [t.text for t in q.terms]


def test_a_ratio_to_gdp_measures_its_numerator_and_from_to_asks_levels():
    from assistant.question import AMOUNT_UNIT, asked_unit, named_report_years, understand

    q = understand("What deficit-to-GDP ratio does the 2031 national report plan for the year?")
    assert any("赤字率" in t.alternatives for t in q.terms)
    assert not any("生产总值" in t.alternatives for t in q.terms)
    # 从多少…到多少 asks the levels reached, not the rate of the change; 达到多少 alone names none
    assert asked_unit("国内生产总值从多少增加到了多少？", True) == AMOUNT_UNIT
    assert asked_unit("研发投入强度要达到多少？", True) == ""
    assert named_report_years("2031年报告里，2030年实际是多少") == frozenset({2031})
    # a value asked, then its growth: the value's unit (an amount), the growth is quoted beside it
    q = understand("What was the total value of Qinghe County's retail sales in 2030, and how fast did it grow?")
    assert q.unit == AMOUNT_UNIT
    assert understand("How fast did Qinghe County's retail sales grow in 2030?").unit == "%"
    assert understand("What was the industrial value added of Qinghe County in 2030?").unit != AMOUNT_UNIT
    # how many things of a money size: a count (the money qualifies them); how many yuan: money
    assert understand("How many of Qinghe's firms had sales of over 10 billion yuan in 2030?").unit == "个"
    assert understand("How many billion yuan did Qinghe invest in 2030?").unit == "亿元"


def test_of_a_sentences_figures_one_of_another_main_indicator_is_not_chosen():
    from assistant.figure_choice import asked_indicators, figure_choice
    from assistant.question import understand
    from common.textutils import split_clauses
    from ingest.frames import frame_sentence

    q = understand("How fast did Hunan's economy grow in 2031?")
    text = "去年实现三季度增长4.6%、高于全国0.2个百分点，全年增长4.8%，社会消费品零售总额增长5.4%，规模工业增加值增长7.3%。"
    frame = frame_sentence(text, (), 2032)
    chosen, _, _ = figure_choice(q, frame, split_clauses(text, 0), 0, asked_indicators(q))
    assert chosen is not None and chosen.text == "4.8%"  # (工业增加值 and 社零 are other indicators)


def test_what_is_done_and_what_two_things_are_asked():
    from assistant.planner import asks_measures, asks_two_things
    from assistant.question import understand

    # 怎么/如何 + a verb (jieba's part of speech), after an adverb if any: what is done
    assert asks_measures(understand("青河县2034年怎么保障粮食生产？"))
    assert asks_measures(understand("青河县2034年如何进一步推进医疗改革？"))
    assert asks_measures(understand("2034年报告对细颗粒物监测作了怎样的部署？"))
    assert asks_measures(understand("青河县2034年在推进通用机场建设方面有哪些安排？"))
    # how it is worded, or how much, is not
    assert not asks_measures(understand("青河县2034年政府工作报告对养老金怎么说？"))
    assert not asks_measures(understand("青河县2034年怎么增长了多少？"))
    # two things asked of one figure: its amount and its growth or rank
    assert asks_two_things(understand("青河县2034年进出口总额是多少？增长了多少？"))
    assert asks_two_things(understand("What was Qinghe's 2033 trade volume, and by how much did it rise?"))
    assert not asks_two_things(understand("青河县2034年进出口总额是多少？"))
    assert not asks_two_things(understand("What were Qinghe's 2033 imports and exports?"))


def test_a_place_inside_another_one_named_is_where_in_it_unless_each_is_asked():
    from assistant.planner import plan
    from assistant.question import understand

    nested = plan(understand("我老家在四川绵阳，2025年四川省政府工作报告里说去年新建了多少所学校？"))
    assert nested.kind == "single", nested
    each = plan(understand("江苏省和苏州市2025年的地区生产总值增长目标分别是多少？"))
    assert each.kind == "parts" and len(each.parts) == 2


def test_the_count_a_list_question_asks_for_is_no_term():
    from assistant.planner import plan
    from assistant.question import understand

    q = understand("青河县2034年要建设哪四个中心？")
    assert not any("四" in t.text for t in q.terms), q.terms
    assert plan(q).count == 4  # the planner still reads the count


def test_a_new_one_of_a_word_of_asking_is_no_term():
    from assistant.question import chinese_terms

    assert chinese_terms("青河县今年在农业保险方面有什么新举措？") == chinese_terms("青河县今年在农业保险方面有什么举措？")
    assert "新举措" not in chinese_terms("青河县今年在农业保险方面有什么新举措？")
    assert "新能源" in chinese_terms("青河县今年新能源汽车有什么新要求？")  # (新 of a word's own)


def test_a_citizens_words_reach_the_reports_terms():
    from assistant.question import understand

    for asked, official in (("青河县怎么对付打电话的骗子？", "电信网络诈骗"), ("青河县老板拖欠工资怎么办？", "欠薪"),
                            ("青河县刚出生的宝宝能免费检查吗？", "新生儿"), ("青河县上幼儿园能不花钱吗？", "免费")):
        rendered = {a for t in understand(asked).terms for a in t.alternatives}
        assert official in rendered, (asked, rendered)


def test_a_long_message_asks_about_the_years_of_its_asking_part():
    """The years a message names before its question are context, as its places are."""
    from assistant.question import understand

    q = understand("云岭县2036年政府工作报告既说了2035年的粮食产量，也提出了2036年的目标。请问2036年粮食产量的预期目标是多少？")
    assert 2035 not in q.years, q.years
    # (a message whose asking part names no year keeps the years named before it)
    assert 2035 in understand("我在看云岭县2035年的情况，想问一下：那年的粮食产量是多少？").years


def test_a_place_word_and_a_modal_that_jieba_joins_are_no_term():
    from assistant.question import chinese_terms

    terms = chinese_terms("青河县在水土流失问题上要采取什么措施？")
    assert "上要" not in terms and "水土流失" in terms, terms


def test_a_two_character_glossary_word_the_word_cutter_cuts_across_is_a_term():
    from assistant.question import chinese_terms

    # jieba cuts 抵个税 as 抵个 / 税: the glossary's 个税 (个人所得税) is the term all the same
    assert "个税" in chinese_terms("青河县请保姆的钱可以抵个税不？")
    assert "抵个" not in chinese_terms("青河县请保姆的钱可以抵个税不？")
    # (inside a longer word it is that word's: 增加值 keeps 增加 to itself)
    assert "增加" not in chinese_terms("青河县工业增加值是多少？")


def test_a_typo_is_one_character_off_in_its_usual_reading():
    from assistant.question import Vocabulary

    words = {"规上": 40, "财政": 40}
    vocabulary = Vocabulary(lambda w: 0, 100, lambda: words)
    assert vocabulary.correction("财正") == "财政"  # (zheng: a pinyin typist's slip)
    # 娃 reads gui only rarely: 娃上 (a cut of 娃 上小学) is no typo of 规上
    assert vocabulary.correction("娃上") is None


def test_reports_asked_of_a_year_each_ask_the_year_named_in_their_order():
    """A年、B年和C年的报告…分别是a年、b年和c年的数字: each report part asks its own year; years that
    do not pair (more of them, or one after its report) leave the parts as they are."""
    from assistant.planner import plan
    from assistant.question import understand

    p = plan(understand("从2035年、2036年和2038年青河县政府工作报告看，全县棉花产量（分别是2032年、2035年和2037年的数字）是怎样变化的？"))
    assert [(pt.label, set(pt.question.years)) for pt in p.parts] == [
        ("2035年", {2032}), ("2036年", {2035}), ("2038年", {2037})]
    p = plan(understand("2035年和2036年青河县政府工作报告分别给出的2036年、2037年棉花产量是多少？"))
    assert all(2037 not in pt.question.years for pt in p.parts), p.parts


def test_a_year_named_only_as_the_base_of_a_comparison_is_no_year_asked():
    """2036年报告说，2036年…比2035年增长N以上: the report's year, and 2035 only as the base of
    the comparison (the sentence that answers names it too): no year the answer must speak of.
    Two years compared without a report (2036年…比2035年高还是低) are both asked."""
    from assistant.question import understand

    assert understand("2036年青河县政府工作报告说，二〇三六年哪些产品的产量比二〇三五年增长百分之二十以上？").years == frozenset()
    assert understand("青河县2036年粮食产量比2035年高还是低？").years == frozenset({2035, 2036})
    assert understand("2036年青河县政府工作报告中，2035年粮食产量是多少？").years == frozenset({2035})


def test_years_asked_within_the_one_report_named_stay_in_that_report():
    """2036年报告中，2034年和2035年…分别…: each part asks a year of that report's figures, not the
    reports of those years; a span named as one period (the period from A to B, A年至B年期间)
    is one question, not a table of its years."""
    from assistant.planner import plan
    from assistant.question import understand

    p = plan(understand("2036年青河县政府工作报告中，2034年和2035年全县粮食产量分别是多少？"))
    assert [(set(pt.question.report_years), set(pt.question.years)) for pt in p.parts] == [
        ({2036}, {2034}), ({2036}, {2035})]
    # (a span of reports that holds the one named, 2034年至2036年历年…报告: each report)
    p = plan(understand("2034年至2036年历年青河县政府工作报告拟安排的专项债券规模各是多少？"))
    assert [set(pt.question.report_years) for pt in p.parts] == [{2034}, {2035}, {2036}]
    one = plan(understand("How much grain did Qinghe County harvest in the five years reviewed in its 2036 "
                          "government work report, and how does it compare with the period from 2001 to 2030?"))
    assert one.kind == "single", one
    assert plan(understand("青河县2001年至2030年期间粮食产量的变化是怎样的？")).kind == "single"
    assert plan(understand("青河县2031年至2035年粮食产量的变化是怎样的？")).kind == "table"


def test_a_year_named_only_as_the_base_of_a_comparison_is_no_part():
    """…2035年A、B和C的产量比2030年分别增长多少: 分别 is about the things compared; 2030 is the
    base, no part of its own (in English: compared with 2030)."""
    from assistant.planner import plan
    from assistant.question import understand
    from assistant.years_asked import base_years

    p = plan(understand("2036年青河县政府工作报告说，2035年粮食、棉花和油料的产量比2030年分别增长多少？"))
    assert p.parts and not any(pt.label.endswith("年") for pt in p.parts), p.parts  # by the things compared
    assert base_years("By how much did output grow in 2035 compared with 2030, and in 2036 compared with 2035?") == {2030}
    assert base_years("2034年和2035年青河县粮食产量分别是多少？") == set()
    # (both years are asked when the question asks for each year or which is higher)
    both = plan(understand("青河县2036年的专项债券比2035年多还是少？两年各拟安排多少？"))
    assert [pt.label for pt in both.parts] == ["2035年", "2036年"], both.parts


def test_what_the_reports_name_several_ways_is_one_term_by_each_name():
    """单位国内生产总值能耗, 单位地区生产总值能耗, 能耗强度, 能源消耗强度: one indicator (the reports
    write all of them), of the energy group, also in English (energy intensity); 减税降费 and
    税费减免 likewise."""
    from assistant.glossary import alternatives, indicator_groups
    from assistant.question import understand

    assert "能源消耗强度" in alternatives("单位地区生产总值能耗") and "能耗强度" in alternatives("单位国内生产总值能耗")
    assert indicator_groups("能源消耗强度要降低3%以上") == indicator_groups("单位地区生产总值能耗下降3%") != set()
    english = understand("By how much is Qinghe County's energy intensity to be cut in 2036?")
    assert any("单位地区生产总值能耗" in t.alternatives for t in english.terms), english.terms
    # (so are the cuts of taxes and fees)
    assert "税费减免" in alternatives("减税降费") and "减税降费" in alternatives("减免税费")


def test_a_figure_the_question_quotes_to_ask_another_is_no_answer():
    from assistant.evidence import quoted_figures
    from assistant.question import understand

    assert quoted_figures(understand("青河县报告说去年工业增长6.5%，那么服务业增长了多少？")) == {(6.5, "%")}
    assert quoted_figures(understand("青河县报告说去年工业增长6.5%吗？")) == set()  # (it checks that one)
    assert quoted_figures(understand("青河县2031年工业增长目标是多少？")) == set()


def test_a_quoted_figure_is_not_chosen_from_a_sentence_that_gives_the_one_asked_beside_it():
    """从2万元提高到多少: the sentence gives both; the one the question quotes is not the answer."""
    from assistant.evidence import quoted_figures
    from assistant.figure_choice import figure_choice
    from assistant.question import understand
    from common.textutils import split_clauses
    from ingest.frames import frame_sentence

    text = "青河县小微企业补贴标准从每户2万元提高到3万元。"
    q = understand("青河县小微企业补贴标准从每户2万元提高到多少？")
    figure, _, _ = figure_choice(q, frame_sentence(text, (), 2036), split_clauses(text, 0), 0, quoted=quoted_figures(q))
    assert figure is not None and figure.text == "3万元"
