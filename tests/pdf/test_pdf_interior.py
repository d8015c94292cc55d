"""The print interior, read back with pikepdf (structure) and PyMuPDF (text and positions)."""

from __future__ import annotations

import io
import re
import shutil

import pikepdf
import pytest

from bookbuild.pdf.settings import BLEED, INCH, gutter
from tests.conftest import optional
from tests.pdf.conftest import EVERYTHING, SAMPLE, build_print, copy_book

pymupdf = optional("pymupdf")

TRIM_5_5 = (5.5 * INCH, 8.5 * INCH)


def boxes(page: pikepdf.Page, name: str) -> list[float]:
    return [round(float(v), 2) for v in page.obj[name]]


def page_labels(pdf: pikepdf.Pdf) -> list[str]:
    """Each page's label, computed from the /PageLabels number tree as a reader would."""
    nums = pdf.Root.PageLabels.Nums
    ranges = [(int(nums[i]), nums[i + 1]) for i in range(0, len(nums), 2)]
    labels = []
    for n in range(len(pdf.pages)):
        start, spec = max((r for r in ranges if r[0] <= n), key=lambda r: r[0])
        value = int(spec.get("/St", 1)) + n - start
        style = str(spec.get("/S", "/D"))
        labels.append(roman(value) if style == "/r" else str(value))
    return labels


def roman(n: int) -> str:
    out = ""
    for value, letters in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out += letters
            n -= value
    return out


def outline_titles(pdf: pikepdf.Pdf, top_only: bool = False) -> list[tuple[str, int]]:
    """(title, page index) of each bookmark in order, a chapter's sections after it (only
    the chapters with `top_only`)."""
    pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
    found: list[tuple[str, int]] = []

    def walk(items) -> None:
        for item in items:
            found.append((item.title, pages[item.destination[0].objgen]))
            if not top_only:
                walk(item.children)

    with pdf.open_outline() as outline:
        walk(outline.root)
    return found


def contents_entries(doc: pymupdf.Document) -> list[tuple[str, str]]:
    """(title, page label) pairs as printed on the contents page."""
    for page in doc:
        lines = [l.strip() for l in page.get_text().splitlines() if l.strip()]
        if lines and lines[0] == "Contents":
            entries = []
            for line in lines[1:]:
                m = re.match(r"^(.*\S)\s+([ivxlc]+|\d+)$", line)
                if m:
                    entries.append((m.group(1), m.group(2)))
                elif entries and re.fullmatch(r"[ivxlc]+|\d+", line):
                    entries[-1] = (entries[-1][0], line)
                else:
                    entries.append((line, ""))
            return [e for e in entries if e[1]]
    raise AssertionError("no contents page")


@pytest.fixture(scope="module")
def everything(everything_print):
    return everything_print, everything_print.pdf(), pymupdf.open(everything_print.interior)


def test_every_page_is_the_trim_size(everything):
    _, pdf, _ = everything
    for page in pdf.pages:
        assert boxes(page, "/MediaBox") == [0, 0, *TRIM_5_5]
        assert boxes(page, "/TrimBox") == [0, 0, *TRIM_5_5]


def test_page_count_is_even(everything, sample_print):
    _, pdf, _ = everything
    assert len(pdf.pages) % 2 == 0
    assert len(sample_print.pdf().pages) % 2 == 0


def test_every_font_is_embedded(everything):
    _, pdf, _ = everything
    seen = set()
    for page in pdf.pages:
        for font in page.Resources.get("/Font", {}).values():
            for f in [font, *font.get("/DescendantFonts", [])]:
                if "/FontDescriptor" in f:
                    d = f.FontDescriptor
                    assert any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")), \
                        f"{f.get('/BaseFont')} is not embedded"
                    seen.add(str(f.get("/BaseFont")))
    names = " ".join(seen)
    for family in ("EBGaramond", "Amiri", "NotoSerifSC", "NotoSerifJP"):
        assert family in names, f"{family} missing from {sorted(seen)}"


