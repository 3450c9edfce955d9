"""Figure extraction: precision and recall against hand-labelled lists (the default report,
through the real ingest path; two paragraphs of the 2024 national report), and the rules that
keep slogans, enumerations, dates and quoted names out."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import DATA, SHARED, read_jsonl

from common.places import default_gazetteer
from ingest.figures import (
    extract_from_chunks,
    extract_from_text,
    figure_years,
    named_indicator,
    select_figures,
)
from ingest.loaders import load_path
from ingest.pipeline import prepare

NATIONAL_2024 = [
    ("一、2023年工作回顾",
     "——经济总体回升向好。国内生产总值超过126万亿元，增长5.2%，增速居世界主要经济体前列。城镇新增就业1244万人，"
     "城镇调查失业率平均为5.2%。居民消费价格上涨0.2%。国际收支基本平衡。"),
    ("二、2024年经济社会发展总体要求和政策取向",
     "今年发展主要预期目标是：国内生产总值增长5%左右；城镇新增就业1200万人以上，城镇调查失业率5.5%左右；"
     "居民消费价格涨幅3%左右；居民收入增长和经济增长同步；国际收支保持基本平衡；粮食产量1.3万亿斤以上；"
     "单位国内生产总值能耗降低2.5%左右，生态环境质量持续改善。"),
]


def matches(row: dict[str, Any], gold: dict[str, Any]) -> bool:
    return (row["value"] == gold["value"] and row["unit"] == gold["unit"] and row["kind"] == gold["kind"]
            and row["period"] == gold["period"] and gold["indicator"] in row["indicator"])


def precision_recall(rows: list[dict[str, Any]], gold: list[dict[str, Any]]) -> tuple[float, float]:
    true_rows = sum(1 for r in rows if any(matches(r, g) for g in gold))
    found_gold = sum(1 for g in gold if any(matches(r, g) for r in rows))
    return true_rows / max(len(rows), 1), found_gold / max(len(gold), 1)


def test_default_report_figures_precision_and_recall(seed_service):
    rows = [r for r in seed_service.figures() if "haicheng" in r["source"]]
    gold = read_jsonl(DATA / "figures_haicheng.jsonl")
    precision, recall = precision_recall(rows, gold)
    print(f"\nfigures, default report: {len(rows)} extracted, {len(gold)} labelled, "
          f"precision {precision:.2f}, recall {recall:.2f}")
    assert precision >= 0.9 and recall >= 0.9
    # every row opens its source passage: the sentence is in the stored chunk at its offsets
    for row in rows:
        chunk = seed_service.passage(row["chunk_id"])
        assert chunk is not None and chunk.text[row["start"] : row["end"]] == row["sentence"]
        assert row["value"] in row["sentence"] and row["section"]


def test_national_report_figures_precision_and_recall():
    rows = []
    for section, text in NATIONAL_2024:
        rows += [r.public() for r in extract_from_text(text, section=section, doc_year=2024, region="国务院")]
    gold = read_jsonl(DATA / "figures_national_2024_targets.jsonl")
    precision, recall = precision_recall(rows, gold)
    print(f"\nfigures, national 2024 excerpt: {len(rows)} extracted, {len(gold)} labelled, "
          f"precision {precision:.2f}, recall {recall:.2f}")
    assert precision >= 0.9 and recall >= 0.9


def _values(text: str, **kwargs: Any) -> list[tuple[str, str]]:
    return [(r.value, r.unit) for r in extract_from_text(text, **kwargs)]


def test_slogans_enumerations_dates_and_names_are_not_figures():
    assert _values("瞄准目标、节点、结果3个导向，抓住干部作风、选人用人、目标考核、发展合力4个关键。") == []
    assert _values("落实“三个区分开来”，聚焦四大方面，围绕两条主线，实施三年行动。") == []
    assert _values("建设“4+4+3+N”现代化产业集群，举办“2023中国西柳进出口商品交易会”。") == []
    assert _values("在市委十届八次全会上，2024年3月5日召开第3届论坛。") == []
    assert _values("完成投资5亿元，改造老旧小区12个。") == [("5", "亿元"), ("12", "个")]


def test_kinds_periods_and_hedges():
    rows = extract_from_text("去年全市粮食产量达到36.5万吨。今年力争新增就业6600多万人，到2027年建成公园3座以上。",
                             doc_year=2025)
    got = [(r.value, r.unit, r.qualifier, r.kind, r.period) for r in rows]
    assert got == [("36.5", "万吨", "", "实际", "2024年"), ("6600", "万人", "多", "目标", "2025年"),
                   ("3", "座", "以上", "目标", "2027年")]
    assert rows[1].number == 6600e4


def test_select_filters_and_sorts():
    rows = [{"indicator": "道路", "value": "100", "number": 100.0, "kind": "目标", "period": "2024年", "title": "A",
             "doc_id": "a", "sentence": "", "section": ""},
            {"indicator": "增速", "value": "6.7", "number": 6.7, "kind": "实际", "period": "2023年", "title": "A",
             "doc_id": "a", "sentence": "", "section": ""}]
    assert [r["value"] for r in select_figures(rows, kind="实际")] == ["6.7"]
    assert [r["value"] for r in select_figures(rows, sort="number")] == ["6.7", "100"]
    assert [r["value"] for r in select_figures(rows, text="道路")] == ["100"]
    assert [r["value"] for r in select_figures(rows, period="2023")] == ["6.7"]


def test_only_figures_with_a_named_indicator_are_rows():
    """Fragments used to be listed as indicators (重点做好方面工作 · 9; 县建设粮油高产示范片 · 千 · 亩)."""
    assert _values("重点做好9个方面工作：", doc_year=2025) == []
    assert _values("今年要重点做好以下11个方面工作。", doc_year=2025) == []
    rows = extract_from_text("在115个县建设粮油千亩高产示范片1000个，全省粮食产量726.8亿斤，再创历史新高。", doc_year=2025)
    assert ("726.8", "亿斤") in [(r.value, r.unit) for r in rows] and "千" not in [r.value for r in rows]
    assert _values("每千人口拥有3岁以下婴幼儿托位数4个以上。", doc_year=2025) == [("4", "个")]
    assert all("亿级" not in r.indicator and r.unit != "亿级"
               for r in extract_from_text("培育1个400亿级、3个100亿级产业名镇。", doc_year=2025))
    for fragment in ("新增", "培育", "在", "左右", "—", "P、增长", "持续将1/", "立方米", "2024年", "全疆"):
        assert not named_indicator(fragment), fragment
    for name in ("粮食产量", "总产", "5G基站", "城镇新增就业", "“吨粮田”"):
        assert named_indicator(name), name


PROVINCIAL = SHARED / "corpora" / "provincial-2025"


@pytest.fixture(scope="module")
def provincial_rows() -> list[dict[str, Any]]:
    """The figures of all 31 provincial reports of 2025, through the ingest path up to storage
    (load, clean, metadata, chunk, extract), as the store returns them: with region and year."""
    from vectorstore.embeddings import make_embeddings

    count = make_embeddings("e5-small").count_tokens
    rows: list[dict[str, Any]] = []
    for path in sorted(PROVINCIAL.glob("*.docx")):
        for loaded in load_path(path):
            prepared = prepare(loaded, count, 160, 1)
            meta = prepared.document.meta
            found = extract_from_chunks(prepared.chunks, int(meta["year"]), str(meta["region"]))
            rows += [{**r.public(), "title": prepared.document.title, "file": path.name, "region": meta["region"],
                      "doc_year": meta["year"]} for r in found]
    return rows


def test_figures_filter_by_region_and_year_in_all_31_provincial_reports(provincial_rows):
    """宁夏, 广西 and 新疆 used to get 夏回族自治 / 西壮族自治 / 维吾尔自治 as their region, so
    filtering by the province found nothing."""
    files = sorted({r["file"] for r in provincial_rows})
    assert len(files) == 31
    for file in files:
        short = file.removeprefix("2025年").removesuffix("政府工作报告.docx")  # 宁夏回族自治区, 湖北省
        place = default_gazetteer().place_of(short.rstrip("省市") if short.endswith(("省", "市")) else short)
        assert place is not None, file
        province = place.name
        mine = [r for r in provincial_rows if r["file"] == file]
        assert select_figures(provincial_rows, region=province) == mine, file
        targets = select_figures(provincial_rows, region=province, year=2025, kind="目标")
        results = select_figures(provincial_rows, region=province, year=2024, kind="实际")
        assert len(mine) >= 50 and targets and results, (file, len(mine), len(targets), len(results))
        assert all(2025 in figure_years(r) for r in targets) and all(r["period"] != "2025年" for r in results)
    assert all(named_indicator(r["indicator"]) for r in provincial_rows)
    assert not [r for r in provincial_rows if r["value"] in ("千", "百", "万", "千亿", "百亿", "千万", "百万")]


def test_a_rate_question_is_not_answered_by_a_gap_between_rates():
    """A question asking for a rate (unit %) is not answered by 高于…0.4个百分点 (a gap between
    two rates); a question asking for percentage points still takes either."""
    from assistant.figure_choice import unit_compatible

    assert unit_compatible("%", "%")
    assert not unit_compatible("个百分点", "%")
    assert unit_compatible("个百分点", "个百分点") and unit_compatible("%", "百分点")


def test_english_statistical_terms_are_glossed_as_the_reports_word_them():
    """'above designated size' and R&D's older wording (研究与实验发展) are general vocabulary
    of the genre: the English question gets the report's own compound term."""
    from assistant.question import understand

    q = understand("What was the growth of value added of industrial enterprises above designated size?")
    assert any("规模以上工业增加值" in t.alternatives for t in q.terms), q.terms
    q = understand("What share of GDP did R&D spending reach?")
    assert any("研究与实验发展" in t.alternatives for t in q.terms), q.terms



