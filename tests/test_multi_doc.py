"""Many reports, many years: year-, region- and document-type-aware answers over a representative
subset of the real corpora (national reports of neighbouring years as distractors, several
provinces of the same year), plus unit tests of scope resolution and metadata detection."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.evaluation import score_item
from assistant.question import understand
from assistant.scope import DocInfo, narrowed_to_quotes, resolve
from assistant.settings import Settings
from ingest import metadata
from ingest.cleaning import clean_text
from tests.conftest import SHARED, read_jsonl

NATIONAL = SHARED / "corpora" / "national-work-reports"
PROVINCIAL = SHARED / "corpora" / "provincial-2025"
NATIONAL_YEARS = (2018, 2019, 2021, 2022, 2023)
PROVINCES = ("湖北省", "河南省", "江苏省", "浙江省", "广东省", "四川省")


@pytest.fixture(scope="module")
def multi_service(tmp_path_factory: pytest.TempPathFactory):
    from assistant.factory import build_service

    settings = Settings(data_dir=tmp_path_factory.mktemp("multi"), progress=False, collection="multi")
    service = build_service(settings)
    paths = [NATIONAL / f"{y}年中华人民共和国国务院政府工作报告.txt" for y in NATIONAL_YEARS]
    paths += [PROVINCIAL / f"2025年{p}政府工作报告.docx" for p in PROVINCES]
    report = service.ingest(paths)
    assert report.ok and len(report.added) == len(paths), report.failed
    return service


def test_multi_dev_answers_from_the_right_document(multi_service):
    gold = read_jsonl(SHARED / "eval" / "multi_dev.jsonl")
    failures = []
    for item in gold:
        answer = multi_service.ask(item["question"])
        result = score_item(item, answer)
        ok = result.correct and result.evidence_cited is not False
        if not ok:
            failures.append((item["id"], answer.answer, [c.title for c in answer.citations]))
    assert not failures


def test_a_report_missing_from_the_corpus_is_named_in_the_refusal(multi_service):
    answer = multi_service.ask("2020年政府工作报告提出的城镇新增就业目标是多少？")
    assert answer.refused and "2020年" in answer.answer and "2021" in answer.answer
    answer = multi_service.ask("西藏自治区2025年经济增长目标是多少？")
    assert answer.refused and "西藏" in answer.answer


def test_one_year_figure_is_never_given_for_another(multi_service):
    answer = multi_service.ask("2023年城镇新增就业目标是多少？")
    assert not answer.refused and "1200万" in answer.answer
    assert all("2023" in c.title for c in answer.citations)
    answer = multi_service.ask("2019年赤字率拟按多少安排？")
    assert not answer.refused and "2.8%" in answer.answer and "2019" in answer.citations[0].title


def test_a_question_without_year_or_region_answers_per_report(multi_service):
    answer = multi_service.ask("赤字率拟按多少安排？")
    assert not answer.refused
    docs = {c.doc_id for c in answer.citations}
    assert len(docs) >= 2
    assert len(re.findall(r"年国务院政府工作报告(?:（[^）]*）)?：", answer.answer)) == len(answer.citations), answer.answer


def test_every_passage_carries_year_region_and_type(multi_service):
    for doc in multi_service.documents():
        assert doc.meta["year"] in (*NATIONAL_YEARS, 2025)
        assert doc.meta["region"] in ("国务院", *PROVINCES) and doc.meta["doc_type"] == "政府工作报告"
    docs = multi_service.search("湖北省经济增长目标")
    assert docs and all(d.metadata["region"] == "湖北省" and d.metadata["year"] == 2025 for d in docs)


# ---------------------------------------------------------------------------- units (no models)
CATALOGUE = [DocInfo(f"n{y}", y, "国务院", "政府工作报告", (0, 0), f"{y}年政府工作报告") for y in (2019, 2021, 2022)]
CATALOGUE += [DocInfo(f"p{p}", 2025, p, "政府工作报告", (0, 0), f"2025年{p}政府工作报告") for p in ("湖北省", "河南省")]
CATALOGUE += [DocInfo("plan", 2021, "国务院", "规划", (2021, 2025), "十四五规划纲要")]


def test_scope_strict_document_year():
    scope = resolve(understand("2020年政府工作报告提出的就业目标是多少？"), CATALOGUE)
    assert scope.refusal and "2020年的政府工作报告" in scope.refusal and "2019、2021" in scope.refusal
    scope = resolve(understand("2021年政府工作报告提出了哪些任务？"), CATALOGUE)
    assert scope.doc_ids == ["n2021"]


def test_scope_time_year_includes_the_next_report_and_covering_plans():
    scope = resolve(understand("2021年赤字率是多少？"), CATALOGUE)
    assert sorted(scope.doc_ids or []) == ["n2021", "n2022", "plan"] and scope.loose
    scope = resolve(understand("2024年单位GDP能耗降低多少？"), CATALOGUE)
    assert set(scope.doc_ids or []) == {"p河南省", "p湖北省", "plan"}  # 2025 reports review 2024
    scope = resolve(understand("2030年碳排放目标是多少？"), CATALOGUE)
    assert scope.refusal and "2030年" in scope.refusal


def test_scope_regions():
    scope = resolve(understand("湖北2025年经济增长目标？"), CATALOGUE)
    assert scope.doc_ids == ["p湖北省"]
    scope = resolve(understand("西藏2025年经济增长目标？"), CATALOGUE)
    assert scope.refusal and "西藏自治区" in scope.refusal
    scope = resolve(understand("湖北2019年经济增长目标？"), CATALOGUE)
    assert scope.refusal and "湖北省" in scope.refusal and "2025" in scope.refusal
    scope = resolve(understand("全国2021年赤字率是多少？"), CATALOGUE)
    assert set(scope.doc_ids or []) == {"n2021", "n2022", "plan"}


def test_scope_many_reports_and_single_report_corpora():
    assert resolve(understand("赤字率拟按多少安排？"), CATALOGUE).many
    single = [CATALOGUE[0]]
    scope = resolve(understand("2018年政府工作报告提出的目标？"), single)
    assert not scope.refusal and scope.doc_ids is None and not scope.many


def test_a_quoted_phrase_narrows_the_scope_to_the_reports_that_have_it():
    """A quoted phrase is the report's own name for what is asked: only the reports that have
    it verbatim are searched; a phrase every report (or none) has changes nothing."""
    have = {"项目管家": {"p湖北省"}, "十四五": {d.doc_id for d in CATALOGUE}, "没有的说法": set()}

    def containing(phrase: str) -> set[str]:
        return have.get(phrase, set())

    q = understand("“项目管家”服务有什么变化？")
    scope = narrowed_to_quotes(resolve(q, CATALOGUE), q, CATALOGUE, containing)
    assert scope.doc_ids == ["p湖北省"] and not scope.many
    for text in ("“十四五”时期的目标？", "“没有的说法”是什么？", "项目管家服务有什么变化？"):
        q = understand(text)
        before = resolve(q, CATALOGUE)
        assert narrowed_to_quotes(before, q, CATALOGUE, containing) == before
    q = understand("河南“项目管家”服务有什么变化？")  # the region filter already excludes it
    scope = narrowed_to_quotes(resolve(q, CATALOGUE), q, CATALOGUE, containing)
    assert scope.doc_ids == ["p河南省"]


def test_an_indicator_named_without_a_figure_is_not_given_another_ones(multi_service):
    """Guangdong's target list names 固定资产投资 with no figure (提质提效): asked for its
    growth target, planqa refuses rather than give the next clause's figure (工业增加值 6%);
    that one is still answered."""
    answer = multi_service.ask("广东省2025年固定资产投资增长目标是多少？")
    assert answer.refused, answer.answer
    answer = multi_service.ask("广东省2025年规模以上工业增加值增长目标是多少？")
    assert not answer.refused and "6%" in answer.answer, answer.answer


def test_a_quoted_phrase_finds_its_report_among_many(multi_service):
    """End to end over real reports: a phrase only one report uses, asked with 今年 and no
    region, is answered from that report (今年 is that report's year, not the latest one's)."""
    docs = multi_service.kb.docstore.documents_containing("两新一重")
    assert len(docs) == 1
    answer = multi_service.ask("今年“两新一重”建设要实施哪些重大工程项目？")
    assert not answer.refused, answer.answer
    assert {c.doc_id for c in answer.citations} == docs
    assert all(word in answer.answer for word in ("交通", "能源", "水利")), answer.answer


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("report.txt", "政府工作报告\n——2024年3月5日在第十四届全国人民代表大会第二次会议上\n各位代表：\n今年发展主要预期目标是……",
         (2024, "国务院", "政府工作报告")),
        ("a.txt", "2025年湖北省政府工作报告\n2025年1月16日在湖北省第十四届人民代表大会第三次会议上\n各位代表：",
         (2025, "湖北省", "政府工作报告")),
        ("plan.txt", "鞍山市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要\n鞍山市人民政府\n一、发展基础。",
         (0, "鞍山市", "规划")),
        ("news.txt", "海城召开经济工作会议\n本报记者 张三\n2023年12月20日，海城市召开经济工作会议。海城市委书记讲话。海城市政府部署。",
         (2023, "海城市", "新闻")),
    ],
)
def test_metadata_detection(name: str, text: str, expected: tuple[int, str, str]):
    doc = clean_text(text, fallback_title=Path(name).stem)
    meta = metadata.detect(name, doc)
    assert (meta.year, meta.region, meta.doc_type) == expected


@pytest.mark.parametrize(
    ("name", "text", "region", "label"),
    [
        # the end of a date is no place: 2023年全市将… was read as the city 年全 (label 2024年年全市…);
        # with no region and no type, the label is the title, not a bare 2024年
        ("plan-2024.txt", "2024年重点工作安排\n\n2023年全市地区生产总值增长5%。2024年全市将新建公园3个。"
         "2024年全市将改造老旧小区12个，2024年全市将新增就业1万人。", "", "2024年重点工作安排"),
        ("x.txt", "年全市工作要点\n\n2024年全市将新建公园3个。2024年全市将改造老旧小区12个。", "", "年全市工作要点"),
        # autonomous regions are named whole, not as 夏回族自治
        ("2025年宁夏政府工作报告.txt", "2025年宁夏政府工作报告\n\n——2025年1月在宁夏回族自治区第十三届人民代表大会上\n\n"
         "宁夏回族自治区人民政府\n\n今年全区将新建公园3个。", "宁夏回族自治区", "2025年宁夏回族自治区政府工作报告"),
        # a word ending just before the name (共青团) is not part of it
        ("news.txt", "金乡县青年创业大赛举行\n\n2023年8月1日，共青团金乡县委举办青年创业大赛。共青团金乡县委书记致辞。"
         "共青团金乡县委表示将继续办好大赛。", "金乡县", "2023年金乡县"),
    ],
)
def test_labels_name_a_real_place_or_the_title(name: str, text: str, region: str, label: str):
    doc = clean_text(text, fallback_title=Path(name).stem)
    meta = metadata.detect(name, doc)
    assert meta.region == region
    shown = metadata.label({**meta.as_dict(), "title": doc.title})
    assert shown == label and "年年" not in shown
