"""The app's widgets: each renders a snapshot of the session state and emits intents as signals.

No widget holds domain state or talks to the server; the shell (`ui/app_window.py`) feeds them
`AgentState` values with `show_state(...)` and turns their signals into core requests.

Import each widget from its own module: the package re-exports nothing, so importing one widget
does not import every widget and dialog (the app's start would pay for them).
"""
