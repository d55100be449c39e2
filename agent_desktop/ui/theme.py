"""The app's look: follows the OS light/dark scheme and its high-contrast preference, one
stylesheet, presence colours, icons.

Widgets only set object names and dynamic properties (`severity`, `sender`, `presence`); every
colour lives here, so all schemes stay readable and consistent. `AGENT_DESKTOP_THEME`
(`light`, `dark`, `high_contrast`) overrides the OS, for agents whose desktop does not say.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

from agent_desktop.protocol.vocabulary import Channel, Presence
from agent_desktop.resources import channel_icon_path, icon_path


class Scheme(StrEnum):
    LIGHT = "light"
    DARK = "dark"
    HIGH_CONTRAST = "high_contrast"


@dataclass(frozen=True, slots=True)
class Palette:
    window: str
    surface: str
    """Cards, panels and bubbles sit on this, one step off the window colour."""
    border: str
    text: str
    muted: str
    accent: str
    accent_text: str
    danger: str
    warning_bg: str
    warning_text: str
    danger_bg: str
    danger_text: str
    info_bg: str
    info_text: str
    customer_bubble: str
    agent_bubble: str
    agent_bubble_text: str


# Alert colours were picked for at least 4.5:1 contrast between text and background.
LIGHT: Final = Palette(
    window="#f5f6f8",
    surface="#ffffff",
    border="#d5d9e0",
    text="#1c2430",
    muted="#5b6676",
    accent="#2563eb",
    accent_text="#ffffff",
    danger="#b42318",
    warning_bg="#fff4d6",
    warning_text="#6b4300",
    danger_bg="#fde7e5",
    danger_text="#8a1c12",
    info_bg="#e6efff",
    info_text="#1e3a8a",
    customer_bubble="#eef0f4",
    agent_bubble="#2563eb",
    agent_bubble_text="#ffffff",
)
DARK: Final = Palette(
    window="#1b1f26",
    surface="#252a33",
    border="#3a414d",
    text="#e8ebf0",
    muted="#a3acb9",
    accent="#4f8cff",
    accent_text="#0b1220",
    danger="#ff8a80",
    warning_bg="#3d3216",
    warning_text="#ffd98a",
    danger_bg="#4a1f1c",
    danger_text="#ffc2bc",
    info_bg="#1d2c4d",
    info_text="#c7d8ff",
    customer_bubble="#313845",
    agent_bubble="#2f5fc4",
    agent_bubble_text="#ffffff",
)

# High contrast: white on black with yellow for what acts, every text pair at 7:1 or more
# (WCAG AAA), borders that are seen, not hinted.
HIGH_CONTRAST: Final = Palette(
    window="#000000",
    surface="#000000",
    border="#ffffff",
    text="#ffffff",
    muted="#e0e0e0",
    accent="#ffd400",
    accent_text="#000000",
    danger="#ff9d9d",
    warning_bg="#000000",
    warning_text="#ffd400",
    danger_bg="#000000",
    danger_text="#ff9d9d",
    info_bg="#000000",
    info_text="#8fd7ff",
    customer_bubble="#1a1a1a",
    agent_bubble="#ffd400",
    agent_bubble_text="#000000",
)

PRESENCE_COLOURS: Final[dict[Presence, str]] = {
    Presence.AVAILABLE: "#16a34a",
    Presence.BUSY: "#d97706",
    Presence.BUSY_DND: "#dc2626",
    Presence.AWAY: "#eab308",
    Presence.OFFLINE: "#8a94a3",
    Presence.INACTIVE: "#7c3aed",
}


def palette_for(scheme: Scheme) -> Palette:
    return {Scheme.LIGHT: LIGHT, Scheme.DARK: DARK, Scheme.HIGH_CONTRAST: HIGH_CONTRAST}[scheme]


def current_scheme() -> Scheme:
    """The OS scheme; when the platform does not say (offscreen, old desktops), the palette does."""
    chosen = os.environ.get("AGENT_DESKTOP_THEME", "")
    if chosen in {s.value for s in Scheme}:
        return Scheme(chosen)
    if QGuiApplication.instance() is None:
        return Scheme.LIGHT
    hints = QGuiApplication.styleHints()
    if hints.accessibility().contrastPreference() == Qt.ContrastPreference.HighContrast:
        return Scheme.HIGH_CONTRAST
    scheme = hints.colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return Scheme.DARK
    if scheme == Qt.ColorScheme.Light:
        return Scheme.LIGHT
    window = QGuiApplication.palette().window().color()
    return Scheme.DARK if window.lightnessF() < 0.5 else Scheme.LIGHT


def stylesheet(scheme: Scheme, base_pt: float | None = None) -> str:
    """The app's stylesheet; headings and titles are sized relative to `base_pt` (the app's
    font size), so a larger system font (200 % text) makes them larger too."""
    p = palette_for(scheme)
    if base_pt is None:
        base_pt = QGuiApplication.font().pointSizeF()
    base = base_pt if base_pt > 0 else 10.0
    heading, title, countdown = (f"{base * ratio:.1f}pt" for ratio in (1.5, 1.1, 1.2))
    presence_rules = "\n".join(
        f'QLabel#presenceDot[presence="{presence.value}"] {{ color: {colour}; }}'
        for presence, colour in PRESENCE_COLOURS.items()
    )
    return f"""
