"""Real helper services the tests start for themselves (buses, daemons)."""
