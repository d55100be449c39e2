"""`python -m agent_desktop.server`: the same as the `agent-desktop-server` command."""

from agent_desktop.server.cli import main

raise SystemExit(main())
