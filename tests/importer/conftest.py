"""Word and OpenDocument files as an author's word processor saves them: the tests write a
manuscript, pandoc or a flat OpenDocument file gives it a first shape, and LibreOffice (from
Debian, headless) opens and saves it as .docx and .odt."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import require_tool

NOVEL = """\
---
title: The Lighthouse Keeper
author: Mara Quill
lang: en-GB
---

# Dedication

For Ada, who kept the light.

# Chapter One

The keeper climbed the stairs at dusk.[^1] She read *The Mariner's Log* and **never** slept
before the lamp was lit. The [NASA]{.smallcaps} report sat on the shelf.

![The lighthouse at dusk](lighthouse.png){alt="A white tower on a dark rock"}

\\* \\* \\*

> The log said: wind from the west, the glass falling.

- the lamp
- the wick

| Hour | Wind |
|------|------|
| six  | west |

She wrote to [the harbour office](https://example.org/harbour).

# Chapter Two

The storm came at night, and the light held.

# Acknowledgements

My thanks to the keepers of the Northern Lights.

# About the Author

Mara Quill lives by the sea.

[^1]: There are one hundred and twelve of them.
"""


def soffice_ready():
    require_tool(None if shutil.which("soffice") else
                 "LibreOffice is not installed (`make test` installs it)", "LibreOffice")


def save_as(source: Path, fmt: str, out: Path) -> Path:
    """`source` opened and saved by LibreOffice as `fmt` ("docx" or "odt") into `out`."""
    profile = out / ".lo-profile"
    filters = {"docx": "docx:MS Word 2007 XML", "odt": "odt"}
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", filters[fmt], "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=180)
    saved = out / f"{source.stem}.{fmt}"
    assert saved.is_file(), f"LibreOffice wrote no {saved.name}"
    return saved


@pytest.fixture(scope="session")
def novel_files(tmp_path_factory) -> dict[str, Path]:
    """The novel as LibreOffice saves it: {"docx": …, "odt": …}."""
    soffice_ready()
    from bookbuild.convert.pandoc import pandoc_path

    work = tmp_path_factory.mktemp("novel")
    (work / "novel.md").write_text(NOVEL, "utf-8")
    Image.new("RGB", (120, 160), (200, 200, 220)).save(work / "lighthouse.png")
    subprocess.run([pandoc_path(), "novel.md", "-o", "first.docx"], cwd=work, check=True)
    out = work / "saved"
    out.mkdir()
    odt = save_as(work / "first.docx", "odt", out)
    (out / "novel.odt").write_bytes(odt.read_bytes())
    docx = save_as(out / "novel.odt", "docx", out)
    return {"docx": docx, "odt": out / "novel.odt"}
