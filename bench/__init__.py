"""Benchmarks of Agent Desktop: offer latency, routing at scale, app start, durability cost.

Run them with `python -m bench` (full) or `python -m bench --quick` (seconds, for CI). Each
figure is measured beside its baseline in the same run, so ratios compare like with like.
"""
