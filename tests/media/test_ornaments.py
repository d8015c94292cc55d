"""The scene-break ornament: the set, and the author's SVG refused at its line when unsafe."""

from __future__ import annotations

import pytest
from lxml import etree

from bookbuild.book.reader import read_book
from bookbuild.book.style import ORNAMENTS
from bookbuild.media import ornaments
from bookbuild.support.errors import BookError, Problems
from bookbuild.support.xml import SVG_NS

YAML = "title: Small\nauthor: A\nlanguage: en\nstyle:\n  design: classic\n  ornament: {0}\n"
ORNAMENT_LINE = 6  # of YAML, where `ornament:` is
GOOD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 24">\n'
        '  <path d="M10 12 H110" stroke="#555"/>\n'
        '</svg>\n')


def small_book(tmp_path, ornament: str, svg: str | bytes | None = None,
               name: str = "leaf.svg"):
    book = tmp_path / "book"
    (book / "manuscript/chapters").mkdir(parents=True)
    (book / "manuscript/book.yaml").write_text(YAML.format(ornament), "utf-8")
    (book / "manuscript/chapters/01.md").write_text("# One\n\nA.\n\n* * *\n\nB.\n")
    if svg is not None:
        path = book / "assets" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(svg if isinstance(svg, bytes) else svg.encode())
    return read_book(book)


def refused(tmp_path, svg, ornament: str = "leaf.svg") -> list[str]:
    book = small_book(tmp_path, ornament, svg)
    with pytest.raises(BookError) as e:
        ornaments.load(book)
    return [str(p) for p in e.value.problems]


@pytest.mark.parametrize("name", ORNAMENTS)
def test_each_of_the_set_is_a_small_titled_svg_on_one_viewbox(name):
    data = ornaments.of_set(name).data
    root = etree.fromstring(data)
    assert root.tag == f"{{{SVG_NS}}}svg" and len(data) < 4096
    assert root.get("viewBox") == "0 0 120 24"
    assert root.find(f"{{{SVG_NS}}}title").text == "Scene break"
    assert "#555" in data.decode()
    problems = Problems()
    assert ornaments.checked(data, name, problems, ("book.yaml", 1)) == data
    assert not problems  # the set passes the checks an author's SVG must pass


def test_the_set_is_five_different_drawings():
    assert len({ornaments.of_set(n).digest for n in ORNAMENTS}) == len(ORNAMENTS) == 5


def test_a_named_ornament_is_chosen(tmp_path):
    assert ornaments.load(small_book(tmp_path, "dinkus")) == ornaments.of_set("dinkus")


def test_the_authors_svg_relative_to_assets(tmp_path):
    book = small_book(tmp_path, "ornaments/leaf.svg", GOOD, "ornaments/leaf.svg")
    found = ornaments.load(book)
    assert found.own and found.name == "ornaments/leaf.svg" and found.data == GOOD.encode()


def test_width_and_height_alone_are_a_size(tmp_path):
    sized = svg('<path d="M0 0 H9"/>', root='<svg xmlns="http://www.w3.org/2000/svg" '
                                            'width="6em" height="1.2em">')
    assert ornaments.load(small_book(tmp_path, "leaf.svg", sized)).own


def test_a_public_doctype_is_left_out(tmp_path):
    svg = GOOD.replace("<svg", '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
                               '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg', 1)
    data = ornaments.load(small_book(tmp_path, "leaf.svg", svg)).data
    assert b"DOCTYPE" not in data and b"<path" in data


def svg(*inner: str, root: str = '<svg xmlns="http://www.w3.org/2000/svg" '
                                  'xmlns:xlink="http://www.w3.org/1999/xlink" '
                                  'viewBox="0 0 120 24">') -> str:
    """An SVG whose line 3 onwards is `inner`, one per line (line 1 is the XML declaration)."""
    return "\n".join(['<?xml version="1.0"?>', root, *inner, "</svg>", ""])


