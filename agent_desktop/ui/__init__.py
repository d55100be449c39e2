"""Qt shell of the agent app: widgets, tray, desktop notifications, qasync wiring."""