def test_outline_mirrors_the_contents_page(everything):
    _, pdf, doc = everything
    labels = page_labels(pdf)
    outline = [(title, labels[i]) for title, i in outline_titles(pdf)]
    assert outline == contents_entries(doc)
    titles = [t for t, _ in outline_titles(pdf, top_only=True)]
    assert titles == ["Preface", "Prose and Notes", "Tables and Math", "Many Scripts",
                      "Pictures", "Interlude", "Afterword"]
    assert "Bearings" in [t for t, _ in outline]  # a level-2 heading, nested (toc_depth 2)


def without_number(text: str) -> str:
    """A chapter opener's text without the number the design sets over its title."""
    return re.sub(r"^\d+\n", "", text)


def test_page_labels_are_roman_then_arabic_from_one(everything):
    _, pdf, doc = everything
    labels = page_labels(pdf)
    first = labels.index("1")
    assert all(re.fullmatch(r"[ivxlc]+", l) for l in labels[:first])
    assert labels[:first] == [roman(i) for i in range(1, first + 1)]
    assert labels[first:] == [str(i) for i in range(1, len(labels) - first + 1)]
    assert first % 2 == 0, "the body starts on a recto"
    assert without_number(doc[first].get_text()).split("\n")[0] == "Prose and Notes"


def test_openers_are_rectos_and_blank_versos_are_blank(everything):
    _, pdf, doc = everything
    for title, index in outline_titles(pdf, top_only=True):
        assert index % 2 == 0, f"{title} opens on a verso"
        text = without_number(doc[index].get_text().strip())
        assert text.startswith(title), f"{title}: a running head or folio on its opener"
        if doc[index - 1].get_text().strip() == "":
            assert not doc[index - 1].get_images() and not doc[index - 1].get_drawings()


def test_running_heads_author_on_versos_chapter_on_rectos(everything):
    _, pdf, doc = everything
    labels = page_labels(pdf)
    openers = {i for _, i in outline_titles(pdf, top_only=True)}
    headed = 0
    for i, page in enumerate(doc):
        lines = [l for l in page.get_text().split("\n") if l.strip()]
        if i in openers or not lines or not labels[i].isdigit():
            continue
        top = sorted((w for w in page.get_text("words") if w[1] < 0.7 * INCH),
                     key=lambda w: w[0])
        head = " ".join(w[4] for w in top)
        if i % 2:  # verso
            assert head.startswith(labels[i]) and "Ada Example".lower() in head.lower(), head
        else:
            assert head.endswith(labels[i]), head
        headed += 1
    assert headed >= 3


def test_text_stays_inside_the_margins(everything):
    _, pdf, doc = everything
    inside = gutter(len(doc))
    for i, page in enumerate(doc):
        w, h = page.rect.width, page.rect.height
        for x0, y0, x1, y1, word, *_ in page.get_text("words"):
            assert y0 >= 0.5 * INCH - 0.5 and y1 <= h - 0.5 * INCH + 0.5, (i, word)
            left, right = (inside, 0.5 * INCH) if i % 2 == 0 else (0.5 * INCH, inside)
            assert x0 >= left - 0.5 and x1 <= w - right + 0.5, (i, word, x0, x1)


def test_text_is_extractable_in_reading_order(everything):
    _, _, doc = everything
    # Without spaces: a line may break inside the Japanese title, which has none.
    text = "".join(" ".join(page.get_text() for page in doc).split())
    marks = ["For everyone who has ever proofread", "This book exists to be built",
             "Ordinary prose comes first", "Small caps are used for names",
             "A pipe table with a caption", "Вся власть Советам", "Ἐν ἀρχῇ ἦν ὁ λόγος",
             "春眠不觉晓", "吾輩は猫である", "Every kind of picture", "If the book built"]
    positions = [text.find("".join(m.split())) for m in marks]
    assert -1 not in positions, [m for m, p in zip(marks, positions) if p < 0]
    assert positions == sorted(positions)


