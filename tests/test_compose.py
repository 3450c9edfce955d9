"""Composed answers over a small report written for this test (not a dev or held-out
document): headings that share a quoted phrase, a summary introduced by a body sentence, and
list items that never go past their cited quote. Real ingest, e5 vectors, the real scorer."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.evaluation import figures_quoted

REPORT = """2031年青河县政府工作报告

一、2030年工作回顾

过去一年，全县地区生产总值增长6.1%，城镇新增就业1.2万人。

二、2031年工作安排

今年是实施“十六五”规划的开局之年。外部环境依然复杂严峻。我们也要看到，青河县发展的有利条件不断积累。
今年政府工作的总体要求是：坚持稳中求进，推动青河县高质量发展，建设山水宜居新青河。
全县上下要锚定目标、真抓实干。

（一）在扩大有效投资上求突破。加快交通水利项目建设，今年完成投资80亿元。
（二）在培育特色产业上求突破。做强茶叶和竹木加工两个产业集群。
（三）在改善城乡面貌上求突破。推进老旧小区改造，办好12件民生实事。
（四）在深化改革开放上求突破。完成县属国有企业整合重组。
（五）在增进民生福祉上求突破。新增公办幼儿园学位600个。
（六）在守牢安全底线上下功夫。健全应急管理体系。
"""


def service_of(folder: Path, name: str, text: str):  # type: ignore[no-untyped-def]
    """A service over one report written for a test: ``text`` saved as ``name`` in ``folder``
    and ingested for real (e5 vectors, the real scorer)."""
    from assistant.factory import build_service
    from assistant.settings import Settings

    path = folder / name
    path.write_text(text, encoding="utf-8")
    service = build_service(Settings(data_dir=folder / "data", progress=False))
    report = service.ingest([path])
    assert report.ok and report.added, report.summary()
    return service


@pytest.fixture(scope="module")
def county_service(tmp_path_factory: pytest.TempPathFactory):
    return service_of(tmp_path_factory.mktemp("qinghe"), "2031年青河县政府工作报告.txt", REPORT)


AREAS = ("扩大有效投资", "培育特色产业", "改善城乡面貌", "深化改革开放", "增进民生福祉")


def test_headings_sharing_a_quoted_phrase_are_the_list(county_service):
    # every heading with the phrase, in the report's order; not the sibling without it
    answer = county_service.ask("青河县2031年要在哪些方面“求突破”？")
    assert not answer.refused, answer.answer
    at = [answer.answer.find(area) for area in AREAS]
    assert all(i >= 0 for i in at) and at == sorted(at), answer.answer
    assert "守牢安全底线" not in answer.answer
    assert len(answer.citations) == len(AREAS)


def test_words_asking_for_the_headings_are_no_terms(county_service):
    # (标题, 总结: how the question asks, as 部分 and 概括 are; the report never writes them)
    from assistant.question import understand

    asked = "青河县2031年工作安排分哪几个方面作了总结（各部分标题）？"
    assert not {"标题", "总结"} & {t.text for t in understand(asked).terms}
    answer = county_service.ask(asked)
    assert not answer.refused and all(area in answer.answer for area in AREAS), answer.answer


def test_list_items_never_go_past_their_cited_quote(county_service):
    # the headings run on into a second sentence with figures (80亿元, 12件): an item shows only
    # what its citation quotes, so every figure of the answer is in a cited quote
    answer = county_service.ask("青河县2031年工作安排包括哪几个方面？")
    assert not answer.refused and all(area in answer.answer for area in AREAS), answer.answer
    assert "80亿元" not in answer.answer and "12件" not in answer.answer, answer.answer
    assert figures_quoted(answer)


def test_a_summary_starts_at_the_sentence_that_introduces_it(county_service):
    answer = county_service.ask("青河县2031年政府工作的总体要求是什么？")
    assert not answer.refused, answer.answer
    assert "建设山水宜居新青河" in answer.answer, answer.answer
    assert "今年政府工作的总体要求是" in answer.citations[0].quote
    assert "求突破" not in answer.answer  # (it ends at the next heading: that is another section)


def test_a_document_deleted_while_a_question_runs_is_no_error(tmp_path, monkeypatch):
    # the delete lands between retrieval and composition, as a concurrent delete can
    service = service_of(tmp_path, "2031年青河县政府工作报告.txt", REPORT)
    retrieve = service.retrieve

    def retrieve_then_delete(*args, **kwargs):
        docs = retrieve(*args, **kwargs)
        for doc_id in {str(d.metadata.get("doc_id")) for d in docs}:
            service.remove_document(doc_id)
        return docs

    monkeypatch.setattr(service, "retrieve", retrieve_then_delete)
    answer = service.ask("青河县2031年要在哪些方面“求突破”？")  # a list: it reads the outline
    assert isinstance(answer.answer, str) and answer.answer


def test_a_computed_difference_is_written_in_its_figures_scale_and_checked():
    # values are stored in base units (1312万人 → 13,120,000): the difference must be too
    from assistant.compose import _amount
    from assistant.evaluation import difference_holds
    from common.textutils import find_figures

    assert _amount(-2e4, "万人") == "2万人" and _amount(2e10, "亿斤") == "200亿斤"
    assert _amount(0.5, "%") == "0.5个百分点" and _amount(2.5e10, "元") == "250亿元"
    operands = find_figures("1312万人 − 1314万人")
    assert difference_holds(operands, "−2万人，2017年更高")
    assert not difference_holds(operands, "−20000万人，2017年更高")
    assert difference_holds(find_figures("5.5% − 5%"), "0.5个百分点")


def test_the_figure_check_skips_list_numbering_and_checks_computed_numbers():
    # one rule for the accuracy table's "unchecked figures" and answers.py's "false 'verified'"
    from assistant.evaluation import unquoted_figures
    from common.textutils import figure_key, find_figures

    quoted = {figure_key(f) for f in find_figures("城镇新增就业1244万人；城镇新增就业1256万人")}
    assert unquoted_figures("1. 稳就业\n2. 扩内需\n10. 保民生", quoted) == []
    assert unquoted_figures("1256万人（计算：1256万人 − 1244万人 = 12万人，2024年更高）", quoted) == []
    assert len(unquoted_figures("1256万人（计算：1256万人 − 1244万人 = 21万人，2024年更高）", quoted)) == 1
    assert unquoted_figures("新增就业1300万人", quoted) == ["1300万人"]


def test_a_trend_with_a_year_missing_computes_no_difference():
    from assistant.compose import _computed

    class Ext:  # the parts as compose_parts sees them: two found, one refused
        def __init__(self, refused, figure=None):
            self.refused, self.chosen = refused, [type("C", (), {"figure": figure})()] if figure else []

    from ingest.frames import frame_sentence
    a, b = (frame_sentence(s, (), 2020).figures[0] for s in ("就业1312万人。", "就业1314万人。"))
    parts = [(type("P", (), {"label": str(y)})(), e) for y, e in ((2016, Ext(False, a)), (2017, Ext(False, b)), (2018, Ext(True)))]
    assert _computed(parts, False) == ""
    assert "−2万人" in _computed(parts[:2], False)


SECTIONS_REPORT = """2032年柳塘市政府工作报告

