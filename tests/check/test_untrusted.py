"""EPUBs from anywhere are checked safely: entities are never resolved, nothing is fetched or
unpacked, and an archive cannot make us inflate more than a bounded size."""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

import pytest
from check_cli import run_cli
from epub_faults import CHAPTER, rewrite, sub
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookbuild.check import registry
from bookbuild.check.epub_file import EpubFile
from bookbuild.support.zipped import MAX_ENTRY

SVG = "EPUB/images/smolny-room.svg"
XXE = '<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = ('<!DOCTYPE html [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                    for i in range(1, 10)) + "]>")


def findings(path: Path):
    with EpubFile.open(path) as epub:
        return registry.run("epub", epub)


def _secret_absent(found) -> None:
    text = " ".join(f.message for f in found)
    assert "root:" not in text and "/bin/" not in text


def test_external_entity_is_reported_never_resolved(sample_epub, tmp_path):
    path = rewrite(sample_epub, tmp_path / "xxe.epub", edit={CHAPTER: lambda b: sub(
        r"<!DOCTYPE html>", XXE)(sub(r"<p>", "<p>&xxe;")(b))})
    found = findings(path)
    assert "EPUB-XML-002" in [f.code for f in found]
    _secret_absent(found)


def test_entity_expansion_is_reported_never_expanded(sample_epub, tmp_path):
    path = rewrite(sample_epub, tmp_path / "laughs.epub", edit={CHAPTER: lambda b: sub(
        r"<!DOCTYPE html>", LAUGHS)(sub(r"<p>", "<p>&lol9;")(b))})
    assert "EPUB-XML-002" in [f.code for f in findings(path)]


def test_utf16_xxe_slips_past_the_prefilter_but_not_the_parser(sample_epub, tmp_path):
    doc = ('<?xml version="1.0" encoding="UTF-16"?>' + XXE +
           '<html xmlns="http://www.w3.org/1999/xhtml" lang="en" xml:lang="en"><head>'
           '<title>x</title></head><body><p id="leak">&xxe;</p></body></html>')
    path = rewrite(sample_epub, tmp_path / "utf16.epub",
                   edit={CHAPTER: lambda _b: doc.encode("utf-16")})
    with EpubFile.open(path) as epub:
        root = epub.xml(CHAPTER)
        found = registry.run("epub", epub)
    if root is not None:
        assert "root:" not in "".join(root.itertext())
    _secret_absent(found)


HTML = ('<html xmlns="http://www.w3.org/1999/xhtml" lang="en" xml:lang="en"><head>'
        '<title>x</title></head><body><p>x</p></body></html>')


@pytest.mark.parametrize("doc, encoding", [
    ('<?xml version="1.0" encoding="UTF-16"?>' + XXE + HTML, "utf-16"),
    ('<!DOCTYPE html [<!-- ] --><!ENTITY x "y">]>' + HTML, "utf-8"),  # a `]` before it
    ("<!--" + "x" * 70_000 + "-->" + XXE + HTML, "utf-8"),  # after the first 64 KB
    ('<!DOCTYPE html SYSTEM "http://127.0.0.1:9/evil.dtd">' + HTML, "utf-8"),  # SSRF
], ids=["utf-16", "bracket-first", "late", "outside-dtd"])
def test_every_unsafe_doctype_is_found(sample_epub, tmp_path, doc, encoding):
    """Read from the parsed document type, not matched on the first 64 KB of bytes."""
    path = rewrite(sample_epub, tmp_path / "d.epub",
                   edit={CHAPTER: lambda _b: doc.encode(encoding)})
    assert "EPUB-XML-002" in [f.code for f in findings(path)]


def test_the_dtds_epub_2_names_are_fine(sample_epub, tmp_path):
    doc = ('<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE html PUBLIC '
           '"-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">' + HTML)
    path = rewrite(sample_epub, tmp_path / "e2.epub", edit={CHAPTER: lambda _b: doc.encode()})
    assert "EPUB-XML-002" not in [f.code for f in findings(path)]


def test_svg_script_and_outside_references_are_reported(sample_epub, tmp_path):
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
           b'<image xlink:href="file:///etc/passwd"/><rect onclick="steal()"/></svg>')
    path = rewrite(sample_epub, tmp_path / "svg.epub", drop=(SVG,), add={SVG: svg})
    messages = [f.message for f in findings(path) if f.code == "EPUB-SVG-001"]
    assert any("file:///etc/passwd" in m for m in messages)
    assert any("script or event handler" in m for m in messages)


def _patch_sizes(path: Path, name: str, size: int) -> None:
    """Make the headers of entry `name` declare `size` bytes uncompressed (a lying zip)."""
    raw = bytearray(path.read_bytes())
    encoded = name.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := raw.find(signature, start)) >= 0:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if raw[name_at:name_at + len(encoded)] == encoded:
                raw[start + offset:start + offset + 4] = struct.pack("<I", size)
            start += 4
    path.write_bytes(bytes(raw))


