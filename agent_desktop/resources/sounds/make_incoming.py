"""Writes `incoming.wav`: a short two-note chime, generated so no audio is downloaded.

Run `python -m agent_desktop.resources.sounds.make_incoming` to regenerate it.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22_050
NOTES = ((880.0, 0.16), (1318.5, 0.26))
"""A5 then E6: rising, so it reads as "something arrived", not as an error."""


def samples() -> list[int]:
    out: list[int] = []
    for freq, seconds in NOTES:
        count = int(RATE * seconds)
        for i in range(count):
            t = i / RATE
            # A quick attack and an exponential decay keep the chime soft and click-free.
            envelope = min(1.0, i / (RATE * 0.005)) * math.exp(-5.0 * t / seconds)
            value = envelope * (
                0.8 * math.sin(2 * math.pi * freq * t) + 0.2 * math.sin(4 * math.pi * freq * t)
            )
            out.append(int(value * 0.45 * 32_767))
    return out


def write(path: Path) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(b"".join(struct.pack("<h", s) for s in samples()))


if __name__ == "__main__":
    write(Path(__file__).with_name("incoming.wav"))
