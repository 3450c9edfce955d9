"""Outlines (heading trees) and enumerations, kept at ingest; multi-part question plans."""

from __future__ import annotations

from pathlib import Path

from ingest.cleaning import clean_text
from ingest.loaders import load_path
from ingest.outline import build_outline, enumerations
from tests.conftest import SHARED

NATIONAL_2025 = SHARED / "corpora" / "national-work-reports" / "2025年中华人民共和国国务院政府工作报告.txt"


def test_numbered_paragraphs_are_children_of_their_part():
    loaded = next(iter(load_path(NATIONAL_2025)))
    clean = clean_text(loaded.text, fallback_title=Path(loaded.name).stem)
    nodes = build_outline(clean)
    tasks = next(n for n in nodes if n.title == "2025年政府工作任务")
    assert tasks.number == "三、" and tasks.level == 1 and tasks.parent is None
    kids = [n for n in nodes if n.parent == tasks.id and n.kind == "numbered"]
    assert [k.number for k in kids] == [f"（{c}）" for c in "一二三四五六七八九十"]
    assert kids[0].title.startswith("大力提振消费")
    for node in nodes:  # spans nest: a child lies inside its parent
        if node.parent is not None:
            parent = nodes[node.parent]
            assert parent.start <= node.start and node.end <= parent.end
        assert clean.text[node.title_start:].startswith(node.number + node.title[:4]) or node.kind == "lead"


def test_enumerations_inside_sentences():
    assert enumerations("推进良田、良种、良机、良法、良制“五良”融合，建设高标准农田。") == [["良田", "良种", "良机", "良法", "良制"]]
    assert enumerations("积极打造生物制造、商业航天、低空经济等新增长引擎。") == [["生物制造", "商业航天", "低空经济"]]
    assert enumerations("一是稳增长，扩内需；二是促改革，增活力；三是惠民生。")[0] == ["稳增长", "促改革", "惠民生"]
    assert enumerations("实施一批交通、能源、水利等重大工程项目。") == [["交通", "能源", "水利"]]
    assert enumerations("推进两新一重、城市更新、乡村振兴等工作。")[0][0] == "两新一重"
    assert enumerations("加强监管、优化服务。") == []  # two items without a name: a pair, not a list
    # the verbs before the first item go, but never below the length of every other item
    assert enumerations("培育壮大首发经济、银发经济、会展经济等新增长点。") == [["首发经济", "银发经济", "会展经济"]]
    # every item opens with a verb: the verb is part of each, the clause's modal is not
    assert enumerations("要调整医疗卫生资源、加大政府投入、加强人才培养。") == [["调整医疗卫生资源", "加大政府投入", "加强人才培养"]]
    # every item a 的-phrase: the 的 is part of each, not the list's noun
    assert enumerations("具有显著的制度优势、超大规模市场的需求优势、劳动者众多的人才优势。")[0][-1] == "劳动者众多的人才优势"
    # a quoted name before the items is not the first item (实施“X”支持发展A、B、C)
    assert enumerations("实施“一业一策”支持发展生物医药、高端装备、新材料等产业。") == [["生物医药", "高端装备", "新材料"]]
    # a count and a noun after the last item name the list (A、B、C三大工程)
    assert enumerations("实施养老服务强化、优质供给扩容、健康产业培育三大工程。") == [["养老服务强化", "优质供给扩容", "健康产业培育"]]


