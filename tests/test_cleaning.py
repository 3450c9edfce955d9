from ingest.cleaning import clean_text
from tests.conftest import SEED_FILE


def seed():
    return clean_text(SEED_FILE.read_text(encoding="utf-8"))


def test_broken_lines_of_default_report_are_joined():
    doc = seed()
    for joined in ("知事识人", "建设科技创新平台", "科创人才服务站", "优质生产要素", "常态化做好隐患排查"):
        assert joined in doc.text, joined
    assert len(doc.joins) == 5
    # No paragraph of the cleaned body ends in the middle of a sentence.
    for block in doc.blocks:
        if block.kind == "body":
            assert block.text[-1] in "。！？”", block.text[-20:]


def test_title_byline_captions_and_credit_are_tagged():
    doc = seed()
    kinds = {b.text: b.kind for b in doc.blocks}
    assert doc.title == "乘势而上启新程 策马扬鞭再出发"
    assert kinds["——攻坚之年海城奋力在四方面实现新突破"] == "subtitle"
    assert kinds["本报记者 刘家伟"] == "byline"
    assert kinds["本版图片由海城市委宣传部提供"] == "credit"
    captions = [b.text for b in doc.blocks if b.kind == "caption"]
    assert len(captions) == 4
    assert "海城市胜辉耐火材料制造有限公司的自动化生产线提升了生产效能。" in captions


def test_section_titles_and_lead_sentences_form_heading_paths():
    doc = seed()
    headings = [b.text for b in doc.blocks if b.kind == "heading"]
    assert "开辟新赛道、培育新优势 在推动经济高质量发展上实现新突破" in headings
    assert all("实现新突破" in h for h in headings if h != "核心提示")
    block = next(b for b in doc.blocks if b.text.startswith("坚持科技创新,引领现代化产业体系建设。"))
    assert block.headings == (
        "开辟新赛道、培育新优势 在推动经济高质量发展上实现新突破",
        "坚持科技创新,引领现代化产业体系建设",
    )


def test_offsets_of_blocks_map_into_cleaned_text():
    doc = seed()
    for block in doc.blocks:
        assert doc.text[block.start : block.end] == block.text


def test_numbered_headings_and_footer_of_a_national_report(tmp_path):
    raw = (
        "2024年政府工作报告\n\n——2024年3月5日在第十四届全国人民代表大会第二次会议上\n\n"
        "一、2023年工作回顾\n\n过去一年，经济回升向好。国内生产总值超过126万亿元，增长5.2%。\n\n"
        "二、2024年政府工作任务\n\n（一）大力推进现代化产业体系建设\n\n推动产业链供应链优化升级。\n\n"
        "本作品是中华人民共和国的法律\n\nPublic domain\n"
    )
    doc = clean_text(raw)
    assert doc.subtitle.startswith("——2024年3月5日")
    body = next(b for b in doc.blocks if b.text.startswith("推动产业链"))
    assert body.headings == ("二、2024年政府工作任务", "（一）大力推进现代化产业体系建设")
    assert "Public domain" not in doc.text and "本作品" not in doc.text


def test_an_address_opens_no_measure_paragraph():
    # a paragraph's short first sentence is its lead (a measure's title) only when it states
    raw = ("2031年青河县政府工作报告\n\n二、2031年工作安排\n\n"
           "提高投资效益。今年完成交通水利项目投资80亿元，新开工项目120个，推进重大项目建设提速提效。\n\n"
           "各位代表！新的征程已经开启，我们要锚定目标，真抓实干，奋力谱写青河县高质量发展新篇章。\n")
    doc = clean_text(raw)
    leads = [b.lead for b in doc.blocks if b.lead]
    assert leads == ["提高投资效益"]


def test_ordinal_lines_and_numbered_lines_set_apart_are_headings():
    """A line of its own opening with an ordinal (一是…, no closing punctuation) heads the
    paragraphs after it and is not joined to them; a numbered line set apart by blank lines
    (（一）…取得新突破。) is a heading, not a photo caption. A report written for this test."""
    from ingest.outline import build_outline

    raw = (
        "2031年青河县政府工作报告\n\n一、2030年工作回顾\n\n过去一年，全县经济稳中有进。\n"
        "二、2031年重点工作\n"
        "一是聚焦扩大内需，着力促消费稳投资\n提振消费需求。落实以旧换新政策，培育消费新场景。\n"
        "扩大有效投资。加快交通水利项目建设，完成投资80亿元。\n"
        "二是推进产业升级，构建特色产业体系\n做强茶叶产业。建设茶叶加工园区，打造区域公用品牌。\n"
        "三、加强政府自身建设\n\n\n\n（一）推动重要领域改革取得新突破。\n\n\n\n"
        "深化国有企业改革。完成县属国有企业整合重组，提高经营效益。\n"
    )
    doc = clean_text(raw)
    kinds = {b.text: (b.kind, b.level) for b in doc.blocks}
    assert kinds["一是聚焦扩大内需，着力促消费稳投资"] == ("heading", 2)
    assert kinds["二是推进产业升级，构建特色产业体系"] == ("heading", 2)
    assert kinds["（一）推动重要领域改革取得新突破。"] == ("heading", 2)
    nodes = build_outline(doc)
    by_title = {n.title: n for n in nodes}
    first = by_title["一是聚焦扩大内需，着力促消费稳投资"]
    assert [n.title for n in nodes if n.parent == first.id] == ["提振消费需求", "扩大有效投资"]
    assert by_title["深化国有企业改革"].parent == by_title["推动重要领域改革取得新突破"].id


def test_a_typesetting_that_spaces_every_digit_is_read_as_numbers():
    """The 1998 report spaces its digits (7 4 7 7 2 亿元, 8 ．8 ％): each number is one word,
    so its figures are read whole; a short list of spaced digits elsewhere is left alone."""
    from ingest.cleaning import clean_text
    from tests.conftest import SHARED

    path = SHARED / "corpora" / "national-work-reports" / "1998年中华人民共和国国务院政府工作报告.txt"
    text = clean_text(path.read_text(encoding="utf-8")).text
    assert "1997年国内生产总值达到74772亿元" in text and "8．8％" in text
    assert "第1 2 条" in clean_text("第1 2 条").text