一、2031年工作回顾

过去一年，全市地区生产总值增长5.8%。

二、2032年重点抓好的几方面工作

（一）全力推动工业经济提质增效。聚焦基础设施增投资，着重抓好柳塘港扩建工程、城市快速路工程、北部水厂工程、高标准农田、东湖水利枢纽工程、城西电网改造工程、南山隧道工程、物流园区工程。
（二）加快建设现代化农业体系。发展茶叶和柑橘两个特色产业。
（三）持续改善城乡人居环境。推进老旧小区改造。
（四）不断增进民生福祉。新增公办幼儿园学位800个。
"""


def test_a_list_of_areas_is_the_sections_not_an_enumeration_inside_one_of_them(tmp_path):
    """The best sentence holds an enumeration (工程…) but the question asks for the areas of
    work: the section whose children are those areas is closer to the question (e5), so its
    children are the list."""
    service = service_of(tmp_path, "2032年柳塘市政府工作报告.txt", SECTIONS_REPORT)
    answer = service.ask("柳塘市2032年要重点抓好哪几方面工作？")
    assert not answer.refused, answer.answer
    for area in ("工业经济提质增效", "现代化农业体系", "城乡人居环境", "增进民生福祉"):
        assert area in answer.answer, answer.answer
    assert "城市快速路工程" not in answer.answer


ANNOUNCING_REPORT = """2033年石门县政府工作报告