def test_metadata_language_and_standards(everything, sample_print):
    _, pdf, _ = everything
    assert str(pdf.docinfo["/Title"]) == "The Everything Book"
    assert "Ada Example" in str(pdf.docinfo["/Author"])
    assert str(pdf.Root.Lang) == "en"
    with pdf.open_metadata() as xmp:
        assert xmp.get("dc:title") == "The Everything Book"
        assert xmp.get("pdfuaid:part") == "1"
    assert "/StructTreeRoot" in pdf.Root  # tagged
    with sample_print.pdf().open_metadata() as xmp:
        assert xmp.get("pdfaid:part") == "2" and xmp.get("pdfaid:conformance") == "B"


def test_pictures_keep_full_resolution_and_colour_and_lose_exif(everything):
    _, pdf, _ = everything
    found = {}
    for page in pdf.pages:
        for image in page.Resources.get("/XObject", {}).values():
            if image.get("/Subtype") == "/Image":
                found[(int(image.Width), int(image.Height))] = image
    assert (3000, 2000) in found, "the 6 MP photo was downscaled"
    cmyk = found[(1200, 800)]
    assert cmyk.ColorSpace == "/DeviceCMYK" and cmyk.Filter == "/DCTDecode"
    data = cmyk.read_raw_bytes()
    assert b"Exif" not in data and b"GPS" not in data


def test_warnings_name_low_resolution_pictures(everything):
    result, _, _ = everything
    dpi = [w for w in result.warnings if "DPI" in w]
    assert any("images/alpha.png" in w and "188 DPI" in w for w in dpi), dpi
    assert not any("big-photo" in w for w in dpi)
    assert any("PDF/A-2b is off" in w and "photo-cmyk.jpg" in w for w in result.warnings)


def test_a_short_book_is_said_short_unless_suppressed(sample_print, tmp_path):
    """The sample suppresses PDF-PAGES-002 in book.yaml: the build honours it. Without the
    suppression the page count is said (tests/check/test_gate.py builds that case)."""
    pages = len(sample_print.pdf().pages)
    assert pages < 24
    assert not [w for w in sample_print.warnings if "PDF-PAGES-002" in w]


def test_bleed_sets_media_trim_and_bleed_boxes(bleed_print):
    pdf = bleed_print.pdf()
    w, h = 6 * INCH, 9 * INCH
    for n, page in enumerate(pdf.pages, start=1):
        assert boxes(page, "/MediaBox") == [0, 0, round(w + BLEED, 2), round(h + 2 * BLEED, 2)]
        left = 0 if n % 2 else BLEED
        assert boxes(page, "/TrimBox") == [left, BLEED, round(left + w, 2), round(BLEED + h, 2)]
        assert boxes(page, "/BleedBox") == boxes(page, "/MediaBox")


def test_builds_are_reproducible(sample_print, tmp_path):
    again = build_print(sample_print.book, tmp_path)
    assert again.interior.read_bytes() == sample_print.interior.read_bytes()
    assert again.cover.read_bytes() == sample_print.cover.read_bytes()


def test_uncovered_character_is_a_warning_and_a_visible_mark(tmp_path):
    book = copy_book(EVERYTHING, tmp_path / "book")
    chapter = book / "manuscript" / "chapters" / "03-scripts.md"
    chapter.write_text(chapter.read_text("utf-8") + "\nBengali: বাংলা\n", "utf-8")
    result = build_print(book, tmp_path / "out")
    warning = [w for w in result.warnings if "U+09AC" in w]
    assert warning and "manuscript/chapters/03-scripts.md:" in warning[0], result.warnings
    text = " ".join(page.get_text() for page in pymupdf.open(result.interior))
    assert "U+09AC" in text


