"""Generators for the cases that cannot be plain files in git: symlinks, wrong encodings, control
characters, huge images, unwritable folders. A case names one in its case.yaml as `make:`.

Each maker gets the Case context after the base book has been copied and the case's own files
laid over it, and breaks the book (or the output folder) in place.
"""

from __future__ import annotations

import os
import shutil
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image
from PIL.PngImagePlugin import PngInfo

# Text that exists only outside the book folder: it must never show up in any output.
SECRET = "SECRET-c0ffee-7d1e"


@dataclass
class Case:
    book: Path
    out: Path  # holds the previous good output
    outside: Path  # a folder beside the book with files a build must never read
    tmp: Path
    as_nobody: bool = False  # case.yaml `user: nobody`: build as an unprivileged user
    fresh_check: bool = True  # also build into a fresh folder and check it is not created
    env: dict = field(default_factory=dict)


def make_outside(folder: Path) -> None:
    """Files beside the book that carry the secret: Markdown, YAML, a PNG, an SVG."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "secret.md").write_text(f"# {SECRET}\n\n{SECRET}\n", "utf-8")
    (folder / "secret.yaml").write_text(f"title: {SECRET}\nauthor: X\nlanguage: en\n", "utf-8")
    info = PngInfo()
    info.add_text("Comment", SECRET)
    Image.new("RGB", (16, 16), (200, 0, 0)).save(folder / "secret.png", pnginfo=info)
    (folder / "secret.svg").write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><desc>{SECRET}</desc>'
        f'</svg>', "utf-8")
    (folder / "folder").mkdir(exist_ok=True)
    (folder / "folder" / "01-secret.md").write_text(f"# {SECRET}\n", "utf-8")
    (folder / "folder" / "square.png").write_bytes((folder / "secret.png").read_bytes())


def _chapter(case: Case, body: str, name: str = "03-three.md") -> Path:
    path = case.book / "manuscript" / "chapters" / name
    path.write_text(body, "utf-8")
    return path


# Files and paths ---------------------------------------------------------------------------

def image_symlink_out(case: Case) -> None:
    os.symlink(case.outside / "secret.png", case.book / "assets/images/leak.png")


def image_absolute(case: Case) -> None:
    target = case.outside / "secret.png"
    _chapter(case, f"# Three\n\nLook:\n\n![A leak.]({target}){{fig-alt=\"A red square.\"}}\n")


def images_folder_symlink_out(case: Case) -> None:
    shutil.rmtree(case.book / "assets/images")
    os.symlink(case.outside / "folder", case.book / "assets/images")


def chapter_symlink_out(case: Case) -> None:
    os.symlink(case.outside / "secret.md", case.book / "manuscript/chapters/03-leak.md")


def chapters_folder_symlink_out(case: Case) -> None:
    shutil.rmtree(case.book / "manuscript/chapters")
    os.symlink(case.outside / "folder", case.book / "manuscript/chapters")


def yaml_symlink_out(case: Case) -> None:
    (case.book / "manuscript/book.yaml").unlink()
    os.symlink(case.outside / "secret.yaml", case.book / "manuscript/book.yaml")


def cover_symlink_out(case: Case) -> None:
    os.symlink(case.outside / "secret.png", case.book / "assets/images/cover.png")


def chapter_dangling_symlink(case: Case) -> None:
    os.symlink("03-gone.md", case.book / "manuscript/chapters/03-three.md")


def chapter_is_a_folder(case: Case) -> None:
    (case.book / "manuscript/chapters/03-three.md").mkdir()


def chapter_not_utf8(case: Case) -> None:
    path = case.book / "manuscript/chapters/03-three.md"
    path.write_bytes(b"# Three\n\nA caf" + b"\xe9 au lait, in Latin-1.\n")


def chapter_control_character(case: Case) -> None:
    _chapter(case, "# Three\n\nA line.\n\nPasted from a terminal: \x1b[1mbold\x1b[0m.\n")


def yaml_not_utf8(case: Case) -> None:
    path = case.book / "manuscript/book.yaml"
    path.write_bytes(b"title: A Small Good Book\nauthor: Ren\xe9e Author\nlanguage: en\n")


# Images ------------------------------------------------------------------------------------

def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def bomb_png(path: Path, width: int, height: int) -> None:
    """A valid 1-bit PNG of width×height white pixels; all-zero rows compress to almost nothing,
    so a 40,000×40,000 image (1.6 gigapixels, 4.8 GB decoded as RGB) is about 200 KB."""
    row = b"\x00" + b"\x00" * ((width + 7) // 8)  # filter byte, then the packed pixels
    packer = zlib.compressobj(9)
    rows_per_block = max(1, (4 << 20) // len(row))
    blocks = []
    for start in range(0, height, rows_per_block):
        blocks.append(packer.compress(row * min(rows_per_block, height - start)))
    blocks.append(packer.flush())
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr)
                     + _png_chunk(b"IDAT", b"".join(blocks)) + _png_chunk(b"IEND", b""))


def decompression_bomb(case: Case) -> None:
    bomb_png(case.book / "assets/images/bomb.png", 40_000, 40_000)


def oversized_image(case: Case) -> None:
    # Between Pillow's warning and error thresholds: Pillow alone would decode it.
    bomb_png(case.book / "assets/images/huge.png", 12_000, 12_000)


def truncated_image(case: Case) -> None:
    noise = Image.effect_noise((256, 256), 64).convert("RGB")
    path = case.book / "assets/images/cut.png"
    noise.save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def eps_disguised_as_png(case: Case) -> None:
    # Pillow would hand EPS to Ghostscript; a book image never needs that decoder.
    (case.book / "assets/images/square.png").write_text(
        "%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n", "ascii")


def two_images_one_name(case: Case) -> None:
    square = case.book / "assets/images/square.png"
    for name in ("a b.png", "a-b.png"):
        shutil.copyfile(square, case.book / "assets/images" / name)


# Output ------------------------------------------------------------------------------------

def out_under_a_file(case: Case) -> None:
    blocker = case.tmp / "not-a-folder"
    blocker.write_text("a file where a folder should be\n")
    case.out = blocker / "build"
    case.fresh_check = False


def out_read_only(case: Case) -> None:
    """A folder the user cannot write to. Root writes anywhere, so the case says `user: nobody`
    and the build runs as that user (see test_bad_input.run_build)."""
    os.chmod(case.out, 0o555)
    case.fresh_check = False


def out_target_is_a_folder(case: Case) -> None:
    (case.out / "a-small-good-book.epub").unlink()
    (case.out / "a-small-good-book.epub").mkdir()
    (case.out / "a-small-good-book.epub" / "keep.txt").write_text("mine\n")
    case.fresh_check = False