def test_plans_of_multi_part_questions():
    from assistant.planner import plan
    from assistant.question import understand

    p = plan(understand("湖南和陕西2025年的城镇新增就业目标分别是多少？"))
    assert p.kind == "parts" and [part.label for part in p.parts] == ["湖南省", "陕西省"]
    p = plan(understand("2022年至2024年历年政府工作报告拟安排的地方政府专项债券规模各是多少？"))
    assert p.kind == "table" and [part.label for part in p.parts] == ["2022年", "2023年", "2024年"]
    assert all(len(part.question.report_years) == 1 for part in p.parts)
    p = plan(understand("2013年的居民消费价格涨幅目标比2012年高还是低？"))
    assert p.kind == "parts" and p.compare
    p = plan(understand("2025年政府工作报告部署的政府工作任务分为哪几个方面？"))
    assert p.kind == "list" and not p.question.wants_number
    assert plan(understand("四川省政府工作报告里说的“五良”融合具体指哪五个“良”？")).count == 5
    assert plan(understand("2024年政府工作的总体要求是什么？")).kind == "summary"
    assert plan(understand("2031年政府工作总的要求是啥？")).kind == "summary"  # everyday wording
    # a section written as prose, asked as a list, is summarised (its items are its sentences)
    assert plan(understand("河北2025年经济社会发展定了哪些主要预期目标？")).kind == "summary"
    # a section with parts (主要任务), asked as a list, lists its parts; asked what it is, summarised
    assert plan(understand("2031年政府工作报告部署的主要任务包括哪些方面？")).kind == "list"
    assert plan(understand("2031年政府工作的主要任务是什么？")).kind == "summary"
    # a summary asked in so many words, of a passage no summary term names
    assert plan(understand("请概括2031年报告中“民生福祉得到新提升”的主要内容。")).kind == "summary"
    assert plan(understand("Summarize what the 2031 report says about rural reform.")).kind == "summary"
    assert plan(understand("请概括2031年报告提出的城镇新增就业目标是多少？")).kind == "single"  # a figure asked
    # English counts (number words or digits before the parts counted)
    assert plan(understand("What are the nine areas of work the 2031 report focuses on?")).count == 9
    assert plan(understand("Which 3 main tasks did the 2031 report set?")).count == 3
    assert plan(understand("2024年财政赤字率是多少？")).kind == "single"
    # 几 naming the items of a list question asks for no figure
    assert plan(understand("2031年政府工作报告对今年要抓好的几件大事提出了哪些建议？")).kind == "list"
    # two indicators asked together: one part each, a rate in percent, an amount not
    from assistant.question import AMOUNT_UNIT

    p = plan(understand("2031年赤字率和赤字规模分别是多少？"))
    assert p.kind == "parts" and [(part.label, part.question.unit) for part in p.parts] == [
        ("赤字率", "%"), ("赤字规模", AMOUNT_UNIT)]
    assert "赤字规模" not in p.parts[0].question.text
    assert plan(understand("1954年至2025年历年国内生产总值增长目标是多少？")).capped > 0
    # the count of a whole that the question picks one part of is no count of the items asked
    assert plan(understand("2031年报告的十方面实事中，“教育方面”包括哪几项？")).count == 0
    # a number inside a quoted name is no count of the items asked (“一点两地”)
    assert plan(understand("2031年报告围绕“一点两地”全新定位部署了哪几项任务？")).count == 0
    # a stated number of things asked what they are is a list
    p = plan(understand("2031年卫生工作重点抓好的四件事是什么？"))
    assert (p.kind, p.count) == ("list", 4)
    # English: a plural noun after which / what asks for a list; a singular one does not
    assert plan(understand("Which distinctive local resources does Gansu's 2031 report name?")).kind == "list"
    assert plan(understand("What target did Gansu's 2031 report set for grain output?")).kind == "single"
    assert plan(understand("What are the main expected development targets in Jiangsu's 2031 report?")).kind == "summary"
    # a plural after which / what and a phrase with for; the State Council's report of a year
    p = plan(understand("What four priorities for health care reform did the 2031 State Council government work report set out?"))
    assert (p.kind, p.count, p.question.report_years) == ("list", 4, frozenset({2031}))
    # years listed before 这三年 are each a year; a comparison of an indicator asks figures
    p = plan(understand("2031、2032、2033这三年的政府工作报告，国内生产总值增长目标分别定为多少？"))
    assert p.kind == "table" and [part.label for part in p.parts] == ["2031年", "2032年", "2033年"]
    assert all("三年" not in [t.text for t in part.question.terms] for part in p.parts)
    p = plan(understand("2031年和2032年国务院政府工作报告设定的国内生产总值增长目标有什么不同？"))
    assert p.kind == "parts" and p.compare and all(part.question.wants_number for part in p.parts)
    # a span whose years are asked one by one (每年…怎样变化), not a yearly average (平均每年)
    assert plan(understand("从2031年到2033年的政府工作报告看，每年安排的赤字率是怎样变化的？")).kind == "table"
    assert plan(understand("2031年至2033年国民收入平均每年增长多少？")).kind == "single"
    # how many places are asked (两省) is no term of a part
    p = plan(understand("湖北和湖南两省2031年经济增长目标分别定在多少？"))
    assert all("两省" not in [t.text for t in part.question.terms] for part in p.parts)
    # how something is done (怎样深入推进X) asks measures
    from assistant.planner import asks_measures

    assert asks_measures(understand("2031年政府工作报告提出怎样深入推进数字经济创新发展？"))
    assert not asks_measures(understand("2031年数字经济核心产业增加值增长多少？"))
    # two reports named in English are one part each
    p = plan(understand("How did the quota of special-purpose bonds change between the 2031 and 2032 national "
                        "government work reports?"))
    assert p.kind == "parts" and [part.label for part in p.parts] == ["2031", "2032"]


