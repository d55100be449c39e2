"""The escalation ladder in Settings: when the sound, the flash and the last call come."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QSpinBox, QWidget

from agent_desktop.session.ladder import MAX_STEP_S, Ladder
from agent_desktop.ui.i18n import QT_TRANSLATE_NOOP, translate

OFF = QT_TRANSLATE_NOOP("Settings", "Off")

WITH_NOTIFICATION = QT_TRANSLATE_NOOP("Settings", "with the notification")


class LadderFields(QWidget):
    """Three spin boxes over a `Ladder`; the lowest value of each reads "Off" (None)."""

    def __init__(self, ladder: Ladder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        # -1 is "Off" for the two delays after arrival (0 means "with the notification").
        self.sound_after = _seconds(-1, ladder.sound_after_s, WITH_NOTIFICATION)
        self.flash_after = _seconds(-1, ladder.flash_after_s, WITH_NOTIFICATION)
        # A last call at the deadline would come too late: its lowest value, 0, is "Off".
        self.last_call = _seconds(0, ladder.last_call_s, None)
        form.addRow(translate("Settings", "Sound after"), self.sound_after)
        form.addRow(translate("Settings", "Flash the taskbar after"), self.flash_after)
        form.addRow(translate("Settings", "Last call before the deadline"), self.last_call)
        self.setToolTip(
            translate(
                "Settings",
                "If an offer is not answered: a sound, then a taskbar flash, then a last call "
                "(the notification again, urgent, with a sound) shortly before it expires.",
            )
        )

    def value(self) -> Ladder:
        return Ladder(
            sound_after_s=_read(self.sound_after),
            flash_after_s=_read(self.flash_after),
            last_call_s=_read(self.last_call),
        )


def _seconds(off: int, value: float | None, zero_text: str | None) -> QSpinBox:
    box = QSpinBox()
    box.setRange(off, int(MAX_STEP_S))
    box.setSuffix(translate("Settings", " s"))
    box.setSpecialValueText(translate("Settings", OFF))  # shown at the minimum
    box.setValue(off if value is None else round(value))
    if zero_text is not None:
        box.setToolTip(
            translate("Settings", "0 s: {meaning}").format(meaning=translate("Settings", zero_text))
        )
    return box


def _read(box: QSpinBox) -> float | None:
    return None if box.value() == box.minimum() else float(box.value())
