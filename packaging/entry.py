"""The frozen app's entry point (PyInstaller needs a script, not a console-script name)."""

from agent_desktop.app import main

raise SystemExit(main())
