"""PyMuPDF is AGPL and optional: it is imported here, only when a proof needs it."""

from __future__ import annotations

from bookbuild.support.errors import BookError

INSTALL_HINT = ("PyMuPDF is not installed, and the proof renderings need it: run `make proof`, "
                "or pip install 'bookbuild[proof]'")


def load():
    try:
        import pymupdf
    except ImportError:
        raise BookError(INSTALL_HINT) from None
    return pymupdf


def available() -> bool:
    try:
        load()
    except BookError:
        return False
    return True


def set_user_css(pymupdf, css: str) -> None:
    """MuPDF applies this stylesheet to every document opened after it (a global setting)."""
    pymupdf.mupdf.fz_set_user_css(css)