def test_greetings_in_eight_scripts_print_in_their_faces(tmp_path):
    # As the Rust book's chapter on strings greets: each script has a face that covers it.
    greetings = {"Hebrew": "שָׁלוֹם", "Devanagari": "नमस्ते", "KR": "안녕하세요",
                 "Thai": "สวัสดีครับ", "JP": "こんにちは", "SC": "你好", "Amiri": "السلام"}
    book = copy_book(EVERYTHING, tmp_path / "book")
    chapter = book / "manuscript" / "chapters" / "03-scripts.md"
    chapter.write_text(chapter.read_text("utf-8") + "\nHello: " + ", ".join(greetings.values())
                       + ".\n", "utf-8")
    result = build_print(book, tmp_path / "out")
    assert not [w for w in result.warnings if "no font has" in w], result.warnings
    doc = pymupdf.open(result.interior)
    used = {font[3] for page in doc for font in page.get_fonts()}
    for face in greetings:
        assert any(face in name for name in used), (face, used)


def test_a_section_without_heading_still_opens_a_page_and_is_in_the_contents(tmp_path):
    from tests.pdf.conftest import SAMPLE

    book = copy_book(SAMPLE, tmp_path / "book")
    (book / "manuscript" / "chapters" / "02-coda.md").write_text(
        "A closing page without a heading.\n", "utf-8")
    result = build_print(book, tmp_path / "out")
    pdf = result.pdf()
    doc = pymupdf.open(result.interior)
    titles = outline_titles(pdf)
    assert ("Coda", titles[-2][1]) in titles, titles
    index = dict(titles)["Coda"]
    assert index % 2 == 0 and doc[index].get_text().strip().startswith("A closing page")
    assert [t for t, _ in contents_entries(doc)] == [t for t, _ in titles]


def test_a_typst_error_names_the_section(tmp_path):
    from bookbuild.book.reader import read_book
    from bookbuild.pdf.interior import typeset
    from bookbuild.support.errors import BookError

    book = copy_book(EVERYTHING, tmp_path / "book")
    chapter = book / "manuscript" / "chapters" / "02-tables-math.md"
    chapter.write_text(chapter.read_text("utf-8") + "\n```{=typst}\n#nosuchfunction()\n```\n",
                       "utf-8")
    with pytest.raises(BookError) as e:
        typeset(read_book(book), lambda _m: None)
    (problem,) = e.value.problems
    assert problem.file == "manuscript/chapters/02-tables-math.md"
    assert "nosuchfunction" in problem.message


@pytest.fixture(scope="module")
def quoted(tmp_path_factory):
    from tests.conftest import quoted_book

    book = quoted_book(tmp_path_factory.mktemp("quoted-book"))
    text = (book / "manuscript" / "chapters" / "01-one.md").read_text("utf-8")
    (book / "manuscript" / "chapters" / "01-one.md").write_text(text * 12, "utf-8")
    with (book / "manuscript" / "book.yaml").open("a") as f:
        f.write("print:\n  running_head: title\n")
    return build_print(book, tmp_path_factory.mktemp("quoted-print"))


def page_text(page) -> str:
    return " ".join(page.get_text().split())


def test_book_yaml_text_is_typeset_on_the_printed_pages(quoted):
    doc = pymupdf.open(quoted.interior)
    half, series, title, imprint = (page_text(doc[i]) for i in range(4))
    assert half == "The Keeper’s “Lamp”"
    assert series == "The ‘Tides’ · 2"
    assert title.startswith("The Keeper’s “Lamp” “Night” and ‘Day’ Ann O’Hara")
    assert "O’Neil & Sons" in title
    assert imprint.startswith("The Keeper’s “Lamp”: “Night” and ‘Day’ by Ann O’Hara")
    assert "Ann’s text, “free” to share." in imprint and "Source: Project Gutenberg EBook" in imprint
    # A citation is printed as text: no link on the copyright page.
    assert [l for l in doc[3].get_links() if l.get("uri")] == []
    heads = [running_head(page) for page in doc if page.get_text("words")]
    # verso and recto heads of the body pages (the half-title alone would count once)
    assert heads.count("Ann O’Hara") >= 4 and heads.count("The Keeper’s “Lamp”") >= 4, heads


