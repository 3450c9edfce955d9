"""What users type is normalised before anything else: characters, width, script, numerals,
and the part of a long message that asks."""

from __future__ import annotations

from common.normalize import asking_part, clean_chars, has_words, normalize, numerals_to_digits


def test_traditional_full_width_and_numerals():
    assert normalize("２０２４年財政赤字率是多少？") == "2024年财政赤字率是多少？"
    assert normalize("增长百分之七点五") == "增长7.5%"
    assert numerals_to_digits("全国农民人均纯收入达到三百五十五元，招收一万二千人") == "全国农民人均纯收入达到355元，招收12000人"
    assert numerals_to_digits("二〇二四年") == "2024年"
    # Counted names are not figures.
    assert numerals_to_digits("三农问题、一是加强、四个方面、一般公共预算") == "三农问题、一是加强、四个方面、一般公共预算"


def test_unprintable_characters_are_dropped():
    assert clean_chars("赤字\ud800率\x00是多少") == "赤字率是多少"


def test_the_asking_part_of_a_long_message():
    message = "您好！我是某单位的工作人员，正在准备一份汇报材料。关于城镇新增就业，2025年宁夏的目标是多少？麻烦尽快回复，谢谢！"
    assert asking_part(normalize(message)) == "关于城镇新增就业，2025年宁夏的目标是多少？"
    assert asking_part("我在写材料，麻烦确认一下：2024年财政赤字率是多少，谢谢") == "2024年财政赤字率是多少"
    english = "Hi, I'm preparing a briefing. Could you tell me what Ningxia's 2025 GDP growth target is? Thanks!"
    assert "Ningxia's 2025 GDP growth target" in asking_part(english) and "briefing" not in asking_part(english)
    assert asking_part("2024年赤字率是多少？") == "2024年赤字率是多少？"  # short: kept whole
    # the words that open a question (请问) end the walk back, and what follows them is asked
    message = "您好，我在云岭县上学，老师布置了一份作业，要查政府工作报告里的数字。请问青河县2034年政府工作报告说，全县森林覆盖率是多少？谢谢！"
    assert asking_part(message) == "青河县2034年政府工作报告说，全县森林覆盖率是多少？"


def test_a_question_asking_of_what_the_message_said_before_keeps_that_sentence():
    """能帮我查一下这两个数吗？ asks of the figures the sentence before it names."""
    message = ("老师好，我在写一份读书报告。报告里提到了青河县“十七五”期间水利投资的总规模，但我记不清了，"
               "也不确定它比“十六五”期间增加了多少。能帮我查一下这两个数吗？")
    asked = asking_part(normalize(message))
    assert "水利投资的总规模" in asked and "增加了多少" in asked and asked.endswith("这两个数吗？"), asked
    assert "读书报告" not in asked


def test_where_pieces_end_with_a_question_mark_they_are_what_a_long_message_asks():
    """An interrogative in the narrative (不知道是哪些, 十几年 and 好几户, which count nothing)
    is not what is asked when other pieces end with a question mark."""
    message = ("我在青河县住了十几年，好几户邻居都不知道补助标准是哪些。我查到2034年青河县政府工作报告讲了这件事，"
               "请问报告里说的主要做法有哪些？")
    asked = asking_part(message)
    assert asked.endswith("报告里说的主要做法有哪些？"), asked
    assert "十几年" not in asked and "不知道" not in asked
    assert "2034年青河县政府工作报告" in asked  # the piece just before it names what it asks about
    # with no question mark, 十几 (ten-odd) asks nothing either
    assert "十几" not in asking_part("我在青河县工作十几年了，2034年青河县的养老金标准是多少")
    # a decimal point ends no English sentence
    english = "Will Qinghe keep its deficit ratio at 2.5% or lower in 2034?"
    assert asking_part(english) == english


def test_messages_without_words_are_not_questions():
    assert not has_words("？？！！")
    assert not has_words("😀😀👍")
    assert not has_words("https://example.gov.cn/report?id=1")
    assert has_words("GDP?")
    assert has_words("赤字率")


def test_an_english_question_saying_it_asks_of_what_the_sentence_before_named():
    """…mentions the subsidy for Qinghe's farmers. How far was it raised?: the asking sentence
    names nothing but "it"; the sentence before says what."""
    from common.normalize import asking_part

    message = ("Looking back over the last five years, the 2036 report of Qinghe county mentions the yearly "
               "subsidy per person for the county's grain farmers. From what level to what level was it raised?")
    assert "subsidy per person" in asking_part(message)
    plain = ("Looking back over the last five years, the 2036 report of Qinghe county mentions many figures "
             "about farming and roads. What was the grain output of Qinghe county in 2035?")
    assert asking_part(plain).startswith("What was the grain output")