一、2032年工作回顾

过去一年，全县地区生产总值一季度增长4.1%、三季度增长5.2%，全年增长5.8%。

我们在实践中积累了宝贵经验，主要体会是：

第一，必须坚持改革创新。改革创新是县域发展的根本动力。

第二，必须坚持生态优先。绿水青山是石门县最大的财富。

第三，必须坚持民生为本。发展成果要更多更公平惠及全县群众。

二、2033年工作安排

今年财政赤字率按2.5%安排，赤字规模3亿元，比上年增加0.5亿元。

完成今年各项任务，必须把握好以下工作原则：一是稳字当头。保持政策连续性和稳定性。二是进中求质。推动产业转型升级。三是统筹兼顾。做好发展和安全两件大事。

今年要重点抓好以下三个方面工作。

（一）壮大特色农业。建设高标准农田2万亩。
（二）发展文旅产业。打造峡谷旅游环线，培育民宿、研学、露营等旅游新业态，发展茶叶、柑橘、中药材等前景广阔的富民产业。
（三）改善人居环境。完成农村改厕3000户。

今年，将继续办好群众关心的3件实事。一是新建城乡公交站台50个。二是改造老旧小区10个。三是新增养老床位200张。

着眼于看病少跑腿，今年卫生工作重点抓好四件事：一是推行家庭医生签约服务。二是建设县域医共体。三是开展儿童免费体检。四是做好传染病防治工作。

做好今年工作，要注重以下几点。一是把牢稳中求进。二是突出项目为王。三是守住安全底线。

今后五年全县上下要集中力量做强主导产业，即绿色食品、新型建材和装备制造，这是县域经济的支柱。

为缓解群众出行难，今年主要抓好两个方面；一是加密城乡公交线路。新开通公交线路5条。二是改造农村公路。完成通村公路硬化80公里。

科技工作要从创新政策、创新平台、创新氛围和创新服务四个方面统筹发力，持续优化创新生态。

突出未来产业培育。瞄准无人机、通航物流等，建设通用机场，培育壮大低空经济产业。瞄准新型储能、氢能等，建设储能电站，培育壮大新能源产业。瞄准生物医药、康复器械等，建设医药园区，培育壮大大健康产业。

三、加强政府自身建设

政府自身建设要有新气象。各级政府要牢记宗旨，把为人民谋幸福作为根本追求，以实干实绩回应群众期盼。

一是坚持依法行政。推进政务公开，提高行政效率，规范行政执法行为，主动接受人大监督和政协民主监督。

二是坚持廉洁从政。严格落实中央八项规定精神，驰而不息纠治“四风”，坚决惩治群众身边的不正之风。

三是坚持担当作为。健全干部激励机制，为敢于担当的干部撑腰鼓劲，推动各项工作落地见效。

四、持续优化营商环境，激发经营主体活力

营商环境是发展的生命线。全县上下要对标一流，久久为功。

坚持依法监管，规范涉企执法行为。

坚持精准服务，推行涉企事项一网通办。

