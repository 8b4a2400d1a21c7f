"""A progress bar for long sweeps that stays out of the static book."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import TypeVar

__all__ = [
    "precompute_enabled",
    "track",
]

T = TypeVar("T")


def track(iterable: Iterable[T], desc: str = "", total: int | None = None) -> Iterator[T]:
    """Iterate with a progress bar in a live session; silently during the book build.

    In Jupyter the bar is a tqdm widget; in a terminal it is text on stderr. During the build
    (``LOWRANK_NB_PRECOMPUTE=1``) no bar is drawn, so the HTML shows no stale progress bars.
    """
    if precompute_enabled():
        yield from iterable
        return
    from tqdm.auto import tqdm

    yield from tqdm(iterable, desc=desc, total=total, leave=False)


PRECOMPUTE_ENV = "LOWRANK_NB_PRECOMPUTE"


def precompute_enabled() -> bool:
    """True when the whole grid must be rendered now (the static book build)."""
    return os.environ.get(PRECOMPUTE_ENV, "") == "1"