def test_parallel_clauses_opening_with_one_word_are_an_enumeration():
    # 坚持A，…；坚持B，…；坚持C，…: the opening clauses, after a lead that ends in a colon or comma
    assert enumerations("需要把握以下原则：坚持稳中求进，促进平稳发展；坚持改革开放，推进制度创新；坚持以人为本，改善民生。") == [
        ["坚持稳中求进", "坚持改革开放", "坚持以人为本"]]
    assert enumerations("在国际事务中，坚持民主公正，推进合作；坚持和睦互信，维护安全；坚持平等互利，促进繁荣。")[0][0] == "坚持民主公正"
    # parts that do not all open with that word are no enumeration
    assert enumerations("粮食产量1.4万亿斤；棉花产量500万吨；油料产量3000万吨。") == []
    # a count of aspects after the last item names the list (…和D四个方面统筹发力)
    assert enumerations("从创新政策、创新平台、创新氛围和创新服务四个方面统筹发力。") == [
        ["创新政策", "创新平台", "创新氛围", "创新服务"]]


def test_a_target_and_a_result_asked_in_one_message_are_two_parts():
    from assistant.planner import plan
    from assistant.question import understand
    from ingest.frames import RESULT, TARGET

    p = plan(understand("2031年政府工作报告中，当年城镇新增就业目标是多少？上一年实际新增了多少？"))
    assert p.kind == "parts"
    assert [(part.label, part.question.kind, part.question.relative_year) for part in p.parts] == [
        ("2031年目标", TARGET, 0), ("2030年实际", RESULT, -1)]
    # a clause that names no year keeps none (not the other clause's)
    p = plan(understand("2031年报告中，城镇新增就业的年度目标是多少？上一年实际城镇新增就业多少人？"))
    assert [part.question.relative_year for part in p.parts] == [None, -1]
    # one ask is one question
    assert plan(understand("2031年城镇新增就业目标是多少？")).kind == "single"
    # how much something grew between two years is one change, not a figure per year
    assert plan(understand("According to the 2035 report, by how much did crude oil output grow between 2021 and "
                           "2031?")).kind == "single"


def test_a_quoted_name_with_one_count_then_a_colon_names_that_many_clauses():
    assert enumerations("要严格执行“约法三章”：楼堂馆所一律不得新建，供养人员只减不增，“三公”经费只减不增。") == [
        ["楼堂馆所一律不得新建", "供养人员只减不增", "“三公”经费只减不增"]]
    # a name with several numerals (三去一降一补) counts no clauses
    assert enumerations("推进“三去一降一补”：去产能，去库存，去杠杆，降成本，补短板。") == []
    # an enumeration A、B和C has three items
    assert enumerations("健全社会保障、养老服务和健康支撑三大体系。") == [["社会保障", "养老服务", "健康支撑"]]


def test_list_is_asked_by_a_request_and_measures_by_policies_or_handling():
    from assistant.planner import asks_measures, plan
    from assistant.question import understand

    assert plan(understand("What AED coverage target did Zhejiang set in its 2031 list of livelihood projects?")).kind == "single"
    assert plan(understand("List the main tasks of the 2031 report.")).kind == "list"
    assert asks_measures(understand("2031年的报告在治水上定了什么方针？"))
    assert asks_measures(understand("陕西今年打算怎么处理拖欠工资的问题？"))
    # a list question's 几 counts its items: the sentences listing them need hold no figure
    p = plan(understand("陕西省2031年政府工作报告里提出要加快发展的几种“经济”都有啥？"))
    assert p.kind == "list" and not p.question.wants_number