坚持诚信履约，兑现对企业的政策承诺。
"""


@pytest.fixture(scope="module")
def announcing_service(tmp_path_factory: pytest.TempPathFactory):
    return service_of(tmp_path_factory.mktemp("shimen"), "2033年石门县政府工作报告.txt", ANNOUNCING_REPORT)


@pytest.mark.parametrize(("question", "items", "absent"), [
    # a sentence ending in a colon, then paragraphs opening 第一，第二，…
    ("石门县的报告总结的主要体会有哪些？", ["坚持改革创新", "坚持生态优先", "坚持民生为本"], "建设高标准农田"),
    # the colon opens the first item inside the same sentence (…以下工作原则：一是…)
    ("石门县2033年要把握好哪几条工作原则？", ["稳字当头", "进中求质", "统筹兼顾"], "坚持改革创新"),
    # a count announced with 以下 and no colon, then the section's numbered paragraphs
    ("石门县2033年要重点抓好哪些方面工作？", ["壮大特色农业", "发展文旅产业", "改善人居环境"], "稳字当头"),
    # a section without sub-headings whose paragraphs open 一是…二是…三是…
    ("石门县在加强政府自身建设方面提出了哪几个方面的要求？", ["依法行政", "廉洁从政", "担当作为"], "新气象"),
    # an enumeration the question names (培育A、B、C等旅游新业态), not the section it is in
    ("石门县2033年要培育哪些旅游新业态？", ["民宿", "研学", "露营"], "壮大特色农业"),
    # the noun that names the list after a qualifier (A、B、C等前景广阔的Y)
    ("石门县要发展哪些富民产业？", ["茶叶", "柑橘", "中药材"], "民宿"),
    # a sentence that only states a count (办好3件实事。), then as many ordinals
    ("石门县今年要为老百姓办的实事有哪些？", ["公交站台", "老旧小区", "养老床位"], "壮大特色农业"),
    # a stated count asked what it is (…的四件事是什么): the sentence announcing that many
    ("石门县今年卫生工作重点抓好的四件事是什么？", ["家庭医生", "县域医共体", "儿童免费体检", "传染病防治"], "壮大特色农业"),
    # a sentence that ends on what it announces (注重以下几点。), no colon and no count
    ("石门县做好今年工作要注重哪几点？", ["稳中求进", "项目为王", "安全底线"], "家庭医生"),
    # the question names a section by its heading: its parts, not the heading
    ("石门县报告在“加强政府自身建设”部分提出了哪几个“坚持”？", ["依法行政", "廉洁从政", "担当作为"], "稳字当头"),
    # a section named by its title, without sub-headings or ordinals: its paragraphs that speak
    # of what is asked, as many as asked
    ("石门县报告“持续优化营商环境”部分提出了哪三个坚持？", ["依法监管", "精准服务", "诚信履约"], "生命线"),
    # an enumeration followed by the count asked (A、B、C和D四个方面)
    ("石门县科技工作要从哪四个方面统筹发力？", ["创新政策", "创新平台", "创新氛围", "创新服务"], "家庭医生"),
    # a semicolon before the first ordinal does a colon's work (…主要抓好两个方面；一是…)
    ("石门县缓解群众出行难主要抓哪几个方面？", ["加密城乡公交线路", "改造农村公路"], "家庭医生"),
    # a clause that says what the one answering names (…做强主导产业，即A、B和C)
    ("石门县要集中力量做强哪些主导产业？", ["绿色食品", "新型建材", "装备制造"], "家庭医生"),
    # sentences of one paragraph that end alike (…，培育壮大A。…，培育壮大B。): what each ends on
    ("石门县面向未来要培育壮大哪几类产业？", ["低空经济产业", "新能源产业", "大健康产业"], "茶叶"),
])
def test_a_list_a_sentence_announces_is_what_follows_it(announcing_service, question, items, absent):
    answer = announcing_service.ask(question)
    assert not answer.refused, answer.answer
    for item in items:
        assert item in answer.answer, (item, answer.answer)
    assert absent not in answer.answer
    quotes = " ".join(c.quote for c in answer.citations)
    assert all(item in quotes for item in items)  # every item is cited


def test_a_question_naming_no_quarter_gets_the_whole_years_figure(announcing_service):
    """A sentence with quarterly figures and the year's: the year's answers a question that
    names no quarter; one that names a quarter gets that quarter's."""
    answer = announcing_service.ask("石门县2032年地区生产总值增长了多少？")
    assert "5.8%" in answer.answer, answer.answer  # quoted with the clause naming the indicator
    answer = announcing_service.ask("石门县2032年一季度地区生产总值增长了多少？")
    assert "4.1%" in answer.answer, answer.answer


def test_two_figures_asked_together_are_answered_one_part_each(announcing_service):
    """赤字率和赤字规模分别是多少: one part per indicator, each with its own checks (a rate in
    percent, an amount in anything but percent), both cited."""
    answer = announcing_service.ask("石门县2033年赤字率和赤字规模分别是多少？")
    assert not answer.refused, answer.answer
    assert "2.5%" in answer.answer and "3亿元" in answer.answer, answer.answer
    # an amount is not answered by a rate
    alone = announcing_service.ask("石门县2033年的赤字规模是多少？")
    assert "3亿元" in alone.answer and "2.5%" not in alone.answer, alone.answer