def running_head(page) -> str:
    """The words of a page's top line, without its folio."""
    words = page.get_text("words")
    top = min(w[1] for w in words)
    line = sorted((w for w in words if w[1] < top + 2), key=lambda w: w[0])
    return " ".join(w[4] for w in line if not w[4].isdigit())


def test_pdf_metadata_has_the_curled_text(quoted):
    pdf = pikepdf.open(quoted.interior)
    assert str(pdf.docinfo["/Title"]) == "The Keeper’s “Lamp”"
    assert str(pdf.docinfo["/Author"]) == "Ann O’Hara"
    with pdf.open_metadata() as xmp:
        assert xmp.get("dc:title") == "The Keeper’s “Lamp”"
        assert xmp.get("dc:description") == ("Ann O’Hara’s “lamp” story, of a ‘keeper’ and "
                                            "his light.")


def test_a_url_source_is_a_link_on_the_printed_copyright_page(sample_print):
    doc = pymupdf.open(sample_print.interior)
    page = next(p for p in doc if "Source: https://www.marxists.org/" in page_text(p))
    uris = [l["uri"] for l in page.get_links() if l.get("uri")]
    assert uris == ["https://www.marxists.org/archive/kollontai/1923/04/21/"
                    "alexandra-kollontai-when-lenin-proclaimed-soviet-power/"]


def test_the_cover_wrap_has_the_curled_text(quoted):
    page = pymupdf.open(quoted.cover)[0]
    text = page_text(page)
    assert "The Keeper’s “Lamp”" in text and "Ann O’Hara" in text.title()
    assert "Ann O’Hara’s “lamp” story, of a ‘keeper’ and his light." in text
    assert "'" not in text and '"' not in text


def test_a_full_bleed_figure_keeps_its_caption_on_its_page(tmp_path):
    book = copy_book(SAMPLE, tmp_path / "book", {"trim": "6x9", "bleed": True})
    chapter = book / "manuscript/chapters/01-when-lenin-proclaimed-soviet-power.md"
    text = chapter.read_text("utf-8")
    chapter.write_text(text.replace("{#fig-sovnarkom ", "{#fig-sovnarkom .full-bleed "), "utf-8")
    result = build_print(book, tmp_path / "out")
    with pymupdf.open(result.interior) as doc:
        pages = [p for p in doc if p.get_images() and
                 any(abs(b["bbox"][3] - b["bbox"][1]) > 9 * 72 for b in p.get_image_info())]
        assert len(pages) == 1  # the picture fills a page to the bleed
        assert "A plan of the corner room at Smolny" in pages[0].get_text()


def test_a_running_head_too_long_for_its_line_gives_way(tmp_path):
    """Three authors' names do not fit a 5.5 in verso head: the title stands in for them,
    on one line, rather than the names wrapping into the text."""
    book = copy_book(SAMPLE, tmp_path / "book")
    yaml = book / "manuscript" / "book.yaml"
    text = yaml.read_text("utf-8")
    authors = "author: Alexandra Mikhailovna Kollontai, Nadezhda Konstantinovna Krupskaya " \
              "and Inessa Fyodorovna Armand\n"
    yaml.write_text("\n".join(authors.rstrip() if line.startswith("author:") else line
                              for line in text.split("\n")), "utf-8")
    doc = pymupdf.open(build_print(book, tmp_path / "out").interior)
    versos = 0
    for i, page in enumerate(doc):
        top = [w for w in page.get_text("words") if w[1] < 0.75 * INCH]  # above the text
        if i % 2 and top:  # a verso with a running head
            versos += 1
            assert len({round(w[3]) for w in top}) == 1, top  # one line
            assert "lenin" in " ".join(w[4] for w in top).lower(), top  # the title's
    assert versos >= 2


