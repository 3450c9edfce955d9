"""Accuracy on the HELD-OUT part of the question sets (``benchmarks/splits.py``), extractive
mode, over the evaluation collection: the default report + the 56 national + the 31 provincial
reports in one collection. The scorer never saw these questions (its weights come from the
tuning part, ``assistant/scorer_weights.json``); most were written on documents no tuning
question uses.

The floors below are the measured held-out results of this version minus a small margin, so
a change that makes the answers worse fails here; the issue's targets and the measured numbers
are in the README (``benchmarks/accuracy.py`` prints them)."""

from __future__ import annotations

import pytest

from benchmarks.accuracy import run
from benchmarks.splits import questions

# (accuracy on answerable, refusal of unanswerable, right document, most wrong answers)
# measured 2026-12-07 on the collection (frames v56), with the third to seventeenth held-out
# batches (h3-* … h17-*, hc3-* … hc17-*: written by helpers that saw no code, on documents no
# tuning question uses): core 450/549 answerable, 59/66 refused, 483/483 right document, 40
# wrong; compose 167/247, 30/33, 237/237, 73 wrong (223/237 citing every document needed).
# The seventeenth batch on its first run (unchanged code): core 21/27, 3/3 refused, 2 wrong;
# compose 7/12, 2/2, 5 wrong.
CORE_FLOORS = (0.78, 0.85, 0.95, 40)
COMPOSE_FLOORS = (0.66, 0.80, 0.95, 73)


@pytest.fixture(scope="session")
def eval_service():
    """The evaluation collection, kept between runs outside the checkout (like the wheel cache
    of the Makefile): a fresh machine builds it once (1.75 M characters, every sentence
    embedded); later runs only check it (unchanged documents are not embedded again, stored
    frames are reworked when their rules changed). ``PLANQA_EVAL_DATA_DIR`` moves it."""
    import os
    from pathlib import Path

    from benchmarks.corpus import build

    default = Path.home() / ".cache" / "planqa" / "eval-collection"
    return build(Path(os.environ.get("PLANQA_EVAL_DATA_DIR") or default), progress=False)


def _rates(results: list[dict]) -> tuple[float, float, float, int]:
    answerable = [r for r in results if r["answerable"]]
    unanswerable = [r for r in results if not r["answerable"]]
    docs = [r["right_doc"] for r in answerable if r["right_doc"] is not None]
    return (
        sum(r["correct"] for r in answerable) / max(len(answerable), 1),
        sum(r["correct"] for r in unanswerable) / max(len(unanswerable), 1),
        sum(docs) / max(len(docs), 1),
        sum(r["wrong"] for r in results),
    )


def _check(results: list[dict], floors: tuple[float, float, float, int]) -> None:
    accuracy, refused, right_doc, wrong = _rates(results)
    summary = f"accuracy {accuracy:.2f}, refused {refused:.2f}, right document {right_doc:.2f}, wrong {wrong}"
    assert accuracy >= floors[0], summary
    assert refused >= floors[1], summary
    assert right_doc >= floors[2], summary
    assert wrong <= floors[3], summary


def test_core_questions_held_out(eval_service):
    _check(run(eval_service, questions("core", "heldout")), CORE_FLOORS)


def test_compose_questions_held_out(eval_service):
    results = run(eval_service, questions("compose", "heldout"))
    _check(results, COMPOSE_FLOORS)
    every = [r["all_docs"] for r in results if r["all_docs"] is not None]
    assert sum(every) >= 0.85 * len(every), f"{sum(every)}/{len(every)} cite every document needed"
    assert not any(r["unchecked"] for r in results)  # no computed number left unmarked


def test_every_answer_cites_verbatim_and_shows_only_quoted_figures(eval_service):
    from assistant.evaluation import citations_verbatim, figures_quoted

    for result in run(eval_service, questions("core", "heldout")[::5]):
        answer = result["answer"]
        assert citations_verbatim(answer), answer.answer
        assert figures_quoted(answer), answer.answer