def test_a_list_is_about_what_the_passages_lack_only_when_its_specific_words_are_absent():
    """``list_naming.lacks_key_term`` with a vocabulary that knows every word (a fake: only the
    weights stated here matter) and hand-made passages."""
    from dataclasses import replace

    from langchain_core.documents import Document

    from assistant.list_naming import lacks_key_term
    from assistant.question import Term, understand

    class Vocabulary:
        def idf_of(self, word: str) -> float:
            return 1.0

    class Service:
        def vocabulary(self) -> Vocabulary:
            return Vocabulary()

    passages = [Document(page_content="今年将继续办好10件实事。一是新建公交站台。"), Document(page_content="民生保障持续加强。")]
    def asked(*terms: tuple[str, float]):
        return replace(understand("有哪些？"), terms=tuple(Term(t, (t,), w) for t, w in terms))

    # an everyday word (老百姓) absent, a second word nearly as specific (实事) present
    assert not lacks_key_term(Service(), asked(("老百姓", 5.5), ("实事", 3.8), ("民生", 2.3)), passages)
    # a compound whose words are each there
    assert not lacks_key_term(Service(), asked(("民生实事", 5.0),), passages)
    # the specific word absent, the other one a word of the genre: about something else
    assert lacks_key_term(Service(), asked(("海洋", 4.6), ("民生", 0.8)), passages)


SETTING_REPORT = """2034年云岭县政府工作报告

一、2033年工作回顾

过去一年，全县地区生产总值增长6.2%。

二、2034年工作总体要求

今年是实施“十六五”规划承上启下之年。外部环境更趋复杂，困难挑战不少。全县上下要坚定信心，迎难而上。发展的有利条件和支撑因素依然较多，我们有信心战胜各种风险挑战。

做好今年政府工作，要坚持稳中求进工作总基调，以生态立县、产业强县为主线，建设山水宜居新云岭。

三、2034年重点工作

（一）壮大特色农业。建设高标准农田1万亩。
（二）发展全域旅游。打造环湖旅游公路。
"""


def test_a_summary_takes_each_paragraphs_opening_not_only_the_years_setting(tmp_path):
    """A summary section that opens on the year's setting (a paragraph of several sentences)
    and states what it requires in the next paragraph: the summary holds both openings."""
    service = service_of(tmp_path, "2034年云岭县政府工作报告.txt", SETTING_REPORT)
    answer = service.ask("云岭县2034年政府工作的总体要求是什么？")
    assert not answer.refused, answer.answer
    assert "稳中求进" in answer.answer and "生态立县" in answer.answer, answer.answer
    assert "高标准农田" not in answer.answer  # nothing from the next section


def test_a_figure_that_names_only_a_change_measures_what_its_sentence_names(announcing_service):
    """…地区生产总值…，全年增长5.8%: the figure measures the 地区生产总值 named before it, so a
    question about another main indicator (研发投入强度, explained in a parenthesis that names
    生产总值) is refused, not answered with it."""
    answer = announcing_service.ask("石门县2032年研发投入强度（研发经费占地区生产总值的比重）是多少？")
    assert answer.refused and "5.8%" not in answer.answer, answer.answer


def test_a_measures_question_answered_by_an_enumeration_quotes_the_measure_around_it(announcing_service):
    """…有哪些举措: the items and the words of the measure they belong to (its programme,
    its verbs), cited."""
    answer = announcing_service.ask("石门县2033年在旅游新业态方面有哪些举措？")
    assert not answer.refused, answer.answer
    assert "民宿" in answer.answer and "培育" in answer.answer, answer.answer


def test_a_summary_term_followed_by_a_colon_introduces_it_further_into_the_sentence():
    from assistant.summaries import _introduces

    lead = "根据省委十三届六次全会暨省委经济工作会议部署，今年经济社会发展的"
    assert _introduces(lead + "主要预期目标是：地区生产总值增长5%左右。", "主要预期目标")
    # without a colon, only near its start: a sentence mentioning it in passing does not
    assert not _introduces(lead + "主要预期目标是在稳的基础上提出的。", "主要预期目标")


TOPICS_REPORT = """2034年云岭县政府工作报告

一、2033年工作回顾

过去一年，我们主要做了以下工作。

——生态环境持续改善。全年空气优良天数比例达92%，完成造林3万亩。

——就业保障更加有力。城镇新增就业1.2万人，开展技能培训5000人次。

二、2034年重点工作

（一）壮大特色农业。建设高标准农田1万亩。
"""