def test_a_zip_that_lies_about_its_size_is_never_inflated_past_it(sample_epub, tmp_path):
    path = rewrite(sample_epub, tmp_path / "liar.epub",
                   add={"EPUB/bomb.xhtml": b"<p>" + b" " * (80 * 1024 * 1024) + b"</p>"})
    _patch_sizes(path, "EPUB/bomb.xhtml", 1000)
    with zipfile.ZipFile(path) as z:
        assert z.getinfo("EPUB/bomb.xhtml").file_size == 1000
    codes = [f.code for f in findings(path)]
    assert "EPUB-OCF-007" in codes  # inflating stops at the declared size: a bad checksum


def test_a_huge_declared_size_is_refused_unread(sample_epub, tmp_path):
    path = rewrite(sample_epub, tmp_path / "huge.epub", add={"EPUB/huge.xhtml": b"<p/>"})
    _patch_sizes(path, "EPUB/huge.xhtml", 0xF0000000)
    with EpubFile.open(path) as epub:
        assert epub.read("EPUB/huge.xhtml") is None
        assert epub.problems["EPUB/huge.xhtml"].kind == "too-large"
        codes = [f.code for f in registry.run("epub", epub)]
    assert "EPUB-OCF-006" in codes and 0xF0000000 > MAX_ENTRY


def test_check_command_on_a_hostile_epub(sample_epub, tmp_path):
    path = rewrite(sample_epub, tmp_path / "hostile.epub",
                   add={"../../outside.txt": b"x"},
                   edit={CHAPTER: sub(r"<!DOCTYPE html>", XXE)})
    result = run_cli("check", "--fast", "--format", "json", path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert {"EPUB-OCF-005", "EPUB-XML-002"} <= codes
    assert not (tmp_path.parent / "outside.txt").exists()


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(min_value=0), st.binary(min_size=1, max_size=8)),
                min_size=1, max_size=12))
def test_no_corruption_crashes_a_rule(sample_bytes, tmp_path_factory, edits):
    """Whatever bytes an EPUB holds, every rule reports findings; none of them crashes."""
    raw = bytearray(sample_bytes)
    for offset, data in edits:
        at = offset % len(raw)
        raw[at:at + len(data)] = data
    path = tmp_path_factory.mktemp("fuzz") / "x.epub"
    path.write_bytes(bytes(raw))
    assert [f.message for f in findings(path) if f.code == "CHECK-900"] == []


@pytest.fixture(scope="module")
def sample_bytes(sample_epub) -> bytes:
    return sample_epub.read_bytes()


def _codes(path: Path) -> set[str]:
    return {f.code for f in findings(path)}


def test_what_is_valid_is_not_flagged(sample_epub, tmp_path):
    """False alarms seen on valid EPUBs: a JSON-LD data block called a script, a media fragment
    or an EPUB CFI called a missing id, a CSS @namespace called a remote resource, and a
    stylesheet link written rel="StyleSheet" not followed."""
    data = '<script type="application/ld+json">{"@context": "https://schema.org"}</script>'
    links = '<p><a href="#xywh=0,0,10,10">a</a> <a href="#epubcfi(/6/4!/4/2)">b</a></p>'
    style = '<style>@namespace epub url("http://www.idpf.org/2007/ops");</style>'
    path = rewrite(sample_epub, tmp_path / "valid.epub", edit={CHAPTER: lambda b: sub(
        r"</head>", style + data + "</head>")(sub(r"</section>", links + "</section>")(b))})
    found = _codes(path)
    assert not {"EPUB-SCRIPT-001", "EPUB-LINK-002", "EPUB-RES-001"} & found, found
    missing = rewrite(sample_epub, tmp_path / "rel.epub", edit={CHAPTER: sub(
        r"</head>", '<link rel="StyleSheet" href="css/missing.css" type="text/css"/></head>')})
    assert "EPUB-LINK-003" in _codes(missing) or any(
        "missing.css" in f.message for f in findings(missing))