QMainWindow, QDialog {{ background: {p.window}; color: {p.text}; }}
QWidget {{ color: {p.text}; }}
QLabel[muted="true"] {{ color: {p.muted}; }}
QLabel[heading="true"] {{ font-size: {heading}; font-weight: 600; }}
QLabel[sectionTitle="true"] {{ font-weight: 600; color: {p.muted}; }}

QFrame#offerCard, QFrame#toast, QFrame#customerPanel, QFrame#caseRecord, QFrame#callPanel,
QFrame#botSummary {{
    background: {p.surface}; border: 1px solid {p.border}; border-radius: 8px;
}}
QFrame#toast {{ border-left: 4px solid {p.accent}; }}
QFrame#offerCard {{ border-left: 4px solid {p.accent}; }}
QLabel#offerTitle, QLabel#toastTitle {{ font-weight: 600; font-size: {title}; }}
QLabel#countdown {{ font-weight: 600; font-size: {countdown}; color: {p.text}; }}
QLabel#countdown[urgent="true"] {{ color: {p.danger}; }}
QProgressBar#countdownBar {{
    background: {p.customer_bubble}; border: none; border-radius: 2px; max-height: 4px;
}}
QProgressBar#countdownBar::chunk {{ background: {p.accent}; border-radius: 2px; }}

QFrame#alertRow {{ border-radius: 6px; }}
QFrame#alertRow[severity="warning"] {{ background: {p.warning_bg}; }}
QFrame#alertRow[severity="warning"] QLabel {{ color: {p.warning_text}; }}
QFrame#alertRow[severity="danger"] {{ background: {p.danger_bg}; }}
QFrame#alertRow[severity="danger"] QLabel {{ color: {p.danger_text}; }}
QFrame#alertRow[severity="info"] {{ background: {p.info_bg}; }}
QFrame#alertRow[severity="info"] QLabel {{ color: {p.info_text}; }}

QPushButton {{
    padding: 5px 14px; border-radius: 6px; border: 1px solid {p.border};
    background: {p.surface}; color: {p.text};
}}
QPushButton:hover {{ border-color: {p.accent}; }}
QPushButton:disabled {{ color: {p.muted}; }}
QPushButton[primary="true"] {{
    background: {p.accent}; color: {p.accent_text}; border-color: {p.accent}; font-weight: 600;
}}
QPushButton[danger="true"] {{ color: {p.danger}; }}
/* A disabled button must look disabled whatever its role (an ended call's "End call", a
   "Reset presence" with no agent selected), and keyboard focus must show on every button,
   the blue primary ones included (a 2 px ring; the padding shrinks so nothing moves). */
QPushButton[primary="true"]:disabled {{
    background: {p.surface}; color: {p.muted}; border-color: {p.border};
}}
QPushButton[danger="true"]:disabled {{ color: {p.muted}; }}
QPushButton:focus {{ border: 2px solid {p.accent}; padding: 4px 13px; }}
QPushButton[primary="true"]:focus {{ border: 2px solid {p.text}; }}

QListView#transcript {{ background: {p.window}; border: none; }}
QPlainTextEdit#replyBox {{
    background: {p.surface}; border: 1px solid {p.border}; border-radius: 6px; padding: 4px;
}}
QPlainTextEdit#replyBox:focus {{ border-color: {p.accent}; }}

QTableView {{
    background: {p.surface}; alternate-background-color: {p.window};
    gridline-color: {p.border}; selection-background-color: {p.accent};
    selection-color: {p.accent_text};
}}
QTabWidget::pane {{ border: 1px solid {p.border}; border-radius: 6px; top: -1px; }}
QStatusBar QLabel {{ color: {p.muted}; }}
{presence_rules}
{_high_contrast_rules(p) if scheme is Scheme.HIGH_CONTRAST else ""}"""


def _high_contrast_rules(p: Palette) -> str:
    """Alerts, cards and fields share the black background: outline them instead."""
    return f"""
