"""The e-readers a proof is rendered for, and the type sizes a reader picks on them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Device:
    id: str  # file-name safe
    name: str
    width: int  # screen pixels, portrait
    height: int
    ppi: int
    edition: str  # the file the device reads: "kepub", "kindle" or "epub"

    @property
    def page_size(self) -> tuple[float, float]:
        """The screen in points: laid out at this size, rendered at `ppi`, it fills the screen."""
        return self.width * 72 / self.ppi, self.height * 72 / self.ppi

    @property
    def margins(self) -> tuple[float, float, float, float]:
        """Top, right, bottom, left in points: roughly what the reading apps leave by default.

        The bottom is deeper because the devices print a progress line there.
        """
        w, h = self.page_size
        side = round(w * 0.055, 1)
        return round(h * 0.045, 1), side, round(h * 0.07, 1), side


DEVICES = (
    Device("kindle-paperwhite", "Kindle Paperwhite", 1264, 1680, 300, "kindle"),
    Device("kobo-clara", "Kobo Clara", 1072, 1448, 300, "kepub"),
    Device("kobo-libra", "Kobo Libra", 1264, 1680, 300, "kepub"),
    Device("remarkable-2", "reMarkable 2", 1404, 1872, 226, "epub"),
)

# The device `bookbuild watch` renders the saved section on, unless told another.
DEFAULT_VIEW = "kobo-clara"

# Body type in points at the device's real size: the smallest, default and largest settings
# most readers actually use (the devices go further both ways).
FONT_SIZES = {"small": 8.0, "medium": 10.0, "large": 13.0}
