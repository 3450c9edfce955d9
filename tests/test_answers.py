"""Extractive answers on the default corpus with the real embedder and a real Chroma."""

import pytest

from assistant.evaluation import citations_verbatim, contains_all, figures_quoted, score_item
from common.errors import QuestionError


def test_dev_set_held_out_part(seed_service, seed_dev):
    """The held-out part of seed_dev (tests/data/heldout.txt), over the default report alone."""
    from benchmarks.splits import heldout_ids

    held = heldout_ids()
    results = [score_item(g, seed_service.ask(g["question"], id=g["id"])) for g in seed_dev if g["id"] in held]
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    assert len(results) == 13
    assert sum(r.correct for r in answerable) >= 9, [r.id for r in answerable if not r.correct]
    assert all(r.refused for r in unanswerable)
    assert all(r.verbatim for r in results)
    assert all(r.numbers_quoted for r in results)


def test_own_probes_paraphrases_and_absent_facts(seed_service, seed_probes):
    """Questions written for this project (not the dev set): paraphrases and things the
    report does not say."""
    wrong = []
    for g in seed_probes:
        answer = seed_service.ask(g["question"])
        ok = (not answer.refused and contains_all(answer.answer, g["answer_all"])) if g["answer_all"] else answer.refused
        if not ok:
            wrong.append((g["id"], answer.answer))
    assert len(wrong) <= 2, wrong


def test_paraphrases_with_other_words_than_the_report(seed_service):
    """Questions worded away from the text (乡村公路 for 农村道路, 老人和孩子 for 一老一幼, English)
    and more absent facts. Issue 10 removed the glossary entries that existed for this one
    article (老人和孩子 → 一老一幼 …): such paraphrases are now answered only when the scorer
    (fitted on the tuning parts, these probes included) is confident, else refused — never
    answered wrongly. Measured: 8 of 48 refused, 0 wrong."""
    from tests.conftest import DATA, read_jsonl

    wrong = []
    for g in read_jsonl(DATA / "seed_paraphrases.jsonl"):
        answer = seed_service.ask(g["question"])
        ok = (not answer.refused and contains_all(answer.answer, g["answer_all"])) if g["answer_all"] else answer.refused
        if not ok:
            wrong.append((g["id"], answer.answer[:60]))
    assert len(wrong) <= 9, wrong
    assert all(a.startswith("资料中未找到") or a.startswith("The documents") for _, a in wrong), wrong


@pytest.mark.parametrize(
    "question",
    [
        "海城今年的地区生产总值增长目标是多少？",  # only the 2023 actual is in the report
        "2022年海城固定资产投资增长多少？",  # another year
        "海城市2024年财政预算总额是多少亿元？",  # no amount in 亿元 anywhere
        "鞍山市2023年地区生产总值增长多少？",  # another city's figure is not in the report either
    ],
)
def test_never_answers_with_another_year_or_the_nearest_number(seed_service, question):
    answer = seed_service.ask(question)
    assert answer.refused, answer.answer
    assert answer.answer.startswith("资料中未找到")
    assert answer.citations == []


def test_every_figure_in_an_answer_is_in_a_cited_quote(seed_service, seed_dev, seed_probes):
    for g in seed_dev + seed_probes:
        answer = seed_service.ask(g["question"])
        assert citations_verbatim(answer), g["question"]
        assert figures_quoted(answer), (g["question"], answer.answer)
        for c in answer.citations:
            assert c.text[c.start : c.end] == c.quote
            assert f"[{c.n}]" in answer.answer


def test_answer_cites_the_exact_sentence_with_heading_path(seed_service):
    answer = seed_service.ask("海城今年计划新建改建多少公里农村道路？")
    assert "100公里" in answer.answer and not answer.refused
    [c] = answer.citations
    assert "新建改建农村道路100公里" in c.quote
    assert c.section.endswith("以城乡融合发展提升人居环境")
    assert c.title == "乘势而上启新程 策马扬鞭再出发"


def test_caption_is_labelled_in_its_citation(seed_service):
    answer = seed_service.ask("图片里的自动化生产线属于哪家公司？")
    assert "胜辉耐火材料" in answer.answer
    assert answer.citations[0].section.startswith("图片说明")


def test_english_question_over_chinese_corpus(seed_service):
    answer = seed_service.ask("How much did Haicheng's GDP grow in 2023?")
    assert not answer.refused and "6.7%" in answer.answer


@pytest.mark.parametrize("question", ["How much did Haicheng's GDP grow in 2021?", "Haicheng GDP growth 2019?"])
def test_english_question_about_another_year_is_refused(seed_service, question):
    # A year without 年 counts: the report's 2023 figure is no answer for 2021.
    answer = seed_service.ask(question)
    assert answer.refused and "6.7" not in answer.answer, answer.answer


@pytest.mark.parametrize("question", ["", "   ", "问" * 2001])
def test_empty_or_overlong_question_is_a_clear_error(seed_service, question):
    with pytest.raises(QuestionError) as err:
        seed_service.ask(question)
    assert "empty" in str(err.value) or "too long" in str(err.value)


@pytest.mark.parametrize(
    "question",
    [
        "How many quantum teleportation villages will be built?",  # two words no glossary renders
        "What is Haicheng's population?",  # a quantity noun: a number is asked, none is stated
        "How many villages will Haicheng relocate?",  # 农村道路 contains 村, but 100 is kilometres
    ],
)
def test_english_question_is_not_answered_by_the_part_we_could_translate(seed_service, question):
    answer = seed_service.ask(question)
    assert answer.refused, answer.answer


def test_a_count_in_chinese_numerals_finds_the_same_count_in_digits(seed_service):
    q = seed_service.analyze("海城的三个导向是什么？")  # the report writes 3个导向
    assert any("3个" in t.alternatives for t in q.terms), q.terms
    ext, _ = seed_service.extract_scoped(q)
    best = ext.pool[0]
    assert all(word in best.window.text for word in ("目标", "节点", "结果")), best.window.text


@pytest.mark.parametrize("question", ["？？？！！", "😀👍🎉", "https://www.gov.cn/zhengce/2024.htm"])
def test_a_message_without_words_is_not_a_question(seed_service, question):
    answer = seed_service.ask(question)
    assert answer.refused and "不是一个问题" in answer.answer and answer.citations == []


@pytest.mark.parametrize("question", ["海城2023年GDP增速 how much？", "Haicheng 今年 农村道路 多少 km", "海城\ud800的GDP"])
def test_mixed_scripts_and_broken_characters_are_answered_or_refused(seed_service, question):
    answer = seed_service.ask(question)  # never an error
    assert answer.refused or answer.citations


def test_a_document_without_year_or_region_keeps_them_empty(tmp_path):
    from click.testing import CliRunner

    from assistant.cli import cli

    doc = tmp_path / "通知.txt"
    doc.write_text("关于做好防汛工作的通知\n各单位要加强值守，确保安全度汛。\n", encoding="utf-8")
    runner = CliRunner()
    data = str(tmp_path / "data")
    assert runner.invoke(cli, ["--data-dir", data, "ingest", str(doc)]).exit_code == 0
    listed = runner.invoke(cli, ["--data-dir", data, "docs", "list", "--json"])
    [row] = __import__("json").loads(listed.output)
    assert row["year"] == 0 and row["region"] == ""
    text = runner.invoke(cli, ["--data-dir", data, "docs", "list"]).output
    assert "年份不详" in text and "地区不详" in text