QFrame#alertRow, QFrame#offerCard, QFrame#toast, QFrame#customerPanel, QFrame#caseRecord,
QFrame#callPanel, QFrame#botSummary {{ border: 2px solid {p.border}; }}
QFrame#alertRow[severity="warning"] {{ border-color: {p.warning_text}; }}
QFrame#alertRow[severity="danger"] {{ border-color: {p.danger_text}; }}
QFrame#alertRow[severity="info"] {{ border-color: {p.info_text}; }}
QLineEdit, QComboBox {{ border: 1px solid {p.border}; }}
QLineEdit:focus, QComboBox:focus, QPlainTextEdit#replyBox:focus {{ border: 2px solid {p.accent}; }}
"""


def qt_palette(scheme: Scheme) -> QPalette:
    """The same colours as a QPalette, so what the stylesheet leaves to the native style (combo
    popups, tab bars, scroll bars, menus) matches the scheme too."""
    p = palette_for(scheme)
    role = QPalette.ColorRole
    palette = QPalette()
    for roles, colour in (
        ((role.Window,), p.window),
        ((role.WindowText, role.Text, role.ButtonText, role.ToolTipText), p.text),
        ((role.Base, role.Button, role.ToolTipBase), p.surface),
        ((role.AlternateBase,), p.window),
        ((role.Highlight, role.Link), p.accent),
        ((role.HighlightedText,), p.accent_text),
        ((role.PlaceholderText,), p.muted),
        ((role.Mid, role.Midlight), p.border),
    ):
        for r in roles:
            palette.setColor(r, QColor(colour))
    palette.setColor(QPalette.ColorGroup.Disabled, role.Text, QColor(p.muted))
    palette.setColor(QPalette.ColorGroup.Disabled, role.ButtonText, QColor(p.muted))
    palette.setColor(QPalette.ColorGroup.Disabled, role.WindowText, QColor(p.muted))
    return palette


def apply_theme(app: QApplication, scheme: Scheme | None = None) -> Scheme:
    scheme = scheme or current_scheme()
    app.setPalette(qt_palette(scheme))
    app.setStyleSheet(stylesheet(scheme))
    return scheme


class ThemeFollower(QObject):
    """Re-applies the stylesheet when the OS switches between light and dark.

    Signals:
        scheme_changed(Scheme): the stylesheet was re-applied for a new scheme.
    """

    scheme_changed = Signal(object)

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self.scheme = apply_theme(app)
        app.setWindowIcon(app_icon())
        hints = QGuiApplication.styleHints()
        hints.colorSchemeChanged.connect(self._on_scheme_changed)
        hints.accessibility().contrastPreferenceChanged.connect(self._on_scheme_changed)

    def _on_scheme_changed(self, _changed: object) -> None:
        scheme = current_scheme()
        if scheme is not self.scheme:
            self.scheme = apply_theme(self._app, scheme)
            self.scheme_changed.emit(scheme)


def app_icon() -> QIcon:
    return QIcon(str(icon_path("app")))


def channel_icon(channel: Channel) -> QIcon:
    return QIcon(str(channel_icon_path(channel)))


def presence_icon(presence: Presence, size: int = 12) -> QIcon:
    """A filled dot in the presence's colour, for menus, combos and tables."""
    return colour_dot(PRESENCE_COLOURS[presence], size)


def colour_dot(colour: str, size: int = 12) -> QIcon:
    """A filled dot in `colour` (#rrggbb): a presence's, or an admin-defined presence's own."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)


def badged_icon(base: QIcon, count: int, size: int = 32) -> QIcon:
    """`base` with a red count badge in the corner (tray unread count); `base` when 0."""
    if count <= 0:
        return base
    pixmap = base.pixmap(size, size)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    badge = size * 0.6
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#dc2626"))
    painter.drawEllipse(int(size - badge), 0, int(badge), int(badge))
    painter.setPen(QColor("#ffffff"))
    font = painter.font()
    font.setBold(True)
    font.setPixelSize(int(badge * 0.7))
    painter.setFont(font)
    text = str(count) if count < 10 else "9+"
    painter.drawText(
        int(size - badge), 0, int(badge), int(badge), Qt.AlignmentFlag.AlignCenter, text
    )
    painter.end()
    return QIcon(pixmap)
