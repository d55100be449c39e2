"""The tester and supervisor command line, `agent-desktop-ctl`."""
