from common.textutils import chinese_to_number, find_figures, split_clauses, split_sentences
from common.timeref import explicit_years, statement_years


def test_sentences_keep_closing_quotes_and_offsets():
    text = "加强监管,确保群众“舌尖上的安全”。推动改革！是否可行？"
    spans = split_sentences(text, offset=10)
    assert [s.text for s in spans] == ["加强监管,确保群众“舌尖上的安全”。", "推动改革！", "是否可行？"]
    for s in spans:
        assert text[s.start - 10 : s.end - 10] == s.text


def test_clauses_do_not_split_thousands_separators():
    clauses = split_clauses("投资1,000亿元,增长5%;新增就业")
    assert [c.text for c in clauses] == ["投资1,000亿元,", "增长5%;", "新增就业"]


def test_figures_arabic_chinese_and_full_width():
    figs = {f.text: (f.value, f.unit) for f in find_figures("增长６．７％,新建改建农村道路100公里,实施二十项工程,做好乡镇村三级处理,一批企业")}
    assert figs["６．７％"] == (6.7, "%")
    assert figs["100公里"] == (100.0, "公里")
    assert figs["二十项"] == (20.0, "项")
    assert figs["三级"] == (3.0, "级")
    assert not any("一批" in t for t in figs)
    assert chinese_to_number("一百二十") == 120
    # an ordinal in a name is no quantity; the count beside it is
    figs = {f.text for f in find_figures("第六个五年计划要求钢产量达到三千九百万吨，建设五个示范区")}
    assert figs == {"三千九百万吨", "五个"}


def test_years_explicit_relative_and_from_headings():
    assert explicit_years("2021—2025年规划,2000万人,一九九八年") == [2021, 2025, 1998]
    assert statement_years("今年赤字率拟按3%安排", (), 2024) == {2024}
    assert statement_years("过去一年经济回升", (), 2024) == {2023}
    assert statement_years("国内生产总值增长5.2%", ("一、2023年工作回顾",), 2024) == {2023}
    assert statement_years("新建改建农村道路100公里", (), 2024) == {2024}


def test_figures_in_traditional_characters_are_read_whole():
    """百分之三點二 is 3.2%, not 3%; 三千億斤 is a figure in 斤 at the 亿 scale; the text stays as written."""
    from common.textutils import find_figures

    figures = {f.text: (f.value, f.unit) for f in find_figures("增長百分之三點二，糧食產量達到三千億斤。")}
    assert figures["百分之三點二"] == (3.2, "%")
    assert figures["三千億斤"] == (3e11, "斤")


def test_a_number_that_is_part_of_a_name_is_no_figure():
    """4K, 3D (a number before a capital letter) and C919 (after a letter) are names."""
    assert [f.text for f in find_figures("推广4K超高清和3D打印")] == []
    assert [f.text for f in find_figures("建成4K演播室60个，C919交付3架")] == ["60个", "3架"]


def test_a_ratio_written_a_to_b_is_one_figure():
    """城乡收入比2.4:1 is one figure (2.4 to 1), not 2.4 and 1; a time of day is no ratio."""
    assert [(f.text, f.value) for f in find_figures("全县城乡居民收入比由2.4∶1缩小到2.2:1")] == [("2.4∶1", 2.4), ("2.2:1", 2.2)]
    assert [f.text for f in find_figures("比值为3：2，另有5个")] == ["3：2", "5个"]
    assert [f.text for f in find_figures("会议8:30:00开始")] == ["8", "30", "00"]
    # and a clause does not end inside it
    from common.textutils import split_clauses

    assert [c.text for c in split_clauses("收入比缩小至2.2:1，目标：增长5%")] == ["收入比缩小至2.2:1，", "目标：", "增长5%"]


def test_a_chinese_per_mille_is_a_figure_in_per_mille():
    """千分之十三 (a rate per mille, as population growth is written) is 13‰, a rate."""
    from assistant.figure_choice import unit_compatible
    from common.normalize import normalize

    figures = {f.text: (f.value, f.unit) for f in find_figures("人口自然增长率控制在千分之十三以下，增长百分之五。")}
    assert figures == {"千分之十三": (13.0, "‰"), "百分之五": (5.0, "%")}
    assert normalize("控制在千分之六点一以下") == "控制在6.1‰以下"
    assert unit_compatible("‰", "%")


def test_tiers_tenths_roman_classes_and_scaled_numerals_are_figures():
    def read(text: str) -> list[tuple[str, float, str]]:
        return [(f.text, f.value, f.unit) for f in find_figures(text)]

    assert read("青河断面水质首次达Ⅱ类") == [("Ⅱ类", 2.0, "类")]
    assert read("县内电价由五档合并为三档") == [("五档", 5.0, "档"), ("三档", 3.0, "档")]
    # tenths after a Chinese numeral; not the idiom 一成不变, nor 成 opening a word after digits
    assert read("青河茶叶外销占比接近六成") == [("六成", 6.0, "成")]
    assert read("政策保持一成不变") == []
    assert read("新建4成品油库") == [("4", 4.0, "")]
    # a numeral ending in a scale is a figure without a unit, as 1200万 is; 十万火急 is none
    assert read("县外务工人员约三十二万") == [("三十二万", 320000.0, "万")]
    assert read("救灾十万火急") == []


def test_a_question_asking_tiers_or_tenths_asks_that_unit_and_tenths_answer_a_rate():
    from assistant.figure_choice import unit_compatible
    from assistant.question import asked_unit

    assert asked_unit("青河县电价从几档合并成几档？", True) == "档"
    assert asked_unit("青河茶叶外销占了几成？", True) == "成"
    assert unit_compatible("成", "%") and unit_compatible("%", "成")
