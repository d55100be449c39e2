from agent_desktop.session.clock_offset import measure_offset


def test_offset_is_server_time_minus_the_local_midpoint() -> None:
    # Sent at 100, answered at 102 (a 2 s round trip); the server said 131 at the midpoint 101.
    assert measure_offset(100.0, 102.0, 131.0) == 30.0
    assert measure_offset(100.0, 100.0, 95.0) == -5.0


def test_a_clock_stepped_backwards_mid_trip_uses_the_receive_time() -> None:
    assert measure_offset(100.0, 90.0, 95.0) == 5.0