def test_english_units_follow_what_is_counted_or_changed():
    """'residents' is a count of people only in 'how many residents'; 'by how much did … grow'
    asks a rate of change, as 增长多少 does."""
    from assistant.question import understand

    assert understand("By how much did per capita disposable income of all residents grow in 2024?").unit == "%"
    assert understand("What was the income of rural residents in 2024?").unit == ""
    assert understand("How many new urban jobs were created in 2024?").unit == "人"
    q = understand("How much foreign investment was actually used in 2024?")
    assert any("实际使用" in t.alternatives for t in q.terms) and any("外资" in t.alternatives for t in q.terms)


def test_a_yearly_average_asked_is_not_answered_by_a_total_over_the_period():
    from assistant.figure_choice import asks_average, is_average
    from ingest.frames import frame_sentence

    total = "规划纲要提出，五年内全县生产总值增长百分之三十。"
    average = "规划纲要提出，全县生产总值平均每年增长百分之五点四。"
    asked = "青河县规划纲要提出全县生产总值年均增长多少？"
    assert asks_average(asked) and not is_average(total, frame_sentence(total, (), 2031).figures[0])
    assert is_average(average, frame_sentence(average, (), 2031).figures[0])
    # a question that asks no average, or several figures (分别), is not held to it
    assert not asks_average("青河县规划纲要提出全县生产总值增长多少？")
    assert not asks_average("青河县的总量与年均增速分别是多少？")


