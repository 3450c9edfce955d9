"""Follow-ups made standalone by rules (extractive mode), and through the service."""

from __future__ import annotations

import pytest

from assistant.conversation import acceptable, is_followup, standalone


def chat(*turns: tuple[str, str]) -> list[dict[str, str]]:
    out = []
    for question, answer in turns:
        out += [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]
    return out


GDP = ("2023年海城的GDP增速是多少？", "2023年，海城市地区生产总值同比增长6.7%[1]。")


@pytest.mark.parametrize(
    ("history", "question", "expected"),
    [
        (chat(GDP), "那2022年呢？", "2022年海城的GDP增速是多少？"),
        (chat(GDP), "和去年比呢？", "2022年海城的GDP增速是多少？"),
        (chat(("今年计划新建改建多少公里农村道路？", "…")), "和去年比呢？", "去年计划新建改建多少公里农村道路？"),
        (chat(GDP), "那一般公共预算收入呢？", "2023年海城的一般公共预算收入增速是多少？"),
        (chat(("湖北省2025年经济增长目标是多少？", "…")), "那河南呢？", "河南省2025年经济增长目标是多少？"),
        (chat(("城市更新要滚动实施哪些项目？", "滚动实施老旧管网改造、老旧小区维修改造、市政道路改建等项目[1]。")),
         "那第二个呢？", "老旧小区维修改造有哪些具体内容？"),
        (chat(("第一项民生工程是什么？", "…")), "那第三项呢？", "第3项民生工程是什么？"),
        (chat(("海城如何用好“第一书记”？", "…")), "具体有哪些措施？", "海城如何用好“第一书记”，具体有哪些措施？"),
        # A follow-up of a follow-up builds on the rewritten previous turn.
        (chat(GDP, ("那一般公共预算收入呢？", "…")), "那2022年呢？", "2022年海城的一般公共预算收入增速是多少？"),
        # A complete question stays as it is.
        (chat(GDP), "海城要实施几项民生保障工程？", "海城要实施几项民生保障工程？"),
        ([], "那2022年呢？", "那2022年呢？"),
    ],
)
def test_rules(history, question, expected):
    assert standalone(question, history) == expected


def test_followup_detection():
    assert is_followup("那第二个呢？") and is_followup("和去年比呢？") and is_followup("具体有哪些措施？")
    assert not is_followup("海城要实施几项民生保障工程？")
    assert not is_followup("2023年海城的GDP增速是多少？")


def test_llm_rewrite_is_checked_by_the_rules():
    history = chat(GDP)
    ruled = "2022年海城的GDP增速是多少？"
    assert acceptable("海城2022年地区生产总值增速是多少？", "那2022年呢？", GDP[0], ruled)
    assert not acceptable("海城2021年GDP增速是多少？", "那2022年呢？", GDP[0], ruled)  # wrong year
    assert not acceptable("2023年海城的GDP增速是多少？", "那2022年呢？", GDP[0], ruled)  # year lost
    assert not acceptable("", "那2022年呢？", GDP[0], ruled)
    # Dropping the carried-over year or place is not acceptable either.
    ruled2 = "2023年海城的一般公共预算收入增速是多少？"
    assert not acceptable("一般公共预算收入是多少？", "那一般公共预算收入呢？", GDP[0], ruled2)
    assert not acceptable("2023年一般公共预算收入是多少？", "那一般公共预算收入呢？", GDP[0], ruled2)
    assert acceptable("2023年海城一般公共预算收入增长多少？", "那一般公共预算收入呢？", GDP[0], ruled2)
    # A rewriter that fails or invents falls back to the rules.
    assert standalone("那2022年呢？", history, lambda q, h: "2019年的GDP是多少？") == ruled

    def broken(q, h):
        raise RuntimeError("endpoint down")

    assert standalone("那2022年呢？", history, broken) == ruled


def test_extractive_service_answers_follow_ups(seed_service):
    history = chat(GDP)
    answer = seed_service.ask("那一般公共预算收入呢？", history=history)
    assert not answer.refused and "30.6%" in answer.answer
    answer = seed_service.ask("那2025年呢？", history=history)
    assert answer.refused


def test_planqa_chat_in_the_terminal(seed_service, seed_settings):
    from click.testing import CliRunner

    from assistant.cli import cli

    turns = "2023年海城的GDP增速是多少？\n那一般公共预算收入呢？\n/new\n那2025年呢？\n\n"
    result = CliRunner().invoke(cli, ["--data-dir", str(seed_settings.data_dir), "chat", "--mode", "extractive"],
                                input=turns)
    assert result.exit_code == 0, result.output
    assert "6.7%" in result.output and "30.6%" in result.output and "「" in result.output
    # After /new there is no previous question: "那2025年呢？" alone cannot be answered.
    answers = [line for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert len(answers) == 3 and answers[-1].startswith("资料中未找到")