def test_a_summary_asked_in_so_many_words_takes_the_passage_of_the_topic_named(tmp_path):
    """请概括…的主要内容 of a topic that a heading names: its body, cited; of topics that no
    heading or passage covers, no summary of another topic's passage."""
    service = service_of(tmp_path, "2034年云岭县政府工作报告.txt", TOPICS_REPORT)
    answer = service.ask("请概括云岭县2034年报告中“生态环境持续改善”的主要内容。")
    assert not answer.refused and "92%" in answer.answer and "3万亩" in answer.answer, answer.answer
    assert "1.2万人" not in answer.answer
    other = service.ask("请概括云岭县2034年报告对招商引资、对外开放和就业的总体表述。")
    assert "1.2万人" not in other.answer and "92%" not in other.answer, other.answer


AREAS_REPORT = """2034年云岭县政府工作报告

一、2034年重点工作

继续办好三方面民生实事。
1.教育方面。新建乡镇幼儿园5所。为全县学生免费开展视力筛查。
2.医疗方面。为65岁以上老年人免费体检。新增家庭医生团队20个。
3.交通方面。新改建农村公路100公里。
"""


def test_a_list_question_quoting_a_sections_title_lists_that_sections_sentences(tmp_path):
    """…的N方面实事中，“X方面”包括哪几项: the sentences under that numbered paragraph, each cited;
    the count of the whole (三方面) is no count of the items asked."""
    service = service_of(tmp_path, "2034年云岭县政府工作报告.txt", AREAS_REPORT)
    answer = service.ask("云岭县2034年报告的三方面民生实事中，“教育方面”包括哪几项？")
    assert not answer.refused, answer.answer
    assert "幼儿园" in answer.answer and "视力筛查" in answer.answer, answer.answer
    assert "体检" not in answer.answer and "不一致" not in answer.answer, answer.answer
    assert "“教育方面”" in answer.answer  # the paragraph named without its number (no figure)


COLON_REPORT = """2034年云岭县政府工作报告

一、2033年工作回顾

过去一年，我们多措并举支持农民增收。主要措施是：发放种粮补贴，建设高标准农田，推广良种良法，扶持农民合作社。农民人均可支配收入增长7%。
"""


def test_a_sentence_naming_what_is_asked_before_its_colon_lists_its_clauses(tmp_path):
    """…有哪些主要措施: 主要措施是：A，B，C，D。 — each clause an item, cited."""
    service = service_of(tmp_path, "2034年云岭县政府工作报告.txt", COLON_REPORT)
    answer = service.ask("云岭县2034年报告回顾支持农民增收时，列举了哪些主要措施？")
    assert not answer.refused, answer.answer
    assert answer.items and len(answer.items) == 4, answer.answer
    assert "扶持农民合作社" in answer.items[-1]


ADVANTAGES_REPORT = """2034年云岭县政府工作报告

一、发展形势和有利条件

（一）总体形势。综合分析研判，我县发展面临的有利条件强于不利因素。

外部环境依然复杂，困难挑战不少。同时也要看到，我县具有显著的区位优势、丰富的资源优势、良好的生态优势。

（二）重点工作。建设高标准农田1万亩。
"""


def test_a_list_named_by_the_questions_head_noun_answers_when_the_best_sentence_lists_nothing(tmp_path):
    """…列举了哪几方面的优势: the best sentence (有利条件…) lists nothing; another near it lists
    A优势、B优势、C优势 — those, not a single sentence."""
    service = service_of(tmp_path, "2034年云岭县政府工作报告.txt", ADVANTAGES_REPORT)
    answer = service.ask("云岭县2034年报告在分析发展有利条件时，列举了哪几方面的优势？")
    assert not answer.refused, answer.answer
    assert len(answer.items) == 3 and "生态优势" in answer.items[-1], answer.answer


