"""What a generative prompt shows of the passages (``assistant.packing``), on hand-made chunks.

Token counts here are characters (a stated geometry: the real tokenizers give about one token
per 1.3 Chinese characters); the budget rules do not depend on the unit."""

from __future__ import annotations

from langchain_core.documents import Document

from assistant.packing import GAP, pack, pack_whole
from assistant.question import understand
from tests.conftest import lexical_extract

TITLE = "2024年政府工作报告"


def chunk(start: int, text: str, section: str) -> Document:
    return Document(page_content=text, metadata={
        "doc_id": "doc", "start": start, "year": 2024, "title": TITLE, "section": section,
        "source": "report.txt", "kind": "body",
    })


ROADS = chunk(0, "坚持城乡融合发展。统筹推进生活污水和垃圾处理。新建改建农村道路100公里，建设“四好农村路”。"
                 "加快城区园林绿化建设。", "二、2024年工作安排 > 以城乡融合发展提升人居环境")
GUARD = chunk(500, "严密防范和严厉打击敌对势力的渗透活动。开展国家安全宣传教育。", "二、2024年工作安排 > 坚决维护政治安全")
CRIME = chunk(900, "推进扫黑除恶常态化，依法严厉打击电信网络诈骗、涉枪涉爆等违法犯罪活动。构建立体化治安防控体系。",
              "二、2024年工作安排 > 完善社会治理体系")
# The same sentence again, in a chunk overlapping ROADS.
OVERLAP = chunk(23, "新建改建农村道路100公里，建设“四好农村路”。加快城区园林绿化建设。", "二、2024年工作安排 > 以城乡融合发展提升人居环境")


def packed(question: str, docs: list[Document], budget: int = 200):
    qa = understand(question)
    return pack(qa, docs, lexical_extract(qa, docs), len, budget)


def test_only_the_sentences_that_answer_are_shown_with_gaps_marked():
    out = packed("今年计划新建改建多少公里农村道路？", [ROADS])
    assert out.docs == [ROADS]
    text = out.texts[0]
    assert "新建改建农村道路100公里" in text
    assert "园林绿化" not in text and "生活污水" not in text
    assert text.count(GAP) == 2  # sentences left out before and after
    assert text.startswith("[1] 《2024年政府工作报告》 以城乡融合发展提升人居环境\n")  # the nearest heading only


def test_a_sentence_mentioning_one_term_in_passing_is_left_out():
    out = packed("要打击哪些违法犯罪活动？", [CRIME, GUARD])
    assert out.docs == [CRIME]
    assert "电信网络诈骗" in out.texts[0] and "敌对势力" not in "".join(out.texts)


def test_the_evidence_goes_in_even_over_budget_as_its_answering_clauses():
    out = packed("今年计划新建改建多少公里农村道路？", [ROADS], budget=5)
    assert len(out.texts) == 1 and "100公里" in out.texts[0]
    body = out.texts[0].split("\n", 1)[1]
    assert len(body.replace(GAP, "")) < len("新建改建农村道路100公里，建设“四好农村路”。")


def test_a_sentence_shown_by_an_overlapping_chunk_is_not_repeated():
    out = packed("今年计划新建改建多少公里农村道路？", [ROADS, OVERLAP])
    assert "".join(out.texts).count("新建改建农村道路100公里") == 1
    assert out.docs == [ROADS]


def test_other_relevant_sentences_fill_the_budget_and_stop_at_it():
    docs = [chunk(i * 100, f"全市新建改建农村道路{n}公里。", f"第{i}节") for i, n in enumerate((100, 80, 60))]
    wide = packed("新建改建农村道路多少公里？", docs, budget=200)
    assert len(wide.docs) == 3
    tight = packed("新建改建农村道路多少公里？", docs, budget=len(wide.texts[0]))
    assert len(tight.docs) == 1
    assert [t.split("]")[0] for t in wide.texts] == ["[1", "[2", "[3"]
    assert "《" not in wide.texts[1]  # the title is shown once


def test_whole_chunks_for_the_baseline_keep_retrieval_order_within_budget():
    two = pack_whole([CRIME, GUARD], len, budget=10_000)
    out = pack_whole([CRIME, GUARD, ROADS], len, budget=sum(map(len, two.texts)))
    assert out.docs == [CRIME, GUARD]
    assert pack_whole([CRIME, GUARD], len, budget=1).docs == [CRIME]  # the first always
    assert out.texts[0].endswith(CRIME.page_content)