def test_a_list_named_by_the_question_is_answered_when_its_sentence_scores_low(eval_service):
    """Over the whole collection, a sentence whose enumeration the question names (the noun
    after its last item, the verb before its first) scores under the threshold, because the
    question shares few other words with it: the enumeration is still the list (compose's
    ``_named_enumeration``). Tuning questions of compose_dev (c11) and compose_tuning (tc11)."""
    answer = eval_service.ask("海城要健全的干部工作链条包括哪些环节？")
    assert not answer.refused, answer.answer
    assert all(i in answer.answer for i in ("素质培养", "知事识人", "选拔任用", "从严管理", "正向激励")), answer.answer
    answer = eval_service.ask("陕西省2025年政府工作报告提出要坚定走好哪几条路？")
    assert all(i in answer.answer for i in ("创新引领之路", "能源转化之路", "文旅融合之路", "绿色转型之路")), answer.answer


def test_a_list_under_a_lead_sentence_is_the_sentences_it_leads(eval_service):
    """A measure paragraph opens with a short lead (坚决打好蓝天保卫战。) and lists its measures
    in the sentences after it (一要…二要…): a list question about the lead answers with those
    sentences, each cited (``lists.lead_paragraph``). Tuning questions tc43, tc46, tc48."""
    answer = eval_service.ask("2017年政府工作报告中，坚决打好蓝天保卫战主要有哪几项要求？")
    items = ("加快解决燃煤污染问题", "全面推进污染源治理", "强化机动车尾气治理", "有效应对重污染天气", "严格环境执法和督查问责")
    assert all(i in answer.answer for i in items), answer.answer
    assert len(answer.citations) == 6  # the lead and each of the five
    answer = eval_service.ask("河北2025年加快新兴产业集群发展，要壮大哪些产业？")
    assert all(i in answer.answer for i in ("集成电路", "网络安全", "生物医药")), answer.answer


def test_what_a_sentence_names_before_its_colon_is_answered_by_the_clauses_after_it(eval_service):
    """X是：A，B，C… (a long sentence): asked what X is, the answer quotes the clauses after the
    colon to the end of the sentence (up to the measures' length cap), not only the first one
    (tuning tc431)."""
    answer = eval_service.ask("2007年国务院政府工作报告提出的政府工作基本思路和任务是什么？")
    assert "以邓小平理论" in answer.answer and "社会发展和解决民生问题" in answer.answer, answer.answer


def test_a_measures_question_answered_by_a_lead_sentence_gets_what_it_leads(eval_service):
    """Asked what is done about something (有什么安排), the best sentence is a short lead
    (鼓励支持各类创业。) that says little; the measures it leads follow it, cited (tuning t158)."""
    answer = eval_service.ask("湖北2025年在鼓励创业方面有什么安排？")
    assert "以科技为支撑的创新创业" in answer.answer and "以乡情为纽带的返乡创业" in answer.answer, answer.answer
    assert len(answer.citations) == 2


def test_a_list_announced_with_its_count_or_named_by_its_title_is_the_sections_parts(eval_service):
    """重点做好八方面工作： announces the eight parts of the section it stands in; a question that
    names a section by its title (加快建设现代化产业体系) gets that section's parts, not an
    enumeration elsewhere that matches a few of its words (tuning tc50, tc51)."""
    answer = eval_service.ask("河北2025年重点做好哪几方面工作？")
    assert all(i in answer.answer for i in ("抓投资促消费", "推进协同发展", "发展新质生产力", "办好民生实事")), answer.answer
    assert len(answer.items) == 8
    answer = eval_service.ask("江苏2025年加快建设现代化产业体系，重点抓好哪些工作？")
    assert all(i in answer.answer for i in ("产业深度转型升级", "先进制造业集群", "数字经济发展水平")), answer.answer
    assert "1650" not in answer.answer.splitlines()[0]  # the lead quotes no figure no citation holds


def test_a_list_about_what_the_report_never_mentions_is_refused(eval_service):
    """The report has sections and enumerations, but none about 冰雪 (a word other reports use):
    no list of them is the answer (``list_naming.lacks_key_term``; tuning tc67)."""
    answer = eval_service.ask("2018年政府工作报告对发展冰雪经济提出了哪几项举措？")
    assert answer.refused, answer.answer
