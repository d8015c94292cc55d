"""The EPUB contract: EPUBCheck-clean, navigable, accessible, reproducible, atomic."""

import io
import re
import zipfile

import pytest
from lxml import etree
from PIL import Image

from bookbuild.book.style import ORNAMENTS
from bookbuild.check import epubcheck
from bookbuild.media import ornaments
from bookbuild.pipeline import build
from bookbuild.support.errors import BookError
from tests.conftest import EVERYTHING, SAMPLE, copy_book, quoted_book, read_zip

OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
H = {"h": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}


def opf(files: dict) -> etree._Element:
    return etree.fromstring(files["EPUB/content.opf"])


def meta_values(root, prop: str) -> list[str]:
    return root.xpath(f"//opf:meta[@property='{prop}']/text()", namespaces=OPF)


@pytest.mark.parametrize("book", ["sample_epub", "everything_epub"])
def test_epubcheck_reports_zero_messages(book, request):
    findings = epubcheck.run(request.getfixturevalue(book))
    assert [str(f) for f in findings] == []


def test_epubcheck_really_runs_and_reports(tmp_path, sample_epub):
    # A broken copy must produce messages, or the zero above would mean nothing.
    files = read_zip(sample_epub)
    files["EPUB/content.opf"] = files["EPUB/content.opf"].replace(b"<dc:language>en", b"<dc:language>")
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(broken, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    assert any(f.severity == "error" for f in epubcheck.run(broken))


def test_ocf_container(sample_epub):
    with zipfile.ZipFile(sample_epub) as z:
        first = z.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert z.read("mimetype") == b"application/epub+zip"


def test_every_document_declares_utf8_and_language(everything_epub):
    files = read_zip(everything_epub)
    docs = [n for n in files if n.endswith(".xhtml")]
    assert len(docs) >= 12
    for name in docs:
        assert files[name].startswith(b'<?xml version="1.0" encoding="UTF-8"?>'), name
        root = etree.fromstring(files[name])
        assert root.get("lang") == "en" and root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
        assert root.find("h:body", H).get("id") is None  # Send to Kindle rejects links to body ids


def test_file_names_are_url_safe(everything_epub):
    for name in read_zip(everything_epub):
        assert re.fullmatch(r"[A-Za-z0-9._/-]+", name), name


def test_nav_has_toc_and_landmarks(sample_epub):
    nav = etree.fromstring(read_zip(sample_epub)["EPUB/nav.xhtml"])
    toc = nav.xpath("//h:nav[@epub:type='toc']//h:a/text()", namespaces=H)
    assert toc == ["Title Page", "Copyright", "About the Author",
                   "When Lenin Proclaimed Soviet Power", "A Note on This Edition"]
    marks = nav.xpath("//h:nav[@epub:type='landmarks']//h:a/@epub:type", namespaces=H)
    assert marks == ["cover", "titlepage", "copyright-page", "toc", "bodymatter"]


def test_ncx_mirrors_the_toc(sample_epub):
    ncx = etree.fromstring(read_zip(sample_epub)["EPUB/toc.ncx"])
    labels = ncx.xpath("//n:navPoint/n:navLabel/n:text/text()",
                       namespaces={"n": "http://www.daisy.org/z3986/2005/ncx/"})
    assert "When Lenin Proclaimed Soviet Power" in labels and len(labels) == 5


def test_nested_toc_lists_second_level_headings(everything_epub):
    nav = etree.fromstring(read_zip(everything_epub)["EPUB/nav.xhtml"])
    assert nav.xpath("//h:a[.='Bearings']/@href", namespaces=H) == ["chapter-01-prose.xhtml#bearings"]


def test_cover_image_and_reachable_cover_page(sample_epub):
    files = read_zip(sample_epub)
    root = opf(files)
    (item,) = root.xpath("//opf:item[@properties='cover-image']", namespaces=OPF)
    cover = Image.open(io.BytesIO(files["EPUB/" + item.get("href")]))
    assert cover.size == (1600, 2560)
    spine = root.xpath("//opf:itemref", namespaces=OPF)
    assert spine[0].get("idref") == "cover" and spine[0].get("linear") != "no"
    assert root.xpath("//opf:meta[@name='cover']/@content", namespaces=OPF) == [item.get("id")]


def test_supplied_cover_is_used(everything_epub):
    files = read_zip(everything_epub)
    (href,) = opf(files).xpath("//opf:item[@properties='cover-image']/@href", namespaces=OPF)
    assert href == "images/cover.jpg"
    assert Image.open(io.BytesIO(files["EPUB/images/cover.jpg"])).size == (1600, 2560)


def test_metadata(everything_epub):
    root = opf(read_zip(everything_epub))
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert root.xpath("//dc:identifier/text()", namespaces=OPF) == ["urn:isbn:9783161484100"]
    assert root.xpath("//dc:title/text()", namespaces=OPF)[0] == "The Everything Book"
    roles = root.xpath("//opf:meta[@property='role']/text()", namespaces=OPF)
    assert {"aut", "trl", "edt"} <= set(roles)
    assert meta_values(root, "belongs-to-collection") == ["Bookbuild Test Books"]
    calibre = {m.get("name"): m.get("content") for m in root.xpath("//opf:meta[@name]",
                                                                     namespaces=OPF)}
    assert calibre["calibre:series"] == "Bookbuild Test Books"
    assert calibre["calibre:series_index"] == "1"


def test_accessibility_metadata_follows_content(sample_epub, everything_epub):
    sample, everything = opf(read_zip(sample_epub)), opf(read_zip(everything_epub))
    for root in (sample, everything):
        assert meta_values(root, "schema:accessMode") == ["textual", "visual"]
        assert "textual" in meta_values(root, "schema:accessModeSufficient")
        assert {"tableOfContents", "readingOrder", "alternativeText"} <= set(
            meta_values(root, "schema:accessibilityFeature"))
        assert meta_values(root, "schema:accessibilityHazard") == ["none"]
        assert meta_values(root, "schema:accessibilitySummary")
    # A claim only where book.yaml names who evaluated the book.
    assert meta_values(everything, "dcterms:conformsTo") == [
        "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    assert meta_values(everything, "a11y:certifiedBy") == ["Clara Redacta"]
    assert meta_values(sample, "dcterms:conformsTo") == []
    assert meta_values(sample, "a11y:certifiedBy") == []
    assert "conforms to WCAG" not in meta_values(sample, "schema:accessibilitySummary")[0]
    assert "MathML" in meta_values(everything, "schema:accessibilityFeature")
    assert "MathML" not in meta_values(sample, "schema:accessibilityFeature")
    mathml_docs = everything.xpath("//opf:item[@properties='mathml']/@href", namespaces=OPF)
    assert mathml_docs == ["chapter-02-tables-math.xhtml"]


def test_images_are_processed(everything_epub):
    files = read_zip(everything_epub)
    rasters = {n: Image.open(io.BytesIO(d)) for n, d in files.items()
               if n.endswith((".jpg", ".png"))}
    assert "EPUB/images/photo-cmyk.jpg" in rasters and "EPUB/images/alpha.png" in rasters
    for name, im in rasters.items():
        assert im.mode in ("RGB", "RGBA"), name
        assert not im.getexif(), name
        if not name.endswith("cover.jpg"):
            assert im.width * im.height <= 4_000_000, name
    assert rasters["EPUB/images/alpha.png"].mode == "RGBA"
    assert files["EPUB/images/diagram.svg"].lstrip().startswith((b"<?xml", b"<svg"))


def test_sample_exercises_figures_ornament_and_source(sample_epub):
    files = read_zip(sample_epub)
    chapter = files["EPUB/chapter-01-when-lenin-proclaimed-soviet-power.xhtml"].decode()
    assert 'src="images/smolny-room.svg"' in chapter and 'src="images/sovnarkom-room.png"' in chapter
    assert chapter.count('class="scene-break"') >= 1
    assert files["EPUB/images/ornament.svg"] == ornaments.of_set("fleuron").data  # classic's
    assert '<img src="images/ornament.svg" alt="" role="presentation"/>' in chapter
    copyright_page = files["EPUB/copyright.xhtml"].decode()
    assert "https://www.marxists.org/archive/kollontai/" in copyright_page
    # The date as readers write it; a UUID means nothing to a reader and is not printed.
    assert "<p>bookbuild sample edition, December 2026</p>" in copyright_page
    assert "urn:uuid:" not in copyright_page and "2026-12" not in copyright_page


def test_footnotes_and_cross_links_in_package(everything_epub):
    prose = read_zip(everything_epub)["EPUB/chapter-01-prose.xhtml"].decode()
    assert 'epub:type="noteref"' in prose and 'epub:type="footnote"' in prose
    assert 'href="chapter-02-tables-math.xhtml#tables"' in prose


def test_css_respects_the_reader(everything_epub):
    css = read_zip(everything_epub)["EPUB/css/book.css"].decode()
    body_rule = re.search(r"\bbody\s*\{([^}]*)\}", css).group(1)
    assert "font-family" not in body_rule and "font-size" not in body_rule
    assert not re.search(r"font-size:\s*\d+(px|pt)", css)
    assert "max-width: 100%" in css


def test_builds_are_byte_identical(tmp_path, sample_epub):
    (again,) = build(SAMPLE, tmp_path, ["epub"])
    assert again.read_bytes() == sample_epub.read_bytes()


def test_source_date_epoch_sets_every_timestamp(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    (path,) = build(EVERYTHING, tmp_path, ["epub"])
    files = read_zip(path)
    assert meta_values(opf(files), "dcterms:modified") == ["2023-11-14T22:13:20Z"]
    with zipfile.ZipFile(path) as z:
        assert {i.date_time for i in z.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_failed_build_keeps_the_last_good_epub(tmp_path):
    book = copy_book(SAMPLE, tmp_path / "book")
    out = tmp_path / "out"
    (good,) = build(book, out, ["epub"])
    before = good.read_bytes()
    chapter = next((book / "manuscript/chapters").glob("*.md"))
    chapter.write_text(chapter.read_text() + "\n![A missing picture.](images/missing.png)\n")
    with pytest.raises(BookError, match="missing.png not found"):
        build(book, out, ["epub"])
    assert good.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [".bookbuild.lock", good.name]


def test_minimal_book_with_inline_svg_and_no_scene_break(tmp_path):
    book = tmp_path / "book"
    (book / "manuscript/chapters").mkdir(parents=True)
    (book / "manuscript/book.yaml").write_text("title: Small\nauthor: A\nlanguage: en\n")
    (book / "manuscript/chapters/01.md").write_text(
        '# One\n\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" role="img" '
        'aria-label="A dot"><circle r="4" cx="5" cy="5"/></svg>\n')
    (path,) = build(book, tmp_path / "out", ["epub"])
    files = read_zip(path)
    assert "EPUB/images/ornament.svg" not in files
    props = opf(files).xpath("//opf:item[@href='chapter-01.xhtml']/@properties", namespaces=OPF)
    assert props == ["svg"]
    assert [str(f) for f in epubcheck.run(path)] == []


SCENES = "# One\n\nBefore.\n\n* * *\n\nAfter.\n"
OWN_ORNAMENT = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="24" '
                'viewBox="0 0 120 24">\n  <title>Scene break</title>\n'
                '  <defs><linearGradient id="g"><stop offset="0" stop-color="#555"/>'
                '<stop offset="1" stop-color="#999"/></linearGradient></defs>\n'
                '  <rect x="20" y="11" width="80" height="2" fill="url(#g)"/>\n</svg>\n')


def _ornament_book(tmp_path, ornament: str, chapter: str = SCENES, own: str | None = None):
    book = tmp_path / "book"
    (book / "manuscript/chapters").mkdir(parents=True)
    (book / "manuscript/book.yaml").write_text(
        f"title: Small\nauthor: A\nlanguage: en\nstyle:\n  ornament: {ornament}\n")
    (book / "manuscript/chapters/01.md").write_text(chapter)
    if own is not None:
        (book / "assets/ornaments").mkdir(parents=True)
        (book / "assets" / ornament).write_text(own)
    return book


@pytest.mark.parametrize("name", ORNAMENTS)
def test_each_ornament_of_the_set_is_packed(tmp_path, name):
    (path,) = build(_ornament_book(tmp_path, name), tmp_path / "out", ["epub"])
    files = read_zip(path)
    assert files["EPUB/images/ornament.svg"] == ornaments.of_set(name).data
    item = opf(files).xpath("//opf:item[@href='images/ornament.svg']", namespaces=OPF)
    assert [i.get("media-type") for i in item] == ["image/svg+xml"]
    assert b'<img src="images/ornament.svg" alt="" role="presentation"/>' in \
        files["EPUB/chapter-01.xhtml"]


def test_the_authors_own_ornament_is_packed_and_epubcheck_clean(tmp_path):
    book = _ornament_book(tmp_path, "ornaments/bar.svg", own=OWN_ORNAMENT)
    (path,) = build(book, tmp_path / "out", ["epub"])
    assert read_zip(path)["EPUB/images/ornament.svg"] == OWN_ORNAMENT.encode()
    assert [str(f) for f in epubcheck.run(path)] == []
    # Changed, it is packed anew: the output is not taken for up to date.
    (book / "assets/ornaments/bar.svg").write_text(OWN_ORNAMENT.replace("#999", "#777"))
    (again,) = build(book, tmp_path / "out", ["epub"])
    assert b"#777" in read_zip(again)["EPUB/images/ornament.svg"]


def test_an_unsafe_own_ornament_stops_the_epub_at_its_line(tmp_path):
    unsafe = OWN_ORNAMENT.replace("<rect ", '<rect onclick="steal()" ')
    book = _ornament_book(tmp_path, "ornaments/bar.svg", own=unsafe)
    with pytest.raises(BookError, match=r"^assets/ornaments/bar.svg:5: the SVG has an event "
                                        r"handler \(onclick"):
        build(book, tmp_path / "out", ["epub"])
    assert not (tmp_path / "out").exists()


def test_a_missing_own_ornament_is_refused_even_with_no_scene_break(tmp_path):
    book = _ornament_book(tmp_path, "ornaments/gone.svg", chapter="# One\n\nText.\n")
    with pytest.raises(BookError, match=r"^manuscript/book.yaml:5: style: ornament: "
                                        r"assets/ornaments/gone.svg not found"):
        build(book, tmp_path / "out", ["epub"])


def _contents(tmp_path, chapter: str, yaml_extra: str = "") -> tuple[etree._Element, bytes]:
    book = copy_book(SAMPLE, tmp_path / "book")
    for old in (book / "manuscript/chapters").glob("*.md"):
        old.unlink()
    (book / "manuscript/chapters/01-one.md").write_text(chapter)
    if yaml_extra:
        meta = book / "manuscript/book.yaml"
        meta.write_text(meta.read_text() + yaml_extra)
    (path,) = build(book, tmp_path / "out", ["epub"])
    files = read_zip(path)
    return etree.fromstring(files["EPUB/nav.xhtml"]), files["EPUB/toc.ncx"]


OUTLINE = ("# One\n\nText.\n\n## Two\n\nText.\n\n### Three\n\nText.\n\n"
           "> ## Quoted\n>\n> Their words.\n\n# Another\n\nText.\n")


def test_contents_nest_to_toc_depth(tmp_path):
    nav, ncx = _contents(tmp_path, OUTLINE, "toc_depth: 3\n")
    one = nav.xpath("//h:nav[@epub:type='toc']//h:li[h:a='One']", namespaces=H)[0]
    assert one.xpath("h:ol/h:li/h:a/text()", namespaces=H) == ["Two"]
    assert one.xpath("h:ol/h:li/h:ol/h:li/h:a/text()", namespaces=H) == ["Three"]
    assert b"Three" in ncx and b"Quoted" not in ncx


def test_contents_default_depth_and_second_top_heading(tmp_path):
    nav, _ncx = _contents(tmp_path, OUTLINE)
    toc = nav.xpath("//h:nav[@epub:type='toc']/h:ol/h:li/h:a/text()", namespaces=H)
    assert toc[toc.index("One") + 1] == "Another"  # a second top heading beside the first
    assert not nav.xpath("//h:a[.='Three' or .='Quoted']", namespaces=H)


def test_toc_depth_out_of_range_is_refused(tmp_path):
    with pytest.raises(BookError, match=r"book.yaml:\d+: 'toc_depth' must be a whole number"):
        _contents(tmp_path, OUTLINE, "toc_depth: 9\n")


def test_book_yaml_text_is_typeset_everywhere_in_the_epub(tmp_path):
    (epub,) = build(quoted_book(tmp_path / "book"), tmp_path / "out", ["epub"])
    files = read_zip(epub)
    root = opf(files)
    dc = {name: root.xpath(f"//dc:{name}/text()", namespaces=OPF)
          for name in ("title", "creator", "publisher", "rights", "description", "source")}
    assert dc["title"] == ["The Keeper’s “Lamp”", "“Night” and ‘Day’"]
    assert dc["creator"] == ["Ann O’Hara"]
    assert dc["publisher"] == ["O’Neil & Sons"]
    assert dc["rights"] == ["Ann’s text, “free” to share."]
    assert dc["description"] == ["Ann O’Hara’s “lamp” story, of a ‘keeper’ and his light."]
    assert meta_values(root, "belongs-to-collection") == ["The ‘Tides’"]
    assert dc["source"] == ["Project Gutenberg EBook"]
    assert epub.name == "the-keepers-lamp.epub"  # the slug comes from the title as typed
    for page in ("titlepage", "copyright"):
        doc = etree.fromstring(files[f"EPUB/{page}.xhtml"])
        text = "".join(doc.find("h:body", H).itertext())
        assert "The Keeper’s “Lamp”" in text and "Ann O’Hara" in text, page
        assert "'" not in text and '"' not in text, page
    copyright_page = etree.fromstring(files["EPUB/copyright.xhtml"])
    # A citation is text, not a link.
    assert copyright_page.xpath("//h:a", namespaces=H) == []
    assert "Source: Project Gutenberg EBook" in "".join(copyright_page.itertext())


def test_a_german_book_yaml_gets_german_quotes_and_a_url_source_is_a_link(tmp_path):
    book = quoted_book(tmp_path / "book", "de", source="https://example.org/keeper")
    (epub,) = build(book, tmp_path / "out", ["epub"])
    files = read_zip(epub)
    assert opf(files).xpath("//dc:title/text()", namespaces=OPF)[0] == "The Keeper’s „Lamp“"
    title_page = files["EPUB/titlepage.xhtml"].decode()
    assert "The Keeper’s „Lamp“" in title_page and "„Night“ and ‚Day‘" in title_page
    links = etree.fromstring(files["EPUB/copyright.xhtml"]).xpath("//h:a", namespaces=H)
    assert [(a.get("href"), a.text) for a in links] == [("https://example.org/keeper",) * 2]
    assert [str(f) for f in epubcheck.run(epub)] == []
