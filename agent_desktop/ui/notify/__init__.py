"""Desktop notifications for offers and toasts: native, tray balloon or in-app.

`session/` decides whether and what to notify; this package decides how (STYLE.md point 10).
It re-exports nothing: importing one of its modules must not load the native path
(desktop-notifier, dbus-fast), which a start defers until after its first paint.
"""
