"""A deterministic 1,000,000-word, 200-chapter book for `make bench`.

Footnotes, figures and cross-section links in every chapter, so the benchmark exercises what
real books do, not just paragraphs.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from PIL import Image, ImageDraw

WORDS = ("the of and to in a was he that it his her with as had for she on at by not but be "
         "from they which all were this one have you or an said when their there been would "
         "into more could time what them some so then only over little upon about like out "
         "before after river window table light evening storm comrade letter morning city "
         "bridge snow journey voice question answer winter silence street garden memory "
         "promise shadow harbour station paper council meeting minutes decree power people").split()


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    words[0] = words[0].capitalize()
    return " ".join(words) + rng.choice([".", ".", ".", "?", "!"])


def paragraph(rng: random.Random, words: int) -> tuple[str, int]:
    out, count = [], 0
    while count < words:
        n = rng.randint(8, 24)
        out.append(sentence(rng, n))
        count += n
    return " ".join(out), count


def chapter(rng: random.Random, index: int, chapters: int, words: int, images: int) -> str:
    lines = [f"# Chapter {index} {{#chapter-{index}}}", ""]
    count, notes, para = 0, 0, 0
    while count < words:
        text, n = paragraph(rng, rng.randint(60, 180))
        para += 1
        if para % 6 == 0:
            notes += 1
            text += f"[^n{notes}]"
        if para == 3:
            target = index % chapters + 1
            text += f" See [chapter {target}](#chapter-{target}) and [its notes](#part-{target})."
        lines += [text, ""]
        if para == 8:
            lines += [f"## Part two {{#part-{index}}}", ""]
        if para == 12 and images:
            img = (index % images) + 1
            lines += [f"![Figure for chapter {index}.](images/figure-{img}.png)"
                      f"{{fig-alt=\"A generated diagram, number {img}.\"}}", ""]
        if para == 16:
            lines += ["* * *", ""]
        count += n
    for k in range(1, notes + 1):
        lines += [f"[^n{k}]: {sentence(rng, rng.randint(10, 30))}", ""]
    return "\n".join(lines)


def make_images(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(1, count + 1):
        im = Image.new("RGB", (1200, 800), (240, 236, 228))
        draw = ImageDraw.Draw(im)
        for k in range(12):
            x = 80 + k * 85
            draw.rectangle([x, 700 - (i * 37 + k * 53) % 500, x + 60, 700], fill=(60, 70, 90))
        im.save(folder / f"figure-{i}.png", optimize=True)


def generate(root: Path, chapters: int = 200, words: int = 1_000_000, images: int = 20) -> Path:
    rng = random.Random(1917)
    manuscript = root / "manuscript"
    (manuscript / "chapters").mkdir(parents=True, exist_ok=True)
    (manuscript / "book.yaml").write_text(
        "title: The Benchmark Book\nauthor: A. Generator\nlanguage: en\n"
        "identifier: urn:uuid:00000000-0000-4000-8000-000000001917\nslug: bench\n", "utf-8")
    per = words // chapters
    for i in range(1, chapters + 1):
        path = manuscript / "chapters" / f"{i:03d}.md"
        path.write_text(chapter(rng, i, chapters, per, images), "utf-8")
    make_images(root / "assets" / "images", images)
    return root


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--chapters", type=int, default=200)
    parser.add_argument("--words", type=int, default=1_000_000)
    args = parser.parse_args()
    generate(args.folder, args.chapters, args.words)