def test_a_question_asking_which_way_is_answered_by_the_figure_said_to_move_that_way():
    from assistant.figure_choice import figure_choice
    from assistant.question import understand
    from common.textutils import split_clauses
    from ingest.frames import frame_sentence

    sentence = "2034年，全县单位生产总值能耗由前两年分别上升2.1%、1.3%，转为下降0.8%。"
    frame = frame_sentence(sentence, (), 2035)
    clauses = split_clauses(sentence)
    down = figure_choice(understand("青河县2034年单位生产总值能耗下降了多少？"), frame, clauses, 0)[0]
    assert down is not None and down.text == "0.8%"
    up = figure_choice(understand("青河县2033年单位生产总值能耗上升了多少？"), frame, clauses, 0)[0]
    assert up is not None and up.text in ("2.1%", "1.3%")


def test_a_question_about_one_year_takes_that_years_figure_over_a_periods():
    from assistant.figure_choice import figure_choice
    from assistant.question import understand
    from common.textutils import split_clauses
    from ingest.frames import frame_sentence

    sentence = "“十六五”期间，关停300万千瓦燃煤机组，今年要关停80万千瓦。"
    frame = frame_sentence(sentence, (), 2031)
    q = understand("青河县今年要关停多少万千瓦燃煤机组？")
    assert figure_choice(q, frame, split_clauses(sentence), 0, wanted_years={2031})[0].text == "80万千瓦"


def test_an_answer_never_ends_on_a_clause_that_only_frames_what_follows():
    from assistant.question import understand
    from assistant.windows import answer_window, past_frame_phrases
    from common.textutils import split_clauses

    clauses = split_clauses("对青河县新办农家乐年营业额不到30万元的部分，在现行扶持政策基础上，再免收两年管理费。")
    assert past_frame_phrases(clauses, 1) == 2 and past_frame_phrases(clauses, 2) == 2
    q = understand("青河县对新办农家乐的管理费有什么扶持政策？")
    lo, hi = answer_window(clauses, q.terms, q.text)
    assert "再免收两年管理费" in "".join(c.text for c in clauses[lo : hi + 1])