def test_a_list_of_the_kind_asked_elsewhere_is_no_answer_when_the_best_clauses_name_that_kind(tmp_path):
    """…抓哪些重点工程: the accepted sentence names the kind itself (抓好A等重大生态工程) and lists
    nothing; a list of other 工程 in another paragraph (实施东区、西区、南区环境提升工程) is about
    another matter and is not the answer."""
    report = ("2034年青河县政府工作报告\n\n一、重点工作\n\n"
              "持续打造一流营商环境。深入实施东区、西区、南区环境提升工程。深化招投标评审改革。\n"
              "加强生态保护修复，推进东山林场二次创业，抓好西河流域等重大生态工程，完成营造林6万亩。\n"
              "建设高标准农田1万亩。\n")
    service = service_of(tmp_path, "2034年青河县政府工作报告.txt", report)
    answer = service.ask("青河县2034年在加强生态保护修复方面准备抓哪些重点工程？")
    assert "西河流域" in answer.answer and "东区" not in answer.answer, answer.answer


def test_a_list_about_a_name_the_reports_passages_never_write_is_refused(tmp_path):
    """雄安 and 新区 are two words of one name that another report writes whole: a list question
    about it over a report that never names it is refused, not answered with that report's
    other 新区."""
    service = service_of(tmp_path, "2034年青河县政府工作报告.txt", AREAS_REPORT.replace("云岭县", "青河县").replace(
        "3.交通方面。", "推进东区新区、西区新区、南区新区等建设，拓展跨区域产业合作。\n3.交通方面。"))
    other = tmp_path / "2034年石门县政府工作报告.txt"
    other.write_text("2034年石门县政府工作报告\n\n一、重点工作\n\n支持雄安新区建设，承接产业转移。\n", encoding="utf-8")
    assert service.ingest([other]).ok
    refused = service.ask("青河县2034年报告提出支持雄安新区建设的举措有哪些？")
    assert refused.refused and "东区新区" not in refused.answer, refused.answer


def test_a_measures_answer_quotes_the_measures_before_the_clause_naming_the_topic(tmp_path):
    """推进A，抓好B等重大生态工程，完成C: the question names the topic (生态工程) in the second
    clause; the measure before it is a measure of it too, and the answer quotes it."""
    report = ("2034年青河县政府工作报告\n\n一、重点工作\n\n"
              "推进东山林场二次创业，抓好西河流域等重大生态工程，完成营造林6万亩。\n"
              "建设高标准农田1万亩。\n")
    service = service_of(tmp_path, "2034年青河县政府工作报告.txt", report)
    answer = service.ask("青河县2034年在生态工程方面有什么举措？")
    assert not answer.refused and "东山林场" in answer.answer and "西河流域" in answer.answer, answer.answer


def test_how_a_thing_is_done_quotes_the_measures_after_the_clause_naming_it(tmp_path):
    """怎么X (X a verb): what is done; the answer runs on to the measures after the clause that
    matched (A，持续做好B工作，推动C常态化运行), not only that clause."""
    report = ("2034年青河县政府工作报告\n\n一、重点工作\n\n"
              "保障粮食生产，持续做好春耕备耕工作，推动农田灌溉设施改造常态化运行。\n"
              "建设文化馆1座。\n")
    service = service_of(tmp_path, "2034年青河县政府工作报告.txt", report)
    answer = service.ask("青河县2034年怎么保障粮食生产？")
    assert not answer.refused and "农田灌溉设施改造" in answer.answer, answer.answer


def test_two_things_asked_of_one_figure_quote_the_clause_after_it(tmp_path):
    """…X是多少？占多少？: the clause after the figure's, where its share is stated, is quoted too."""
    report = ("2034年青河县政府工作报告\n\n一、过去一年工作回顾\n\n"
              "全县民生支出达到36亿元，占一般公共预算支出的78%，教育投入稳步增加。\n")
    service = service_of(tmp_path, "2034年青河县政府工作报告.txt", report)
    answer = service.ask("青河县2033年民生支出是多少？占多少？")
    assert not answer.refused and "36亿元" in answer.answer and "78%" in answer.answer, answer.answer


PLAN_REPORT = """2031年青河县政府工作报告

一、“十六五”开局之年工作回顾

过去一年，全县地区生产总值增长6.1%。

二、“十六五”时期的主要目标

“十六五”时期，全县把乡村划分为集聚提升、城郊融合和特色保护三类村庄，分类施策。

三、2031年工作安排

今年要抓好项目建设。
"""


