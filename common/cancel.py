"""Stopping the work of a client that went away.

A server that streams an answer pulls it from a worker thread under a ``CancelToken``
(``run_with``); the answering code calls ``checkpoint()`` between its steps (and for each
token of a language model). When the client disconnects, the server sets the token, and the
worker stops at its next checkpoint with ``Cancelled`` instead of finishing an answer nobody
will read. Outside ``run_with`` (the CLI, JSON answers) a checkpoint does nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import TypeVar

from common.errors import Cancelled

T = TypeVar("T")

_current: ContextVar[CancelToken | None] = ContextVar("planqa_cancel_token", default=None)


class CancelToken:
    """Set once, from any thread, when the work it guards is no longer wanted; or asked, at each
    checkpoint, with ``gone`` (e.g. whether the web page that asked is still there)."""

    def __init__(self, gone: Callable[[], bool] | None = None) -> None:
        self._event = threading.Event()
        self._gone = gone

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        if not self._event.is_set() and self._gone is not None and self._gone():
            self._event.set()
        return self._event.is_set()

    def check(self) -> None:
        if self.cancelled:
            raise Cancelled("the client went away; the work for it was stopped")


def checkpoint() -> None:
    """Raise ``Cancelled`` when the work running in this context has been cancelled."""
    token = _current.get()
    if token is not None:
        token.check()


def run_with(token: CancelToken, func: Callable[..., T], *args: object) -> T:
    """``func(*args)`` with ``token`` as the one its checkpoints read."""
    reset = _current.set(token)
    try:
        return func(*args)
    finally:
        _current.reset(reset)


def pulled_with(token: CancelToken, items: Iterator[T]) -> Iterator[T]:
    """The items of ``items``, each produced under ``token`` (its checkpoints read it)."""
    while True:
        try:
            item = run_with(token, next, items)
        except StopIteration:
            return
        yield item
