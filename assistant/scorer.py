"""The one scorer of evidence: a logistic model over a few features of each candidate sentence
(``assistant/evidence.py``), and the thresholds that decide between answering and refusing.

All fitted numbers live in ``assistant/scorer_weights.json``, which also records what they were
fitted on (which data, which split, when). ``scripts/fit_scorer.py`` writes it from the tuning
split only; held-out questions never reach it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

WEIGHTS_FILE = Path(__file__).with_name("scorer_weights.json")

FEATURES = (
    "dense", "dense_gap", "lex", "lex_ctx", "lex_window", "anchor_window", "prior", "bm25", "dense_hit", "focus",
    "kind_match", "year_stated", "year_precision", "figure", "indicator", "caption", "heading",
)


class Scorer(Protocol):
    """Scores a candidate from its features: higher is better evidence, in [0, 1]."""

    threshold: float

    def score(self, features: dict[str, float], english: bool = False) -> float: ...


@dataclass
class LinearScorer:
    """``sigmoid(bias + Σ weight·feature)``. English questions may have their own weights and
    threshold (their terms rarely occur in Chinese text, so the lexical features mean
    something else); without their own weights they share the Chinese ones."""

    weights: dict[str, float]
    bias: float
    threshold: float  # the least score that answers
    english_weights: dict[str, float] = field(default_factory=dict)
    english_bias: float = 0.0
    english_threshold: float = 0.0
    extra_ratio: float = 0.92  # a further sentence joins a non-figure answer above this share of the best
    # A best sentence under the threshold still answers when it stands out: at least
    # ``margin_floor`` and ``margin_ratio`` times the best other sentence (0 turns it off).
    # Questions that ask for a figure have their own pair (a wrong figure costs most).
    margin_floor: float = 0.0
    margin_ratio: float = 0.0
    figure_margin_floor: float = 0.0
    figure_margin_ratio: float = 0.0
    provenance: dict[str, object] = field(default_factory=dict)

    def score(self, features: dict[str, float], english: bool = False) -> float:
        weights, bias = (self.english_weights, self.english_bias) if english and self.english_weights else (self.weights, self.bias)
        z = bias + sum(weights.get(name, 0.0) * features.get(name, 0.0) for name in FEATURES)
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))

    def threshold_for(self, english: bool) -> float:
        return self.english_threshold if english and self.english_threshold > 0 else self.threshold

    def stands_out(self, best: float, runner_up: float, figure: bool = False) -> bool:
        """Whether a best score under the threshold answers by its margin over the runner-up."""
        floor, ratio = (self.figure_margin_floor, self.figure_margin_ratio) if figure else (self.margin_floor, self.margin_ratio)
        return 0 < floor <= best and best >= ratio * runner_up

    def to_json(self) -> str:
        return json.dumps({
            "weights": self.weights, "bias": self.bias, "threshold": self.threshold,
            "english_weights": self.english_weights, "english_bias": self.english_bias,
            "english_threshold": self.english_threshold, "extra_ratio": self.extra_ratio,
            "margin_floor": self.margin_floor, "margin_ratio": self.margin_ratio,
            "figure_margin_floor": self.figure_margin_floor, "figure_margin_ratio": self.figure_margin_ratio,
            "provenance": self.provenance,
        }, ensure_ascii=False, indent=2)


def load_scorer(path: Path = WEIGHTS_FILE) -> LinearScorer:
    data = json.loads(path.read_text(encoding="utf-8"))
    return LinearScorer(
        weights={k: float(v) for k, v in data["weights"].items()}, bias=float(data["bias"]),
        threshold=float(data["threshold"]),
        english_weights={k: float(v) for k, v in data.get("english_weights", {}).items()},
        english_bias=float(data.get("english_bias", 0.0)),
        english_threshold=float(data.get("english_threshold", 0.0)),
        extra_ratio=float(data.get("extra_ratio", 0.92)),
        margin_floor=float(data.get("margin_floor", 0.0)),
        margin_ratio=float(data.get("margin_ratio", 0.0)),
        figure_margin_floor=float(data.get("figure_margin_floor", 0.0)),
        figure_margin_ratio=float(data.get("figure_margin_ratio", 0.0)),
        provenance=dict(data.get("provenance", {})),
    )
