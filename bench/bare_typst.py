"""The baseline for the PDF benchmark: bare pandoc → Typst → typst.compile.

One pandoc call for the whole book, a minimal page template with the running head carried in
state() (the cheaper of the two ways measured in NOTES.md), one compile.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pypandoc
import typst

TEMPLATE = r"""
#let horizontalrule = line(start: (25%,0%), end: (75%,0%))
#let chapter = state("chapter", "")
#set page(width: 5.5in, height: 8.5in, margin: (inside: 0.75in, outside: 0.5in, y: 0.75in),
  header: context { let c = chapter.get(); if c != "" [#smallcaps(c) #h(1fr) #counter(page).display()] })
#set text(font: "Libertinus Serif", size: 11pt)
#set par(justify: true)
#show heading.where(level: 1): it => { pagebreak(weak: true); chapter.update(it.body); it }
$body$
"""


def main(output: str, *chapters: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp, "t.typ")
        template.write_text(TEMPLATE)
        source = Path(tmp, "book.typ")
        subprocess.run([pypandoc.get_pandoc_path(), "-f", "markdown", "-t", "typst",
                        "--template", str(template), "-o", str(source), *chapters],
                       check=True, stderr=subprocess.DEVNULL)
        # Images are left out of the baseline: pandoc's paths point into the book folder.
        text = source.read_text().replace("#figure(image(", "#figure((")
        source.write_text(text)
        typst.compile(str(source), output=output)


if __name__ == "__main__":
    main(*sys.argv[1:])