def test_quotes_inside_an_item_stay_and_a_count_name_after_the_items_goes():
    assert enumerations("积极培育智能家居、文娱旅游、国货“潮品”等新的消费增长点。")[0][-1] == "国货“潮品”"
    assert enumerations("提供医养结合服务、“四好农村路”建设、心理健康服务等。")[0][1] == "“四好农村路”建设"
    assert enumerations("推进良田、良种、良机“三良”融合。") == [["良田", "良种", "良机"]]
    # namely (即A、B和C): 即 is no part of the first item
    assert enumerations("要集中力量发展重工业，即冶金工业、燃料工业和化学工业，才能保证工业的发展。")[0][0] == "冶金工业"
    # (the count's noun may run to six characters: 三类重点村庄布局)
    assert enumerations("分为集聚提升、城郊融合和特色保护三类重点村庄布局。")[0][-1] == "特色保护"


def test_a_points_number_is_no_item_and_a_verb_before_the_first_item_only_is_the_clauses():
    # 四、A，… opens a numbered point: 四 is not the first item of an enumeration
    assert enumerations("四、所有确定进行建设的项目，一律实行“五定”，") == []
    # a verb that only the first item has is the clause's (加快补齐A、B、C → A)
    assert enumerations("加快补齐儿科、老年医学、精神卫生、医疗护理等服务短板。")[0] == ["儿科", "老年医学", "精神卫生", "医疗护理"]
    # every item opening with a verb keeps it (调整A、加大B、加强C)
    assert enumerations("调整结构、加大投入、加强监管。")[0][0] == "调整结构"
    # once the clause's verb is off, a verbal noun is the first item's own (移动医疗, not 医疗)
    assert enumerations("支持移动医疗、远程教育、智慧养老等服务进村入户。")[0] == ["移动医疗", "远程教育", "智慧养老"]


def test_a_clause_naming_the_report_year_as_the_year_asked_keeps_it_and_ordinals_count_nothing():
    from assistant.list_counts import count_in
    from assistant.planner import plan
    from assistant.question import understand

    p = plan(understand("2031年报告里，2030年城镇新增就业实际是多少，2031年目标定的多少？"))
    assert [(part.label, sorted(part.question.years)) for part in p.parts] == [("2030年实际", [2030]), ("2031年目标", [2031])]
    # 第三部分 numbers a part, 哪十个 counts the items asked; 哪几块 asks a list
    assert count_in("第三部分“2031年政府工作任务”共分为哪十个方面？") == 10
    assert plan(understand("山东2031年在民生上具体分成哪几块工作？")).kind == "list"


def test_a_conjunction_inside_a_word_splits_no_item():
    # 可感可及的N件实事: 及 is part of a word there (an item never starts with 的)
    assert enumerations("今年，将继续办好群众普遍需求、可感可及的10件实事。") == []
    # 甲与乙的X: a 与 after one character joins a word's halves (an item is never one character)
    items = enumerations("打造宜居、韧性、智慧、山与城和谐相融的现代化城市。")[0]
    assert "山" not in items and items[:3] == ["宜居", "韧性", "智慧"]


def test_a_list_is_named_by_a_noun_after_its_last_item_or_ending_it():
    from langchain_core.documents import Document

    from assistant.list_naming import names_list, term_there, terms_in_items
    from assistant.question import Term, understand

    asked = [Term("优势", ("优势",), 3.0), Term("筛查", ("筛查",), 3.0)]
    text = "我国具有显著的制度优势、超大规模市场的需求优势、高素质劳动者众多的人才优势，科技创新能力在提升。"
    assert names_list(asked, text, ["显著的制度优势", "超大规模市场的需求优势", "高素质劳动者众多的人才优势"]) == 2
    # a quoted label between 等 and the noun (A、B等“N+M”重点Y) still names the list
    chains = [Term("产业链", ("产业链",), 1.4)]
    assert names_list(chains, "突出抓好甲、乙、丙等“5+N”重点产业链，优化产业生态。", ["甲", "乙", "丙"]) == 2
    # of two enumerations named alike, the one whose items hold more of what is asked
    q = understand("新生儿免费筛查哪些病？")
    assert terms_in_items(q, ["新生儿免费提供A病", "B病"]) > terms_in_items(q, ["孕妇免费提供C病", "D病"])
    # a short word abbreviating a longer one (旅业 of 文化旅游业) is in a passage that has the longer
    assert term_there(Term("旅业", ("旅业",), 7.0), [Document(page_content="加快把文化旅游业培育成为支柱产业。")])
    assert not term_there(Term("旅业", ("旅业",), 7.0), [Document(page_content="加快发展现代服务业。")])
    assert term_there(Term("实现目标", ("实现目标",), 5.0), [Document(page_content="要实现上述目标，突出抓好三个方面。")])


