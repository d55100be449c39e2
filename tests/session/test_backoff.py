import random

import pytest

from agent_desktop.session.backoff import Backoff


def test_delays_grow_exponentially_within_jitter_bounds() -> None:
    backoff = Backoff(base=1.0, factor=2.0, cap=100.0, rng=random.Random(7))
    for ceiling in (1.0, 2.0, 4.0, 8.0, 16.0):
        delay = backoff.next_delay()
        assert ceiling / 2 <= delay <= ceiling


def test_delays_are_capped() -> None:
    backoff = Backoff(base=1.0, factor=2.0, cap=5.0, rng=random.Random(1))
    delays = [backoff.next_delay() for _ in range(200)]
    assert max(delays) <= 5.0
    assert min(delays[10:]) >= 2.5
    assert backoff.ceiling() == 5.0


def test_jitter_spreads_clients_dropped_together() -> None:
    delays = {Backoff(base=1.0, rng=random.Random(seed)).next_delay() for seed in range(50)}
    assert len(delays) == 50


def test_reset_after_success_starts_small_again() -> None:
    backoff = Backoff(base=1.0, cap=60.0, rng=random.Random(3))
    for _ in range(6):
        backoff.next_delay()
    assert backoff.attempt == 6
    backoff.reset()
    assert backoff.attempt == 0
    assert backoff.next_delay() <= 1.0


def test_many_attempts_do_not_overflow() -> None:
    backoff = Backoff(base=0.5, cap=30.0, rng=random.Random(0))
    for _ in range(5000):
        assert backoff.next_delay() <= 30.0


@pytest.mark.parametrize(
    ("base", "factor", "cap"), [(0.0, 2.0, 1.0), (1.0, 0.5, 2.0), (2.0, 2.0, 1.0)]
)
def test_nonsense_parameters_are_refused(base: float, factor: float, cap: float) -> None:
    with pytest.raises(ValueError, match="backoff needs"):
        Backoff(base=base, factor=factor, cap=cap)