def _without_utf8_flags(path: Path) -> None:
    """Clear the UTF-8 flag (bit 11) of every local and central header, as Info-ZIP's `zip`
    writes UTF-8 names."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        infos, pos = z.infolist(), z.start_dir
    for info in infos:
        data[info.header_offset + 7] &= ~0x08 & 0xFF  # bit 11 is bit 3 of the flags' 2nd byte
    for _info in infos:
        assert data[pos:pos + 4] == b"PK\x01\x02"
        data[pos + 9] &= ~0x08 & 0xFF
        name, extra, comment = struct.unpack("<HHH", data[pos + 28:pos + 34])
        pos += 46 + name + extra + comment
    path.write_bytes(bytes(data))


def test_utf8_names_from_the_zip_tool_are_read_as_utf8(sample_epub, tmp_path):
    """Info-ZIP writes UTF-8 names without the UTF-8 flag; read as CP437 they made every link
    to them look broken."""
    old, new = "sovnarkom-room.png", "sovnárkom.png"
    path = tmp_path / "utf8.epub"
    with zipfile.ZipFile(sample_epub) as z, zipfile.ZipFile(path, "w") as out:
        for info in z.infolist():
            data = z.read(info)
            if info.filename.endswith((".opf", ".xhtml")):
                data = data.replace(old.encode(), new.encode())
            out.writestr(info.filename.replace(old, new), data, zipfile.ZIP_STORED)
    _without_utf8_flags(path)
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
    assert not any(new in n for n in names) and any("sovn" in n for n in names)  # mojibake
    found = findings(path)
    assert not [f for f in found if "sovn" in f.message and f.severity == "error"], found


@pytest.mark.parametrize("svg_body", [
    '<a href="jav&#x09;ascript:alert(1)"><text>x</text></a>',
    '<a><set attributeName="href" to="javascript:alert(1)"/><text>x</text></a>',
    '<a><animate attributeName="href" values="#a;javascript:alert(1)"/><text>x</text></a>',
], ids=["tab-in-scheme", "set", "animate"])
def test_an_svg_script_url_in_disguise_is_found(sample_epub, tmp_path, svg_body):
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
           f"{svg_body}</svg>").encode()
    with zipfile.ZipFile(sample_epub) as z:
        svgs = [n for n in z.namelist() if n.endswith(".svg")]
    assert svgs, "the sample has an SVG to replace"
    path = rewrite(sample_epub, tmp_path / "svg.epub", edit={svgs[0]: lambda _b: svg})
    assert "EPUB-SVG-001" in _codes(path)


def test_a_jpeg_named_gif_is_told_to_be_renamed(sample_epub, tmp_path):
    """EPUB-OPF-009 once advised declaring image/gif for a JPEG whose name ends in .gif."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "JPEG")
    with zipfile.ZipFile(sample_epub) as z:
        opf = z.read("EPUB/content.opf").decode()
    add = '<item id="odd" href="images/odd.gif" media-type="image/jpeg"/>'
    path = rewrite(sample_epub, tmp_path / "gif.epub",
                   add={"EPUB/images/odd.gif": buffer.getvalue()},
                   edit={"EPUB/content.opf": lambda b: b.replace(b"</manifest>",
                                                                 add.encode() + b"</manifest>")})
    assert "<manifest" in opf
    said = [f.message for f in findings(path) if f.code == "EPUB-OPF-009"]
    assert said and "rename it .jpg" in said[0] and "expected image/gif" not in said[0]


def test_a_document_too_large_to_read_is_an_error(sample_epub, tmp_path):
    """Stored, not packed: no bomb, but more than bookbuild reads of one entry."""
    path = rewrite(sample_epub, tmp_path / "big.epub", stored={CHAPTER},
                   edit={CHAPTER: lambda b: b.replace(b"</body>",
                                                      b" " * (MAX_ENTRY + 1) + b"</body>")})
    found = [f for f in findings(path) if f.code == "EPUB-OCF-008"]
    assert found and found[0].file == CHAPTER and found[0].severity == "error"


def test_millions_of_tiny_elements_are_not_parsed(sample_epub, tmp_path):
    """4 × 16 MB of <i/> in a 65 KB EPUB once did not finish in 400 s."""
    import resource

    from bookbuild.check.epub_file import MAX_ELEMENTS

    path = rewrite(sample_epub, tmp_path / "tags.epub", stored={CHAPTER}, edit={CHAPTER: lambda b: b.replace(
        b"</body>", b"<i/>" * (MAX_ELEMENTS + 1) + b"</body>")})
    before = resource.getrusage(resource.RUSAGE_SELF).ru_utime
    found = findings(path)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_utime - before < 5
    assert any(f.code == "EPUB-OCF-008" and f.file == CHAPTER for f in found)


def test_deep_markup_is_called_deep_not_ill_formed(sample_epub, tmp_path):
    """libxml2 once spoke through: "not well-formed … use XML_PARSE_HUGE option"."""
    path = rewrite(sample_epub, tmp_path / "deep.epub", edit={CHAPTER: lambda b: b.replace(
        b"</body>", b"<div>" * 3000 + b"x" + b"</div>" * 3000 + b"</body>")})
    said = [f.message for f in findings(path) if f.file == CHAPTER and f.code == "EPUB-XML-001"]
    assert said and "nested more than" in said[0]
    assert "XML_PARSE_HUGE" not in said[0] and "not well-formed" not in said[0]


def test_entity_expansion_is_said_in_plain_words(sample_epub, tmp_path):
    laughs = ('<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY a{i} "{("&a" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 12)) + "]>")
    path = rewrite(sample_epub, tmp_path / "laughs.epub", edit={CHAPTER: lambda b: b.replace(
        b"<!DOCTYPE html>", laughs.encode()).replace(b"</h1>", b"&a11;</h1>")})
    said = [f.message for f in findings(path) if f.code == "EPUB-XML-002"]
    assert said and "billion laughs" in said[0] and "xmlCtxt" not in said[0]
