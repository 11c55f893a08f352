"""The kinds of job: each domain registers what one item of its job does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str
    run_item: Callable  # (item: dict, user) -> None; raises on failure
    describe: Callable = lambda item: str(item.get("label", ""))
    result_url: Callable | None = None  # (job) -> url shown when done


KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    KINDS[kind.name] = kind
    return kind