UNSAFE = {
    "script": (svg('<path d="M0 0 H9"/>', "<script>alert(1)</script>"), 4, "has a <script>"),
    "handler": (svg('<path d="M0 0 H9" onclick="alert(1)"/>'), 3, "event handler (onclick"),
    "onload on the root": (svg(root='<svg xmlns="http://www.w3.org/2000/svg" width="120" '
                                    'height="24" onload="alert(1)">'), 2,
                           "event handler (onload"),
    "foreignObject": (svg('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div>'
                          '</foreignObject>'), 3, "has a <foreignObject>"),
    "xlink:href out": (svg('<image xlink:href="https://example.com/t.png" width="9" '
                           'height="9"/>'), 3, "outside resource 'https://example.com/t.png'"),
    "href to a file": (svg('<use href="other.svg#leaf"/>'), 3, "outside resource 'other.svg#leaf'"),
    "data URL": (svg('<image href="data:image/png;base64,AAAA"/>'), 3, "outside resource"),
    "script URL": (svg('<a href="javascript:alert(1)"><path d="M0 0 H9"/></a>'), 3,
                   "script URL in href"),
    "animated link": (svg('<a href="#x"><set attributeName="href" to="#y"/></a>'), 3,
                      "animates a link"),
    "remote CSS in style=": (svg('<path d="M0 0 H9" style="fill: url(https://x.example/p)"/>'),
                             3, "loads 'https://x.example/p'"),
    "remote CSS in fill=": (svg('<path d="M0 0 H9" fill="url(http://x.example/g#a)"/>'), 3,
                            "loads 'http://x.example/g#a'"),
    "@import": (svg("", "", '<style>@import "https://x.example/a.css";</style>'), 5,
                "loads 'https://x.example/a.css'"),
    "escaped url( in fill=": (svg(r'<path d="M0 0 H9" fill="u\72l(https://x.example/p)"/>'), 3,
                              "loads 'https://x.example/p'"),
    "escaped url(": (svg(r'<style>path { fill: u\72l(https://x.example/p) }</style>'), 3,
                     "loads 'https://x.example/p'"),
    "xml-stylesheet": ('<?xml version="1.0"?>\n<?xml-stylesheet href="https://x.example/a.css"?>'
                       '\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"/>\n', 2,
                       "loads a stylesheet"),
    "entities": ('<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "aaaa">]>\n'
                 '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><text>&a;</text></svg>\n', 2,
                 "declares its own entities"),
    "not well-formed": (svg('<path d="M0 0 H9">'), 4, "not a well-formed SVG"),
    "no size": (svg('<path d="M0 0 H9"/>', root='<svg xmlns="http://www.w3.org/2000/svg">'), 2,
                "the SVG has no size: give its <svg> a viewBox"),
    "a zero viewBox": (svg(root='<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 0 24">'),
                       2, "has no size"),
    "a width in percent": (svg(root='<svg xmlns="http://www.w3.org/2000/svg" width="100%" '
                                    'height="24">'), 2, "has no size"),
}


@pytest.mark.parametrize("case", UNSAFE)
def test_an_unsafe_svg_is_refused_at_its_line(tmp_path, case):
    text, line, message = UNSAFE[case]
    problems = refused(tmp_path, text)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"assets/leaf.svg:{line}: ") and message in problems[0], \
        problems


def test_every_unsafe_line_is_said_at_once(tmp_path):
    problems = refused(tmp_path, svg("<script>alert(1)</script>",
                                     '<path d="M0 0 H9" onmouseover="x()"/>',
                                     '<image href="http://x.example/a.png"/>'))
    assert [p.split(": ")[0] for p in problems] == [
        "assets/leaf.svg:3", "assets/leaf.svg:4", "assets/leaf.svg:5"]


AT_YAML = {
    "missing": (None, "leaf.svg", "style: ornament: assets/leaf.svg not found"),
    "assets/ written twice": (None, "assets/leaf.svg",
                              "not found; the path is relative to assets/: write 'leaf.svg'"),
    "outside the book": (None, "../../secret.svg", "leaves the book folder"),
    "absolute": (None, "/etc/x.svg", "absolute path"),
    "not SVG": ('<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"/>\n',
                "leaf.svg", "assets/leaf.svg is not an SVG (its root element is <html>)"),
    "no SVG namespace": ('<svg viewBox="0 0 1 1"><path d="M0 0 H1"/></svg>', "leaf.svg",
                         'is not an SVG (<svg> without xmlns="http://www.w3.org/2000/svg")'),
    "a picture named .svg": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "leaf.svg",
                             "assets/leaf.svg is not an SVG (not XML text)"),
    "too large": (GOOD.replace("</svg>", "<!--" + "x" * ornaments.MAX_BYTES + "--></svg>"),
                  "leaf.svg", "is larger than 256 KB"),
}


@pytest.mark.parametrize("case", AT_YAML)
def test_a_file_that_is_no_ornament_is_refused_at_the_ornament_line(tmp_path, case):
    text, written, message = AT_YAML[case]
    problems = refused(tmp_path, text, written)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"manuscript/book.yaml:{ORNAMENT_LINE}: "), problems
    assert message in problems[0], problems


def test_a_folder_is_no_ornament(tmp_path):
    book = small_book(tmp_path, "leaf.svg")
    (book.root / "assets/leaf.svg").mkdir(parents=True)
    with pytest.raises(BookError, match=r"book.yaml:6: style: ornament: assets/leaf.svg is not "
                                        r"a regular file"):
        ornaments.load(book)


def test_a_symlink_out_of_the_book_is_refused_before_it_is_read(tmp_path):
    secret = tmp_path / "secret.svg"
    secret.write_text(GOOD)
    book = small_book(tmp_path, "leaf.svg")
    (book.root / "assets").mkdir()
    (book.root / "assets/leaf.svg").symlink_to(secret)
    with pytest.raises(BookError, match=r"book.yaml:6: style: ornament: .*outside the book"):
        ornaments.load(book)


def test_work_folder_name_follows_the_content(tmp_path):
    a, b = ornaments.of_set("rule"), ornaments.of_set("wave")
    path_a, path_b = ornaments.write(a, tmp_path), ornaments.write(b, tmp_path)
    assert path_a != path_b and path_a.startswith("/ornaments/")
    assert (tmp_path / path_a.lstrip("/")).read_bytes() == a.data
