"""Proof fixtures: each book is proofed once per session, through the real command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SAMPLE, run_cli

WIDE = Path(__file__).resolve().parent / "books" / "wide"
SAMPLE_SLUG = "when-lenin-proclaimed-soviet-power"


@pytest.fixture(scope="session")
def sample_proof(tmp_path_factory) -> dict:
    """`bookbuild proof SAMPLE --device FAKE_KOBO`: the outputs, the device and the run."""
    base = tmp_path_factory.mktemp("sample-proof")
    kobo = base / "KOBOeReader"
    (kobo / ".kobo").mkdir(parents=True)
    out = base / "build"
    result = run_cli("proof", SAMPLE, "--out", out, "--device", kobo, "-q")
    assert result.returncode == 0, result.stdout + result.stderr
    return {"out": out, "proof": out / "proof", "kobo": kobo, "run": result,
            "epub": out / f"{SAMPLE_SLUG}.epub", "kepub": out / f"{SAMPLE_SLUG}.kepub.epub",
            "kindle": out / f"{SAMPLE_SLUG}.kindle.epub"}


@pytest.fixture(scope="session")
def wide_proof(tmp_path_factory) -> dict:
    from bookbuild.proof.run import proof

    out = tmp_path_factory.mktemp("wide-proof")
    result = proof(WIDE, out)
    return {"out": out, "result": result}
