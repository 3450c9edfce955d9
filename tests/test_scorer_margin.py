"""The scorer's margin rule (``LinearScorer.stands_out``, ``extractive.accepted_candidates``):
a best sentence under the threshold answers alone when it stands out from the runner-up, and
never for a figure question unless a figure margin was fitted. Hand-made candidates with stated
scores; the fitted values come from ``benchmarks/fit_scorer.py``."""

from __future__ import annotations

from langchain_core.documents import Document

from assistant.evidence import Candidate
from assistant.extractive import accepted_candidates, understood
from assistant.question import understand
from assistant.scorer import LinearScorer, load_scorer
from common.textutils import Span

SCORER = LinearScorer(weights={}, bias=0.0, threshold=0.8, margin_floor=0.5, margin_ratio=2.0)


def candidate(text: str, score: float, rejected: str = "") -> Candidate:
    sentence = Span(text, 0, len(text))
    cand = Candidate(Document(page_content=text, metadata={"doc_id": "d"}), 0, sentence, sentence, set(),
                     0.0, 0.0, 0.0, None, rejected=rejected)
    cand.score = score
    return cand


def test_a_clear_winner_under_the_threshold_answers_alone():
    q = understand("海城怎样照顾老人和孩子？")
    ranked = [candidate("甲", 0.6), candidate("乙", 0.25), candidate("丙", 0.2)]
    assert [c.sentence.text for c in accepted_candidates(q, ranked, SCORER)] == ["甲"]


def test_a_close_runner_up_or_a_weak_best_refuses():
    q = understand("海城怎样照顾老人和孩子？")
    assert accepted_candidates(q, [candidate("甲", 0.6), candidate("乙", 0.35)], SCORER) == []
    assert accepted_candidates(q, [candidate("甲", 0.45), candidate("乙", 0.05)], SCORER) == []


def test_the_same_sentence_twice_is_no_runner_up_and_rejected_ones_do_not_count():
    q = understand("海城怎样照顾老人和孩子？")
    ranked = [candidate("甲", 0.6, rejected="year"), candidate("乙", 0.55), candidate("乙", 0.55), candidate("丙", 0.1)]
    assert [c.sentence.text for c in accepted_candidates(q, ranked, SCORER)] == ["乙"]


def test_above_the_threshold_every_candidate_is_accepted_as_before():
    q = understand("海城怎样照顾老人和孩子？")
    ranked = [candidate("甲", 0.9), candidate("乙", 0.85), candidate("丙", 0.3)]
    assert [c.sentence.text for c in accepted_candidates(q, ranked, SCORER)] == ["甲", "乙"]


def test_figure_questions_have_their_own_margin_off_unless_fitted():
    q = understand("海城2023年地区生产总值是多少？")
    assert q.wants_number
    ranked = [candidate("甲", 0.7), candidate("乙", 0.1)]
    assert accepted_candidates(q, ranked, SCORER) == []
    fitted = LinearScorer(weights={}, bias=0.0, threshold=0.8, figure_margin_floor=0.6, figure_margin_ratio=3.0)
    assert [c.sentence.text for c in accepted_candidates(q, ranked, fitted)] == ["甲"]


def test_the_shipped_weights_carry_their_margin_and_its_provenance():
    scorer = load_scorer()
    assert 0 < scorer.margin_floor < scorer.threshold and scorer.margin_ratio > 1
    assert scorer.provenance.get("margin", {}).get("wrong") == 0  # on the tuning part


def test_a_question_with_words_no_glossary_renders_gets_no_margin_answer(seed_service):
    q = seed_service.analyze("How many quantum teleportation villages will be built?")
    assert not understood(q)
    ranked = [candidate("甲", 0.7), candidate("乙", 0.1)]
    assert accepted_candidates(q, ranked, SCORER) == []
    assert understood(seed_service.analyze("How many kilometres of rural roads will Haicheng build?"))


def test_a_figure_of_another_main_indicator_does_not_answer():
    """社会消费品零售总额 does not answer a question about 进出口总额; 地区生产总值 does answer
    one about 经济增速 (the same indicator in other words)."""
    from assistant.figure_choice import asked_indicators, other_indicator

    assert other_indicator(asked_indicators(understand("河北省2025年进出口总额增长目标是多少？")), "社会消费品零售总额")
    assert not other_indicator(asked_indicators(understand("海城去年的经济增速是多少？")), "地区生产总值")
    assert not other_indicator(asked_indicators(understand("海城新建多少公里农村道路？")), "社会消费品零售总额")  # asks no main indicator