# ── The scene-break ornament ─────────────────────────────────────────────────────────────

def decorations(pdf: pikepdf.Pdf) -> list[tuple[float, tuple[float, float]]]:
    """Each drawing marked as a plain artifact (no running heads, no folios): the scale it is
    drawn at and the point its first path starts from, in the SVG's own units (after the
    clip of the image's box, the first `cm` maps them to the page)."""
    found = []
    for page in pdf.pages:
        inside, scale, start = False, None, None
        for operands, op in pikepdf.parse_content_stream(page):
            name = str(op)
            if name == "BMC" and str(operands[0]) == "/Artifact":
                inside, scale, start = True, None, None
            elif name == "EMC" and inside:
                inside = False
                found.append((scale, start))
            elif inside and name == "cm" and scale is None:
                scale = float(operands[0])
            elif inside and name == "m" and scale is not None and start is None:
                start = (float(operands[0]), float(operands[1]))
    return found


def first_point(svg: bytes) -> tuple[float, float]:
    """Where the SVG's first path starts (its d="M x y …")."""
    m = re.search(rb'<path[^>]*\sd="M\s*([\d.]+)[ ,]([\d.]+)', svg)
    return float(m.group(1)), float(m.group(2))


def test_scene_breaks_draw_the_ornament_6em_wide_as_an_artifact(sample_print):
    from bookbuild.media import ornaments

    fleuron = first_point(ornaments.of_set("fleuron").data)  # the classic design's
    drawn = [d for d in decorations(sample_print.pdf()) if d[1] == fleuron]
    assert len(drawn) == 3  # the sample's three scene breaks, each a decorative artifact
    for scale, _ in drawn:
        assert scale * 120 == pytest.approx(6 * 11, abs=0.01)  # 6em at 11 pt, as in the EPUB


OWN = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 24">'
       '<path d="M7 3 L113 21" stroke="#555"/></svg>')


def test_the_ornament_chosen_is_the_one_printed_and_a_change_is_set_anew(tmp_path):
    """The author's SVG, then the same file redrawn (book.yaml unchanged), then one of the
    set: each build prints the ornament of the moment, not a cached job's."""
    from bookbuild.media import ornaments

    book = copy_book(SAMPLE, tmp_path / "book", extra={"style": {"ornament": "break.svg"}})
    (book / "assets/break.svg").write_text(OWN)
    out = tmp_path / "out"

    def printed() -> set:
        return {start for _, start in decorations(build_print(book, out).pdf())}

    assert (7.0, 3.0) in printed()
    (book / "assets/break.svg").write_text(OWN.replace("M7 3", "M9 5"))
    assert (9.0, 5.0) in printed() and (7.0, 3.0) not in printed()
    yaml_path = book / "manuscript/book.yaml"
    yaml_path.write_text(yaml_path.read_text().replace("ornament: break.svg",
                                                       "ornament: dinkus"))
    now = printed()
    assert first_point(ornaments.of_set("dinkus").data) in now and (9.0, 5.0) not in now


def test_an_unsafe_ornament_stops_the_print_build_at_its_line(tmp_path):
    from bookbuild.support.errors import BookError

    book = copy_book(SAMPLE, tmp_path / "book", extra={"style": {"ornament": "break.svg"}})
    (book / "assets/break.svg").write_text(OWN.replace("<path ", "\n<foreignObject/><path "))
    with pytest.raises(BookError, match=r"^assets/break.svg:2: the SVG has a <foreignObject>"):
        build_print(book, tmp_path / "out")