def test_two_figures_asked_one_after_the_other_are_two_parts():
    from assistant.planner import plan
    from assistant.question import understand

    p = plan(understand("浙江2031年扩大有效投资工程安排多少个重大项目、完成多少年度投资？"))
    assert p.kind == "parts" and len(p.parts) == 2
    assert p.parts[0].question.unit == "个" and "年度投资" in p.parts[1].question.text
    assert "浙江2031年" in p.parts[1].question.text  # the words before the first ask are kept
    # a change asked without a subject of its own is the change of the first ask's whole subject
    p = plan(understand("青河县2031年社会消费品零售总额是多少，增长了多少？"))
    assert p.kind == "parts" and "零售总额增长了多少" in p.parts[1].question.text
    # two questions one after the other, each with its own thing asked: two parts, each whole
    p = plan(understand("青河县2034年报告说，全县新建了多少所学校？在校学生增加到多少人？"))
    assert p.kind == "parts" and p.parts[1].question.text == "青河县2034年报告说，在校学生增加到多少人？"
    # (each part is named by its own words in the order the question writes them)
    p = plan(understand("2034年报告说，青河县工业产值平均每年增长多少？国民生产总值平均每年增长多少？"))
    assert p.parts[1].label.startswith("国民生产总值"), p.parts[1].label
    # …unless the second opens on the first (its share, its part): one ask, quoted with its share
    assert plan(understand("青河县2034年报告说，全县粮食产量是多少？占全市的百分之几？")).kind == "single"
    # one figure asked from one level to another is one ask
    assert plan(understand("2031年国内生产总值从多少增加到了多少？")).kind == "single"


def test_how_something_moved_over_three_reports_asks_its_figure_in_each():
    from assistant.planner import plan
    from assistant.question import understand

    p = plan(understand("2031年、2032年和2033年青河县政府工作报告中，全县用于教育的支出是怎样变化的？"))
    assert p.kind == "table" and all(part.question.wants_number for part in p.parts)
    # two years compared in words only: no figure is asked of them
    p = plan(understand("2031年和2032年青河县政府工作报告对教育的表述有什么不同？"))
    assert not any(part.question.wants_number for part in p.parts)


def test_the_predicate_after_the_last_item_is_no_part_of_it():
    # 把A、B和C紧密地联系起来: the adverbial (…地) and the verbs after the last item are the clause's
    assert enumerations("把县城、集镇和村庄紧密地联系起来。") == [["县城", "集镇", "村庄"]]
    assert enumerations("把产业园区、物流枢纽、口岸平台有效地串联起来。")[0][-1] == "口岸平台"
    # a noun and a verb with no adverb or particle is an item of its own (乡村振兴)
    assert enumerations("统筹抓好城镇化、农业现代化和乡村振兴。")[0][-1] == "乡村振兴"


def test_two_figures_asked_in_english_one_after_the_other_are_two_questions():
    from assistant.english_asks import english_asks
    from assistant.planner import plan
    from assistant.question import understand

    text = ("According to Yunling's 2036 report, how many schools were rebuilt in 2035, "
            "and roughly how many were newly opened?")
    # the words before the first ask belong to both; the second, going straight on to its verb,
    # counts what the first named
    assert english_asks(text) == ["According to Yunling's 2036 report, how many schools were rebuilt in 2035?",
                                  "According to Yunling's 2036 report, how many schools were newly opened?"]
    # a source named after the asks belongs to both too
    assert english_asks("How much did Yunling spend on roads, and how much on bridges, according to its "
                        "2036 report?")[1] == "How much on bridges, according to its 2036 report?"
    assert english_asks("How much did Yunling invest in roads and bridges in 2035?") == []
    assert english_asks("How many schools were rebuilt, and how did that rank in the province?") == []
    asked = plan(understand(text), analyze=understand)
    assert asked.kind == "parts" and [p.question.text for p in asked.parts] == english_asks(text)
    assert plan(understand(text)).kind != "parts"  # (without a way to understand each ask: one question)
