"""Answer modes on ../shared/eval/seed_dev.jsonl, in one run, one table:

* **extractive** — no LLM: verbatim clauses of the best sentence, or a refusal.
* **local + guard** — llama.cpp in process (Qwen2.5-Coder, 1.5B by default), the grounded
  prompt, the grounding guard.
* **naive baseline** — the same retrieval and the same model, whole chunks (up to 300 tokens), a
  plain prompt, no guard: the model's text is the answer.

Columns: answer accuracy (every gold keyword in a non-refused answer; unanswerable questions
must be refused), refusal accuracy, false refusals, share of shown figures verified (a figure
of a non-refused answer that occurs in the quote of a citation of its own sentence — for the
baseline, in a passage its sentence cites by ``[n]``), figures shown as verified that are not
(must be 0), p50/p95 latency, p50 time to first token, and peak RSS after the mode ran.

* **followup** (not in the default run) — a dev question, then the content-free follow-up
  ``具体怎么做？``, which only the LLM rewrite can make standalone: the follow-up's time to first
  token with the KV snapshots of ``assistant.llm.local`` and without them.

    .venv/bin/python benchmarks/answers.py [--limit N] [--model qwen2.5-coder-0.5b] [--modes extractive,local]

With ``--data-dir DIR`` the questions are the core (or ``--kind compose``) question sets,
tuning and held-out parts in separate tables (``benchmarks/splits.py``), over the evaluation
collection in DIR (the default report + national + provincial reports; built when missing).
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import ROOT, SHARED, median, peak_rss_mb, percentile, print_table

from benchmarks.splits import questions

NAIVE_PASSAGE_TOKENS = 300  # whole chunks in retrieval order, within this many tokens


def load_gold(path: Path, limit: int | None) -> list[dict]:
    gold = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    if limit and limit < len(gold):
        step = len(gold) / limit  # spread over the file: answerable and unanswerable questions
        gold = [gold[int(i * step)] for i in range(limit)]
    return gold


def judged_correct(row: dict[str, Any]) -> bool:
    """Every gold keyword in a non-refused answer; an unanswerable question must be refused."""
    from assistant.evaluation import contains_all

    keys = row["gold"].get("answer_all") or []
    return (not row["refused"] and contains_all(row["answer"], keys)) if keys else bool(row["refused"])


class Run:
    def __init__(self, name: str) -> None:
        self.name = name
        self.rows: list[dict[str, Any]] = []
        self.rss_mb = 0.0

    def add(self, gold: dict, answer: str, refused: bool, seconds: float, ttft: float,
            figures: tuple[int, int, int]) -> None:
        self.rows.append({"gold": gold, "answer": answer, "refused": refused, "s": seconds, "ttft": ttft,
                          "shown": figures[0], "verified": figures[1], "false_verified": figures[2]})

    def cells(self) -> list[str]:
        correct = refusals = unanswerable = false_refusals = answerable = 0
        for r in self.rows:
            correct += judged_correct(r)
            if r["gold"].get("answer_all"):
                answerable += 1
                false_refusals += r["refused"]
            else:
                unanswerable += 1
                refusals += r["refused"]
        shown = sum(r["shown"] for r in self.rows)
        verified = sum(r["verified"] for r in self.rows)
        secs = [r["s"] for r in self.rows]
        ttft = [r["ttft"] for r in self.rows]
        return [
            self.name, f"{correct}/{len(self.rows)}", f"{refusals}/{unanswerable}", f"{false_refusals}/{answerable}",
            f"{verified}/{shown}" + (f" ({100 * verified / shown:.0f}%)" if shown else ""),
            str(sum(r["false_verified"] for r in self.rows)),
            f"{median(secs):.2f} / {percentile(secs, 95):.2f}", f"{median(ttft):.2f}", f"{self.rss_mb:.0f}",
        ]


def guarded_figures(answer: Any) -> tuple[int, int, int]:
    """(figures shown, verified in their sentence's quotes, shown as verified but not). The
    figures are those of ``assistant.evaluation.checked_figures``: a list's own numbering is
    none, and a computed difference is one, verified when its operands are and it holds."""
    from assistant.evaluation import checked_figures
    from common.textutils import figure_key, find_figures, strip_markers

    if answer.refused:
        return (0, 0, 0)
    quotes = {c.n: {figure_key(f) for f in find_figures(c.quote)} for c in answer.citations}
    shown = ok = false_ok = 0
    for s in answer.sentences:
        have = set().union(*(quotes.get(n, set()) for n in s.citations)) if s.citations else set()
        text = strip_markers(s.text)
        all_figures, unverified = checked_figures(text, have)
        figures, bad = len(all_figures), len(unverified)
        shown += figures
        ok += figures - bad
        false_ok += bad if s.verified else 0
    return (shown, ok, false_ok)


def naive_figures(text: str, passages: list[Any]) -> tuple[int, int, int]:
    from assistant.guard import parse
    from common.textutils import figure_key, find_figures

    shown = ok = 0
    for s in parse(text):
        have = {figure_key(f) for n in s.cites if 1 <= n <= len(passages) for f in find_figures(passages[n - 1].page_content)}
        for f in find_figures(s.plain):
            if not f.is_year:
                shown += 1
                ok += figure_key(f) in have
    return (shown, ok, 0)


def run_extractive(service: Any, gold: list[dict]) -> Run:
    run = Run("extractive")
    for g in gold[:2]:
        service.ask(g["question"])  # warm caches
    for g in gold:
        answer = service.ask(g["question"])
        secs = answer.latency_ms / 1000
        run.add(g, answer.answer, answer.refused, secs, secs, guarded_figures(answer))
    run.rss_mb = peak_rss_mb()
    return run


def run_guarded(service: Any, gold: list[dict], name: str) -> Run:
    run = Run(name)
    service.llm()  # load the model; it reads its system prompt once (``LlamaCppChatModel.warm``)
    for g in gold:
        started = time.perf_counter()
        first = None
        final = None
        for event in service.stream(g["question"]):
            if event.type == "token" and first is None:
                first = time.perf_counter() - started
            if event.answer is not None:
                final = event.answer
        secs = time.perf_counter() - started
        assert final is not None
        run.add(g, final.answer, final.refused, secs, first if first is not None else secs, guarded_figures(final))
    run.rss_mb = peak_rss_mb()
    return run


def run_naive(service: Any, llm: Any, gold: list[dict]) -> Run:
    from assistant.generative import messages, stream_tokens
    from assistant.guard import is_refusal
    from assistant.packing import pack_whole

    run = Run(f"naive {llm.name} (no guard)")
    for g in gold:
        started = time.perf_counter()
        qa = service.analyze(g["question"])
        _, docs = service.extract_scoped(qa)  # the same retrieval as ours; whole chunks, as plain RAG shows them
        packed = pack_whole(docs, llm.count_tokens, NAIVE_PASSAGE_TOKENS)
        passages = packed.docs
        first = None
        pieces = []
        for token in stream_tokens(llm.chat, messages(g["question"], packed, prompt="naive")):
            if first is None:
                first = time.perf_counter() - started
            pieces.append(token)
        text = "".join(pieces)
        secs = time.perf_counter() - started
        refused = is_refusal(text)
        run.add(g, text, refused, secs, first or secs, (0, 0, 0) if refused else naive_figures(text, passages))
    run.rss_mb = peak_rss_mb()
    return run


FOLLOW_UP = "具体怎么做？"  # content-free: only the LLM rewrite can make it standalone


def run_followups(service: Any, gold: list[dict], n: int) -> list[list[str]]:
    """Two-turn chats: a dev question, then ``FOLLOW_UP`` (rewritten by the LLM, then answered).
    First token of the follow-up with the KV snapshots of ``assistant.llm.local`` and without."""
    import assistant.llm.local as local_llm

    asked = [g for g in gold if g.get("answer_all")][:n]
    rows = []
    for label, snapshots in (("with KV snapshots (default)", local_llm.MAX_SNAPSHOTS), ("without", 0)):
        saved, local_llm.MAX_SNAPSHOTS = local_llm.MAX_SNAPSHOTS, snapshots
        firsts: list[float] = []
        try:
            for g in asked:
                answer = service.ask(g["question"])
                history = [{"role": "user", "content": g["question"]}, {"role": "assistant", "content": answer.answer}]
                started = time.perf_counter()
                first = None
                for event in service.stream(FOLLOW_UP, history=history):
                    if first is None and event.type == "token":
                        first = time.perf_counter() - started
                firsts.append(first if first is not None else time.perf_counter() - started)
        finally:
            local_llm.MAX_SNAPSHOTS = saved
        rows.append([label, str(len(firsts)), f"{median(firsts):.2f}", f"{percentile(firsts, 95):.2f}"])
    return rows


HEADER = ["mode", "answer acc", "refusal acc", "false refusals", "figures verified", "false 'verified'",
          "latency p50 / p95 s", "TTFT p50 s", "peak RSS MB"]


def run_collection(args: argparse.Namespace, gold: list[dict], modes: list[str]) -> list[Run]:
    """The modes over the evaluation collection in ``args.data_dir``."""
    from assistant.llm import make_llm
    from assistant.service import PlanqaService
    from benchmarks.corpus import build

    service = build(args.data_dir, progress=False)
    runs: list[Run] = []
    if "extractive" in modes:
        runs.append(run_extractive(service, gold))
    if "local" in modes or "naive" in modes:
        settings = service.settings.model_copy(update={"answer_mode": "local", "models_dir": args.models_dir,
                                                       "llm_model": args.model})
        llm = make_llm(settings)
        if "local" in modes:
            local = PlanqaService(settings, service.kb, service.ingestor, llm_factory=lambda: llm)
            runs.append(run_guarded(local, gold, f"local {args.model} + guard"))
        if "naive" in modes:
            runs.append(run_naive(service, llm, gold))
    return runs


def dump(path: Path, part: str, runs: list[Run]) -> None:
    """Append each mode's answers (question id, part, mode, judged correct, refused, answer)."""
    with path.open("a", encoding="utf-8") as out:
        for run in runs:
            for r in run.rows:
                out.write(json.dumps({"id": r["gold"].get("id"), "part": part, "mode": run.name, "correct": judged_correct(r),
                                      "refused": r["refused"], "answer": r["answer"]}, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=SHARED / "eval" / "seed_dev.jsonl")
    parser.add_argument("--corpus", type=Path, default=SHARED / "seed")
    parser.add_argument("--limit", type=int, help="only N questions (spread over the file)")
    parser.add_argument("--model", default="qwen2.5-coder-1.5b", help="local model (default: the 1.5B)")
    parser.add_argument("--models-dir", type=Path, default=ROOT / ".planqa" / "models")
    parser.add_argument("--modes", default="extractive,local,naive",
                        help="comma-separated subset of extractive,local,naive,followup")
    parser.add_argument("--followups", type=int, default=8, help="two-turn chats of the followup mode")
    parser.add_argument("--show", action="store_true", help="print every answer")
    parser.add_argument("--seed", type=int, default=0, help="seed of the order the questions are asked in")
    parser.add_argument("--data-dir", type=Path, help="the evaluation collection (benchmarks/corpus.py)")
    parser.add_argument("--kind", default="core", choices=["core", "compose"], help="question sets with --data-dir")
    parser.add_argument("--dump", type=Path, help="with --data-dir: every answer of every mode, as JSON lines")
    parser.add_argument("--parts", default="tuning,heldout", help="parts of the question sets with --data-dir")
    args = parser.parse_args()
    modes = args.modes.split(",")
    if args.data_dir:
        for part in args.parts.split(","):
            gold = questions(args.kind, part)
            if args.limit and args.limit < len(gold):
                gold = [gold[int(i * len(gold) / args.limit)] for i in range(args.limit)]
            random.Random(args.seed).shuffle(gold)
            runs = run_collection(args, gold, modes)
            print_table(f"{args.kind} questions, {part} part ({len(gold)}), evaluation collection", HEADER,
                        [r.cells() for r in runs])
            if args.dump:
                dump(args.dump, part, runs)
        return
    gold = load_gold(args.gold, args.limit)
    # Asked in a shuffled order: neighbouring questions of a dev set often share a section, and
    # llama.cpp would reuse that shared prompt prefix (real, but flattering for the first token).
    random.Random(args.seed).shuffle(gold)

    from assistant.factory import build_service
    from assistant.llm import make_llm
    from assistant.service import PlanqaService
    from assistant.settings import Settings

    runs: list[Run] = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), progress=False, default_corpus=args.corpus,
                            models_dir=args.models_dir, llm_model=args.model)
        service = build_service(settings)
        service.ensure_default_corpus()
        if "extractive" in modes:
            runs.append(run_extractive(service, gold))
        local_settings = settings.model_copy(update={"answer_mode": "local"})
        llm = make_llm(local_settings)
        if "local" in modes:
            local = PlanqaService(local_settings, service.kb, service.ingestor, llm_factory=lambda: llm)
            runs.append(run_guarded(local, gold, f"local {args.model} + guard"))
        if "naive" in modes:
            runs.append(run_naive(service, llm, gold))
        followups = []
        if "followup" in modes:
            chat = PlanqaService(local_settings, service.kb, service.ingestor, llm_factory=lambda: llm)
            followups = run_followups(chat, gold, args.followups)
    if runs:
        print_table(f"answer benchmark on {args.gold.name} ({len(gold)} questions)", HEADER, [r.cells() for r in runs])
    if followups:
        print_table(f"follow-up '{FOLLOW_UP}' after a dev question (local, LLM rewrite)",
                    ["KV cache", "chats", "follow-up TTFT p50 s", "p95 s"], followups)
    if args.show:
        for r in runs:
            print(f"\n## {r.name}")
            for row in sorted(r.rows, key=lambda row: str(row["gold"].get("id", ""))):
                flag = "REFUSED " if row["refused"] else ""
                print(f"{row['gold']['id']} [{row['ttft']:.2f} / {row['s']:.2f} s] {row['gold']['question']} → {flag}{row['answer']!r}")


if __name__ == "__main__":
    main()
