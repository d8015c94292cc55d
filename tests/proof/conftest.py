"""Proof fixtures: each book is proofed once per session, through the real command line."""

from __future__ import annotations

from pathlib import Path

import pytest

WIDE = Path(__file__).resolve().parent / "books" / "wide"


@pytest.fixture(scope="session")
def wide_proof(tmp_path_factory) -> dict:
    from bookbuild.proof.run import proof

    out = tmp_path_factory.mktemp("wide-proof")
    result = proof(WIDE, out)
    return {"out": out, "result": result}
