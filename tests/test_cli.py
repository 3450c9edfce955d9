"""The CLI through click's runner, on the session's seed data dir (real models and stores)."""

import json

from click.testing import CliRunner

from assistant.cli import cli

ANSWER_KEYS = ["id", "question", "answer", "refused", "mode", "citations", "sentences", "latency_ms"]
CITATION_KEYS = ["n", "doc_id", "source", "title", "section", "text", "quote", "start", "end"]


def run(seed_settings, *args):
    return CliRunner().invoke(cli, ["--data-dir", str(seed_settings.data_dir), *args])


def test_ask_json_has_exactly_the_documented_fields(seed_service, seed_settings):
    result = run(seed_settings, "ask", "海城要实施几项民生保障工程？", "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert list(answer) == ANSWER_KEYS
    assert answer["mode"] == "extractive" and answer["refused"] is False
    assert "20" in answer["answer"]
    assert list(answer["citations"][0]) == CITATION_KEYS
    c = answer["citations"][0]
    assert c["text"][c["start"] : c["end"]] == c["quote"]


def test_ask_prints_answer_and_quoted_sources(seed_service, seed_settings):
    result = run(seed_settings, "ask", "食品药品监管要确保什么？")
    assert result.exit_code == 0
    assert "舌尖上的安全" in result.output and "[1]" in result.output and "「" in result.output


def test_ask_rejects_empty_question_with_clear_message(seed_service, seed_settings):
    result = run(seed_settings, "ask", "  ")
    assert result.exit_code == 2
    assert "question is empty" in result.output


def test_batch_keeps_order_and_reports_bad_lines(seed_service, seed_settings, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        "\n".join([
            json.dumps({"id": "a", "question": "海城要实施几项民生保障工程？", "extra": 1}, ensure_ascii=False),
            json.dumps({"id": "b", "text": "no question field"}),
            "{not json",
            json.dumps({"id": "c", "question": "海城市下辖多少个乡镇？"}, ensure_ascii=False),
            json.dumps({"id": "d", "question": ""}),
        ]) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = run(seed_settings, "batch", str(src), "-o", str(out))
    assert result.exit_code == 1  # completed, with per-line errors
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [x["id"] for x in lines] == ["a", "b", None, "c", "d"]
    assert list(lines[0]) == ANSWER_KEYS and "20" in lines[0]["answer"]
    assert "missing field 'question'" in lines[1]["error"]
    assert "not valid JSON" in lines[2]["error"]
    assert lines[3]["refused"] is True
    assert "empty" in lines[4]["error"]


def _gold(tmp_path, items):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in items) + "\n", encoding="utf-8")
    return gold


def test_eval_prints_table_writes_markdown_and_per_question_jsonl(seed_service, seed_settings, tmp_path):
    gold = _gold(tmp_path, [
        {"id": "1", "question": "海城今年计划新建改建多少公里农村道路？", "answer_all": ["100"], "evidence": "新建改建农村道路100公里"},
        {"id": "2", "question": "海城的菱镁矿储量是多少吨？", "answer_all": [], "evidence": None},
        {"id": "3", "question": "海城要实施几项民生保障工程？", "answer_all": ["35项"], "evidence": "实施20项民生保障工程",
         "sources": ["haicheng"]},
    ])
    report = tmp_path / "report.md"
    result = run(seed_settings, "eval", str(gold), "--report", str(report))
    assert result.exit_code == 0, result.output
    assert "answer accuracy (all)" in result.output and "2/3" in result.output
    text = report.read_text(encoding="utf-8")
    assert "| refusal accuracy | 1/1 |" in text and "| sources cited | 1/1 |" in text
    # latency: the cold first question apart, p50/p95 over the others
    assert "| latency cold (first question) |" in text and "| latency warm p50 / p95 (2 questions) |" in text
    # the failures, the expected answer next to the given one
    failures = text.split("## Failures (1)")[1].split("## Questions")[0]
    row = next(x for x in failures.splitlines() if x.startswith("| 3 |"))
    assert row.startswith("| 3 | 海城要实施几项民生保障工程？ | 35项 | ") and "实施20项民生保障工程[1]。 | correct | " in row
    lines = [json.loads(x) for x in report.with_suffix(".jsonl").read_text(encoding="utf-8").splitlines()]
    assert [x["id"] for x in lines] == ["1", "2", "3"] and [x["cold"] for x in lines] == [True, False, False]
    first, refused, wrong = lines
    assert first["expected"] == ["100"] and "100公里" in first["answer"] and first["passed"]
    assert first["checks"] == {"correct": True, "evidence_cited": True, "sources_cited": None,
                               "citations_verbatim": True, "figures_in_quotes": True}
    assert "新建改建农村道路100公里" in first["quotes"][0] and first["latency_ms"] > 0
    assert refused["must_refuse"] and refused["refused"] and refused["quotes"] == [] and refused["passed"]
    assert not wrong["passed"] and wrong["checks"]["correct"] is False and wrong["checks"]["sources_cited"] is True


def test_eval_refuses_a_file_without_gold_fields(seed_settings, tmp_path):
    """A question file given to eval used to score every question as must-refuse."""
    questions = _gold(tmp_path, [{"id": "a", "question": "海城要实施几项民生保障工程？"},
                                 {"id": "b", "question": "2023年海城的GDP增速是多少？"}])
    result = run(seed_settings, "eval", str(questions))
    assert result.exit_code == 2
    assert str(questions) in result.output and "no gold fields" in result.output and "answer_all" in result.output
    partly = _gold(tmp_path, [{"question": "海城要实施几项民生保障工程？", "answer_all": ["20"]}, {"question": "另一个问题"}])
    result = run(seed_settings, "eval", str(partly))
    assert result.exit_code == 2 and "line(s) 2 have no 'answer_all'" in result.output
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"question": "x", "answer_all": []}\n{oops\n', encoding="utf-8")
    result = run(seed_settings, "eval", str(broken))
    assert result.exit_code == 2 and f"{broken}: line 2: not valid JSON" in result.output


def test_docs_list_and_config(seed_service, seed_settings):
    result = run(seed_settings, "docs", "list", "--json")
    docs = json.loads(result.output)
    assert len(docs) == 1 and docs[0]["title"] == "乘势而上启新程 策马扬鞭再出发"
    assert docs[0]["year"] == 2024
    result = run(seed_settings, "config")
    assert "PLANQA_DATA_DIR" in result.output and "PLANQA_EMBEDDER" in result.output


def test_outline_prints_the_heading_tree(seed_service, seed_settings):
    doc = seed_service.documents()[0]
    result = run(seed_settings, "outline", doc.doc_id)
    assert result.exit_code == 0, result.output
    assert "在推动经济高质量发展上实现新突破" in result.output
    nodes = json.loads(run(seed_settings, "outline", doc.doc_id, "--json").output)
    assert nodes and {"level", "number", "title", "parent", "start", "end"} <= set(nodes[0])
    missing = run(seed_settings, "outline", "nope")
    assert missing.exit_code == 2 and "no document nope" in missing.output
