"""A bounded memo for pure functions, kind to the garbage collector.

``lru_cache`` keeps a node per entry that the garbage collector must walk: with a few
hundred thousand remembered similarities a full collection paused a search for up to
0.1 s. A plain dict of untracked keys and values costs it almost nothing; emptied
when full, it needs no bookkeeping per hit either.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])


def memo(maxsize: int) -> Callable[[F], F]:
    """Remember a pure function's answers (positional arguments only) in a plain
    dict, emptied when it holds ``maxsize`` of them."""

    def decorate(function: F) -> F:
        answers: dict[tuple[Any, ...], Any] = {}

        @wraps(function)
        def memoised(*args: Any) -> Any:
            try:
                return answers[args]
            except KeyError:
                if len(answers) >= maxsize:
                    answers.clear()
                value = answers[args] = function(*args)
                return value

        return cast(F, memoised)

    return decorate