def test_a_quoted_five_year_plan_says_when_and_is_no_phrase_the_headings_share(tmp_path):
    """Headings that repeat a quoted phrase answer a list question quoting it, but a quoted
    five-year plan (“十六五”) says when, not what: the list is the enumeration asked for."""
    service = service_of(tmp_path, "2031年青河县政府工作报告.txt", PLAN_REPORT)
    answer = service.ask("青河县报告在说明“十六五”目标时，把乡村划分为哪几类村庄？")
    assert all(i in answer.answer for i in ("集聚提升", "城郊融合", "特色保护")), answer.answer
    assert "开局之年工作回顾" not in answer.answer


def test_a_section_that_fits_the_summary_is_given_whole(tmp_path):
    """A summary takes the opening sentences of a long section; one that fits (up to
    ``SUMMARY_MAX_CHARS``) is given whole: its last sentences, often the year's last figures,
    are part of what is asked."""
    from assistant.summaries import SUMMARY_CHARS, SUMMARY_MAX_CHARS

    sentences = [f"第{i}项工作扎实推进，全县新建各类项目{i}个，带动相关产业链条不断延伸，群众获得感持续增强。" for i in range(1, 30)]
    body = ""
    while len(body) < SUMMARY_CHARS + 60:
        body += sentences[len(body) // 45 % len(sentences)]
    body += "新增技能人才2.6万人。"
    assert SUMMARY_CHARS < len(body) <= SUMMARY_MAX_CHARS
    report = f"2034年云岭县政府工作报告\n\n一、2033年工作回顾\n\n（一）人才队伍日益壮大\n\n{body}\n\n（二）生态环境持续改善\n\n森林覆盖率达到70%。\n"
    service = service_of(tmp_path, "2034年云岭县政府工作报告.txt", report)
    answer = service.ask("请概括云岭县2034年报告中“人才队伍日益壮大”部分的主要内容。")
    assert "2.6万人" in answer.answer and "森林覆盖率" not in answer.answer, answer.answer


def test_what_a_quoted_name_counting_its_parts_means_quotes_every_part(tmp_path):
    """…“三个一千”计划具体指什么: the name counts three parts; the answer runs on past the
    clauses that match the question to the sentence's end, where the third part is."""
    report = ("2034年青河县政府工作报告\n\n一、重点工作\n\n"
              "实施文旅投资“三个一千”计划，推进1000个在建项目、1000个招商项目，县级财政五年统筹投入1000万元支持旅游产业发展。\n"
              "建设高标准农田1万亩。\n")
    service = service_of(tmp_path, "2034年青河县政府工作报告.txt", report)
    answer = service.ask("青河县2034年的文旅投资“三个一千”计划具体指什么？")
    assert "招商项目" in answer.answer and "1000万元" in answer.answer, answer.answer


def test_a_section_sharing_no_word_of_the_question_does_not_outrank_a_sentence_it_quotes():
    """Geometry stated: the section's title is a little closer to the question (e5 0.92) than
    the sentence (0.90). The sentence holds every term of the question (…统筹衔接起来) and the
    section's titles (2035年主要任务) none: the sentence's enumeration answers. A section whose
    titles share a term still wins by its score; a sentence missing a term loses to it."""
    from types import SimpleNamespace

    from assistant.lists import _Section, section_over_sentence
    from assistant.question import Term

    terms = tuple(Term(w, (w,), 2.0) for w in ("统筹", "衔接", "起来"))
    q = SimpleNamespace(terms=terms)
    text = "做好今年工作，要把扩内需、稳就业、强产业、优环境统筹衔接起来。"
    sentence = SimpleNamespace(features={"dense": 0.90}, sentence=SimpleNamespace(text=text), sentence_coverage=1.0)
    unrelated = _Section(node=None, kids=[], title=None, score=0.92, shares_term=True, path="2035年主要任务")
    assert not section_over_sentence(q, unrelated, sentence)  # type: ignore[arg-type]
    sharing = _Section(node=None, kids=[], title=None, score=0.92, shares_term=True, path="统筹推进2035年主要任务")
    assert section_over_sentence(q, sharing, sentence)  # type: ignore[arg-type]
    partial = SimpleNamespace(features={"dense": 0.90}, sentence=SimpleNamespace(text="统筹衔接"), sentence_coverage=0.67)
    assert section_over_sentence(q, unrelated, partial)  # type: ignore[arg-type]
    few = SimpleNamespace(terms=terms[:2])  # (two words held are no sign of a quote)
    assert section_over_sentence(few, unrelated, sentence)  # type: ignore[arg-type]
