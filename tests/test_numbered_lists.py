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


UNANNOUNCED = """2036年云岭县政府工作报告

一、2035年工作回顾

全县经济稳中向好，地区生产总值增长5.2%。
我们也看到，全县发展中还面临一些困难和挑战，政府工作还有不少差距。
一是特色产业链条偏短，农产品加工转化率不高。茶叶、核桃精深加工企业少，品牌影响力弱。
二是县城承载能力不足，公共服务供给不够均衡。城乡学校、医院布局仍需优化。
三是部分干部担当意识不强，服务企业办法不多。
对此，我们将采取有力措施，认真加以解决。

二、2036年工作安排

今年要扩大有效投资，新开工项目80个。
"""


def test_a_sentence_standing_out_before_a_run_of_ordinals_announces_it(tmp_path):
    # no colon, count or 以下: the run of ordinals right after the sentence that answers is its list
    service = service_of(tmp_path, "2036年云岭县政府工作报告.txt", UNANNOUNCED)
    answer = service.ask("云岭县2036年政府工作报告说发展中还面临哪些困难和挑战？")
    assert not answer.refused, answer.answer
    at = [answer.answer.find(item) for item in ("特色产业链条偏短", "县城承载能力不足", "部分干部担当意识不强")]
    assert all(i >= 0 for i in at) and at == sorted(at), answer.answer


KIND_NAMED = """2036年云岭县政府工作报告

二、2036年工作安排

（二）加快建设现代化产业体系
1.提升产业能级。实施传统产业技术改造，培育一批专精特新企业。
2.促进产业融合。推动先进制造业和现代服务业深度融合。
3.建强产业园区。完善园区基础设施，提高亩均效益。
壮大新兴产业，推动低空经济、智能网联汽车、生物医药、新型储能等产业加快发展。

（三）扩大有效投资
新开工项目80个。
"""


def test_a_sentence_naming_the_kind_asked_lists_it_before_a_section_that_does_not(tmp_path):
    # the section's title is close to the question (e5), its parts are not 新兴产业: the sentence
    # that names them is the answer
    service = service_of(tmp_path, "2036年云岭县政府工作报告.txt", KIND_NAMED)
    answer = service.ask("云岭县2036年政府工作报告提出要推动哪些新兴产业加快发展？")
    assert not answer.refused, answer.answer
    assert all(item in answer.answer for item in ("低空经济", "智能网联汽车", "生物医药", "新型储能")), answer.answer


COUNTED_RUN = """2036年云岭县政府工作报告

一、2035年工作回顾

这一年，我们重点做了以下工作：
一是全力推进项目建设。新开工项目60个，完成投资120亿元。
二是全力推进招商引资。引进企业45家，到位资金80亿元。
三是全力推进民生实事。办成十件民生实事，群众满意度提高。
（一）经济运行稳中有进
全县地区生产总值增长5.6%。
（二）改革开放持续深化
完成国企改革三年行动。
（三）民生福祉不断增进
城镇新增就业1.2万人。

二、2036年工作安排

今年要扩大有效投资。
"""


def test_the_best_sentence_announcing_as_many_items_as_asked_lists_them_before_a_section(tmp_path):
    # the review's three sub-headings are as many as asked too; the sentence the question quotes
    # announces the run that is asked
    service = service_of(tmp_path, "2036年云岭县政府工作报告.txt", COUNTED_RUN)
    answer = service.ask("云岭县2036年政府工作报告回顾2035年时说“重点做了以下工作”，具体是哪三个“全力推进”？")
    assert not answer.refused, answer.answer
    assert all(item in answer.answer for item in ("项目建设", "招商引资", "民生实事")), answer.answer
    assert "经济运行稳中有进" not in answer.answer, answer.answer


RESTARTED = """1986年云岭县人民政府工作报告

一、过去一年的工作

全县农业生产稳定增长，粮食总产量达到十二万吨。

二、关于发展乡镇企业

发展乡镇企业，要从本县实际出发，着重抓好以下几个方面：
一、积极发展农副产品加工业，提高农产品的附加值；
二、大力发展建筑建材业，满足城乡建设的需要；
三、稳步发展交通运输业，搞活商品流通。
乡镇企业要加强经营管理，提高经济效益。

三、关于农业生产

农业是国民经济的基础。关于农田水利的增产措施，今年我提出以下几点：
一、
整修塘坝水库。全县要整修塘坝二百处，恢复灌溉面积。
二、
推广节水灌溉。在丘陵地区推广喷灌和滴灌。
三、
加强水土保持。在坡耕地上修筑梯田，植树种草。

四、关于精神文明建设

要加强社会治安综合治理。
"""


def test_items_numbered_like_sections_after_an_announcement_are_its_list(tmp_path):
    # the items restart the sections' numbering (一、 inside 二、): the outline takes them for
    # sections, the announcement's list is them all the same, with a number alone on its line
    # followed by its item
    service = service_of(tmp_path, "1986年云岭县人民政府工作报告.txt", RESTARTED)
    answer = service.ask("1986年云岭县政府工作报告说，发展乡镇企业要抓好哪几个方面？")
    at = [answer.answer.find(item) for item in ("农副产品加工业", "建筑建材业", "交通运输业")]
    assert all(i >= 0 for i in at) and at == sorted(at), answer.answer
    answer = service.ask("1986年云岭县政府工作报告关于农田水利的增产措施提出了哪几点？")
    at = [answer.answer.find(item) for item in ("整修塘坝水库", "推广节水灌溉", "加强水土保持")]
    assert all(i >= 0 for i in at) and at == sorted(at), answer.answer


def test_a_clause_of_a_parallel_run_does_not_end_inside_a_number():
    from assistant.led_lists import _first_clause, _last_clause

    # a full-width comma of thousands (１６，０５５元) is no clause break: the item keeps its figure
    assert _first_clause("云岭县预算规定教育支出为１６，０５５，０００元，占支出的２２％。") == "云岭县预算规定教育支出为１６，０５５，０００元"
    assert _last_clause("新建校舍３处，投资２，４１０万元。") == "投资２，４１０万元"
    assert _first_clause("强化产业支撑，推进项目建设。") == "强化产业支撑"