def test_the_page_texts_read_from_the_jobs_are_the_merged_books(tmp_path, monkeypatch):
    """The EPUB's page list reads each job's pages, cached, not the whole book's again."""
    from bookbuild.book.reader import read_book
    from bookbuild.pdf import pagemap
    from bookbuild.pdf.interior import typeset
    from bookbuild.support.cache import Cache

    book = copy_book(EVERYTHING, tmp_path / "book", extra={"print": {"openers": "recto"}})
    result = typeset(read_book(book), lambda _m: None)
    assert len(result.placed) > 2  # the front job and the body's
    whole = pagemap.starts(result.pdf, result.block, result.settings.bleed_pt)
    assert [p.text for p in whole if p.text] and [p for p in whole if not p.text]
    assert whole[0].label == "i" and whole[-1].label.isdigit()
    store = Cache(tmp_path / "cache")
    from_jobs = pagemap.from_jobs(result.labels, result.placed, result.block,
                                  result.settings.bleed_pt, store)
    assert from_jobs == whole  # labels (roman, then arabic) and texts, blank pages too

    def fail(*_args):
        raise AssertionError("a job's pages were read again instead of from the cache")

    monkeypatch.setattr(pagemap, "starts", fail)
    assert pagemap.from_jobs(result.labels, result.placed, result.block,
                             result.settings.bleed_pt, store) == whole


def test_an_interior_set_for_its_page_numbers_alone_is_the_merged_ones_without_the_pdf(tmp_path):
    """The EPUB's page list needs where each page begins, not the PDF: the same pages,
    labels, anchors and page texts, without the merge or the folios."""
    from bookbuild.book.reader import read_book
    from bookbuild.pdf.interior import typeset
    from bookbuild.support.cache import Cache

    book = read_book(copy_book(EVERYTHING, tmp_path / "book"))
    store = Cache(tmp_path / "cache")
    merged = typeset(book, lambda _m: None, store)
    counted = typeset(book, lambda _m: None, store, merged=False)
    assert counted.pdf is None and merged.pdf is not None
    assert not any(name.startswith("folios") for name in counted.compiled)
    assert counted.pages == merged.pages == len(pikepdf.open(io.BytesIO(merged.pdf)).pages)
    assert counted.labels == merged.labels
    assert [i for i, _ in counted.placed] == [i for i, _ in merged.placed]
    assert counted.anchors == merged.anchors and counted.anchors
    assert counted.index_start == merged.index_start
    assert counted.page_starts(store) == merged.page_starts(store)


def test_a_cross_reference_added_to_a_built_book_names_the_page_a_clean_build_does(tmp_path):
    """A job is asked where the headings other sections link to landed: a link added in
    another chapter sets the linked chapter's job again (its cached facts lack the heading)."""
    from bookbuild.pipeline import build

    book = tmp_path / "book"
    chapters = book / "manuscript" / "chapters"
    chapters.mkdir(parents=True)
    (book / "manuscript" / "book.yaml").write_text(
        "title: Two Chapters\nauthor: A. Writer\nlanguage: en\n"
        "identifier: urn:uuid:7d0f8a86-3c1e-4a4f-9a57-52a5c1d6e0b1\n", "utf-8")
    (chapters / "01-one.md").write_text(
        "# One\n\nSome text.\n\n## The place {#the-place}\n\nMore text.\n", "utf-8")
    (chapters / "02-two.md").write_text("# Two\n\nOther text.\n", "utf-8")
    build(book, tmp_path / "out", ["pdf"])
    with (chapters / "02-two.md").open("a", encoding="utf-8") as f:
        f.write("\nAs set out in [@the-place].\n")

    def reference(out: str) -> str:
        (pdf,) = build(book, tmp_path / out, ["pdf"])
        text = " ".join(p.get_text() for p in pymupdf.open(pdf))
        return re.search(r"As set out in (.*?)\.", text, re.S).group(1)

    edited = reference("out")
    shutil.rmtree(book / "build")
    assert edited == reference("clean")
    assert re.fullmatch(r"The place, page\s1", edited), edited
