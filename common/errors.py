"""The planqa exception tree. Lower layers raise these (``raise X from exc``); the CLI, the
web chat and the API map them to messages and status codes at their boundary.

    PlanqaError
    ├── ConfigError          settings or stored state that cannot work together
    ├── InputError           something a user gave us is wrong
    │   ├── QuestionError    empty or over-long question
    │   ├── DocumentError    a file that cannot be ingested (names the file)
    │   └── NotFoundError    a document id that is not in the collection
    ├── ModelError           a model file missing/corrupt or an LLM endpoint failing
    ├── StoreError           the vector store or index cannot be read or written
    └── Cancelled            the client went away; its work was stopped
"""

from __future__ import annotations


class PlanqaError(Exception):
    """Base class of every error planqa raises on purpose."""


class ConfigError(PlanqaError):
    """Settings, or stored state, that cannot work together."""


class InputError(PlanqaError):
    """Something the user supplied is not acceptable."""


class QuestionError(InputError):
    """An empty or over-long question."""


class DocumentError(InputError):
    """A document that cannot be ingested. ``path`` names the file."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class NotFoundError(InputError):
    """A document (or other stored item) asked for by id that does not exist."""


class ModelError(PlanqaError):
    """A model that is missing, corrupt, or an LLM endpoint that fails."""


class StoreError(PlanqaError):
    """The vector store, document store or BM25 index failed."""


class Cancelled(PlanqaError):
    """The client that asked went away; the work done for it was stopped (``common.cancel``)."""
