"""How far the server's clock is from ours, so offer countdowns end when the server's do."""

from __future__ import annotations


def measure_offset(sent_at: float, received_at: float, server_time: float) -> float:
    """server_time - the local midpoint of the round trip (NTP's estimate, half the RTT error).

    Add the offset to a local time to get server time; subtract it from a server time
    (`expires_at`) to get the local moment it happens.
    """
    if received_at < sent_at:
        # A wall clock stepped backwards during the round trip: the midpoint means nothing.
        return server_time - received_at
    return server_time - (sent_at + received_at) / 2
