"""The app's widgets: each renders a snapshot of the session state and emits intents as signals.

No widget holds domain state or talks to the server; the shell (`ui/app_window.py`) feeds them
`AgentState` values and turns their signals into core requests.
"""
