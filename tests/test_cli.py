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


def test_eval_prints_table_and_writes_markdown(seed_service, seed_settings, tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        "\n".join(json.dumps(x, ensure_ascii=False) for x in [
            {"id": "1", "question": "海城今年计划新建改建多少公里农村道路？", "answer_all": ["100"], "evidence": "新建改建农村道路100公里"},
            {"id": "2", "question": "海城的菱镁矿储量是多少吨？", "answer_all": [], "evidence": None},
        ]),
        encoding="utf-8",
    )
    report = tmp_path / "report.md"
    result = run(seed_settings, "eval", str(gold), "--report", str(report))
    assert result.exit_code == 0, result.output
    assert "answer accuracy (all)" in result.output and "2/2" in result.output
    text = report.read_text(encoding="utf-8")
    assert "| refusal accuracy | 1/1 |" in text and "latency p50" in text


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
