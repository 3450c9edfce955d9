"""The ``planqa`` command line: ingest, ask, batch, eval, docs, serve, config.

Errors from below are ``PlanqaError``s; they are printed as one clear line and exit code 2
(1 for a batch or ingest that completed with per-item failures)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from assistant.settings import Settings, get_settings
from common.errors import PlanqaError


def _service(ctx: click.Context) -> Any:
    from assistant.factory import build_service

    settings: Settings = ctx.obj["settings"]
    service = build_service(settings)
    return service


def _fail(exc: Exception) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data-dir", type=click.Path(path_type=Path), help="Overrides PLANQA_DATA_DIR.")
@click.option("--collection", help="Overrides PLANQA_COLLECTION.")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None, collection: str | None) -> None:
    """planqa: cited answers about government plans and work reports."""
    try:
        settings = get_settings()
        overrides: dict[str, Any] = {}
        if data_dir is not None:
            overrides["data_dir"] = data_dir
        if collection:
            overrides["collection"] = collection
        if overrides:
            settings = settings.model_copy(update=overrides)
    except Exception as exc:  # pydantic ValidationError: bad PLANQA_* values
        _fail(exc)
    ctx.obj = {"settings": settings}


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--lines", is_flag=True,
              help="One document per line ('<time>，正文：<text>', e.g. a news dump); lines gone from the file are removed.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], quiet: bool, lines: bool) -> None:
    """Ingest files or folders (.txt .md .docx .pdf .html .zip; default: the bundled corpus)."""
    if quiet:
        ctx.obj["settings"] = ctx.obj["settings"].model_copy(update={"progress": False})
    try:
        service = _service(ctx)
        report = service.ingest(list(paths) or [ctx.obj["settings"].default_corpus], lines=lines)
    except PlanqaError as exc:
        _fail(exc)
    for source, reason in report.failed:
        click.echo(f"error: {source}: {reason}", err=True)
    click.echo(report.summary())
    sys.exit(1 if report.failed else 0)


def _set_mode(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value:
        ctx.obj["settings"] = ctx.obj["settings"].model_copy(update={"answer_mode": value})
    return value


mode_option = click.option(
    "--mode", type=click.Choice(["extractive", "local", "openai"]), expose_value=False, callback=_set_mode,
    help="Answer mode (overrides PLANQA_ANSWER_MODE).",
)


def _ready_service(ctx: click.Context) -> Any:
    service = _service(ctx)
    if service.kb.is_empty:
        report = service.ensure_default_corpus()
        if report is not None:
            click.echo(f"(first run: ingested the default corpus: {report.summary()})", err=True)
    return service


def _print_answer(answer: Any) -> None:
    click.echo(answer.answer)
    for c in answer.citations:
        where = f"{c.title}" + (f" › {c.section}" if c.section else "")
        click.echo(f"  [{c.n}] {where}")
        click.echo(f"      「{c.quote}」")


@cli.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.option("--top-k", type=int, help="Passages to retrieve.")
@mode_option
@click.pass_context
def ask(ctx: click.Context, question: str, as_json: bool, top_k: int | None) -> None:
    """Answer one question, citing the passages it rests on."""
    try:
        answer = _ready_service(ctx).ask(question, top_k=top_k)
    except PlanqaError as exc:
        _fail(exc)
    if as_json:
        click.echo(json.dumps(answer.public(server_paths=True), ensure_ascii=False))
    else:
        _print_answer(answer)


@cli.command()
@click.argument("input_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@mode_option
@click.pass_context
def batch(ctx: click.Context, input_file: Path, output: Path) -> None:
    """Answer every line {"id", "question"} of a JSONL file into OUTPUT (same order)."""
    from assistant.batch import run_batch

    try:
        stats = run_batch(_ready_service(ctx), input_file, output)
    except PlanqaError as exc:
        _fail(exc)
    click.echo(f"{stats.answered} answered, {stats.errors} errors → {output}")
    sys.exit(1 if stats.errors else 0)


@cli.command(name="eval")
@click.argument("gold_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Markdown report path (default: reports/eval-<name>.md).")
@click.option("--jsonl", "jsonl_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Per-question results (default: reports/eval-<name>.jsonl).")
@mode_option
@click.pass_context
def eval_command(ctx: click.Context, gold_file: Path, report_path: Path | None, jsonl_path: Path | None) -> None:
    """Score answers against a gold JSONL (question, answer_all, evidence, source_contains, sources)."""
    from assistant.eval_report import render_markdown, render_table, write_jsonl
    from assistant.evaluation import evaluate, read_gold

    try:
        read_gold(gold_file)  # a file that is not gold fails before any model loads
        result = evaluate(_ready_service(ctx), gold_file)
    except PlanqaError as exc:
        _fail(exc)
    click.echo(render_table(result))
    path = report_path or Path("reports") / f"eval-{gold_file.stem}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_markdown(result), encoding="utf-8")
    lines = jsonl_path or path.with_suffix(".jsonl")
    write_jsonl(result, lines)
    click.echo(f"report: {path}\nper question: {lines}")


@cli.command()
@mode_option
@click.pass_context
def chat(ctx: click.Context) -> None:
    """A conversation in the terminal: follow-ups build on the earlier turns. An empty line,
    'exit' or Ctrl-D ends it; '/new' starts over."""
    try:
        service = _ready_service(ctx)
    except PlanqaError as exc:
        _fail(exc)
    mode = ctx.obj["settings"].answer_mode
    click.echo(f"planqa chat ({mode}) — 输入问题，空行或 exit 结束，/new 开始新对话。", err=True)
    history: list[dict[str, str]] = []
    while True:
        click.echo("问> ", nl=False, err=True)
        line = sys.stdin.readline()
        question = line.strip()
        if not line or not question or question in ("exit", "quit", "/exit"):
            break
        if question == "/new":
            history = []
            continue
        streamed: list[str] = []
        answer = None
        try:
            for event in service.stream(question, history=history):
                if event.type == "token":
                    streamed.append(event.text)
                    if mode != "extractive":
                        click.echo(click.style(event.text, dim=True), nl=False, err=True)
                elif event.answer is not None:
                    answer = event.answer
        except PlanqaError as exc:
            click.echo(f"\nerror: {exc}", err=True)
            continue
        if streamed and mode != "extractive":
            click.echo("", err=True)
        if answer is None:
            continue
        _print_answer(answer)
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.answer}]
        history = history[-2 * service.settings.history_turns :]  # only the latest turns are read


@cli.group()
def docs() -> None:
    """List or remove ingested documents."""


@docs.command(name="list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def docs_list(ctx: click.Context, as_json: bool) -> None:
    try:
        documents = _service(ctx).documents()
    except PlanqaError as exc:
        _fail(exc)
    if as_json:
        rows = [{"doc_id": d.doc_id, "title": d.title, "source": d.source, "chunks": d.n_chunks,
                 "chars": d.chars, "ingested_at": d.ingested_at, **d.meta} for d in documents]
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for d in documents:
        # A year or region that could not be read is shown as unknown, never guessed.
        year = f"{d.meta['year']}年" if d.meta.get("year") else "年份不详"
        region = d.meta.get("region") or "地区不详"
        where = " ".join(str(v) for v in (year, region, d.meta.get("doc_type")) if v)
        click.echo(f"{d.doc_id}  {d.n_chunks:5d} chunks  [{where}]  {d.title}  ({d.source})")
    click.echo(f"{len(documents)} documents")


@docs.command(name="remove")
@click.argument("doc_ids", nargs=-1, required=True)
@click.pass_context
def docs_remove(ctx: click.Context, doc_ids: tuple[str, ...]) -> None:
    try:
        service = _service(ctx)
        missing = [d for d in doc_ids if not service.remove_document(d)]
    except PlanqaError as exc:
        _fail(exc)
    for d in missing:
        click.echo(f"error: no document {d}", err=True)
    click.echo(f"removed {len(doc_ids) - len(missing)} document(s)")
    sys.exit(1 if missing else 0)


@cli.command()
@click.argument("doc_id")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def outline(ctx: click.Context, doc_id: str, as_json: bool) -> None:
    """Print a document's outline: its heading tree (numbers, titles, spans)."""
    from ingest.outline import render

    try:
        nodes = _service(ctx).outline(doc_id)
    except PlanqaError as exc:
        _fail(exc)
    if as_json:
        click.echo(json.dumps([n.as_dict() for n in nodes], ensure_ascii=False))
    else:
        click.echo(render(nodes))


@cli.command()
@click.option("--host", help="Address to listen on (overrides PLANQA_HOST).")
@click.option("--port", type=int, help="Port to listen on (overrides PLANQA_PORT).")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Serve the web chat (/), the API (/api/v1), the OpenAI-compatible API (/v1) and /docs."""
    from assistant.server import serve as run_server

    try:
        run_server(ctx.obj["settings"], host=host, port=port)
    except PlanqaError as exc:
        _fail(exc)


@cli.command()
@click.pass_context
def config(ctx: click.Context) -> None:
    """Show every setting, its value and what it does."""
    settings: Settings = ctx.obj["settings"]
    for name, field in Settings.model_fields.items():
        click.echo(f"PLANQA_{name.upper()}={getattr(settings, name)}")
        click.echo(f"    {field.description}")


def main() -> None:
    cli(prog_name="planqa")


if __name__ == "__main__":
    main()
