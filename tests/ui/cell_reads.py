"""How many cells a table reads through its model's `data()`: the Python calls behind a paint,
counted (a number a test can hold, where a time is the machine's)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QAbstractItemModel


@contextmanager
def data_reads(model: QAbstractItemModel) -> Iterator[list[int]]:
    """`reads[0]`: the `data()` calls made inside the block."""
    reads = [0]
    read = model.data

    def counting(*args: object) -> object:
        reads[0] += 1
        return read(*args)  # type: ignore[arg-type]

    model.data = counting  # type: ignore[method-assign,assignment]
    try:
        yield reads
    finally:
        # counting -> read -> model -> counting is a cycle: left to the cyclic GC, the model
        # would die on whatever thread runs it next (Qt objects must die on theirs).
        del model.data
