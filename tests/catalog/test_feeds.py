"""The catalogue's OPDS feeds and page: parsed by feedparser (as reading apps' libraries do),
valid against the OPDS 1.2 RELAX NG schema, and pointing at files that are there."""

from __future__ import annotations

import json
import threading
import urllib.request
from pathlib import Path

import feedparser
import pytest
from catalog_books import catalogue
from lxml import etree

from bookbuild.catalog import feeds
from tests.conftest import ROOT, run_cli

SCHEMA = ROOT / "bookbuild" / "catalog" / "schema" / "opds.rng"


@pytest.fixture(scope="module")
def shelf(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("shelf")
    catalogue(root, books=3)
    run_cli("catalog", "--workers", "1", cwd=root)
    return root / "build" / "catalog"


def schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA)))


def test_the_atom_feed_is_valid_opds_1_2(shelf):
    feed = etree.parse(str(shelf / "opds.xml"))
    checker = schema()
    assert checker.validate(feed), checker.error_log


def test_the_schema_refuses_a_feed_that_breaks_it(shelf):
    """The check can fail: an entry without its id, or a buy link without a price."""
    feed = etree.parse(str(shelf / "opds.xml"))
    entry = feed.find("{http://www.w3.org/2005/Atom}entry")
    entry.remove(entry.find("{http://www.w3.org/2005/Atom}id"))
    assert not schema().validate(feed)
    feed = etree.parse(str(shelf / "opds.xml"))
    link = feed.find(".//{http://www.w3.org/2005/Atom}link[@rel='http://opds-spec.org/acquisition']")
    link.set("rel", "http://opds-spec.org/acquisition/buy")
    assert not schema().validate(feed)
    with pytest.raises(feeds.FeedError, match="OPDS 1.2 schema"):
        feeds.validate(etree.tostring(feed))


def test_feedparser_reads_every_book_with_its_cover_and_download(shelf):
    parsed = feedparser.parse((shelf / "opds.xml").read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.feed.title == "Harbour Press"
    assert [e.title for e in parsed.entries] == ["Harbour Light 1", "Harbour Light 2",
                                                 "Harbour Light 3"]  # not the broken one
    first = parsed.entries[0]
    assert first.id == "urn:uuid:00000000-0000-4000-8000-000000000001"
    assert first.author == "Ada Keeper 1"
    assert first.summary == "Night 1 at the harbour light."
    assert [t.term for t in first.tags] == ["Fiction", "Sea"]
    rels = {link.rel: link for link in first.links}
    epub = rels["http://opds-spec.org/acquisition"]
    assert epub.type == "application/epub+zip"
    assert (shelf / epub.href).stat().st_size == int(epub.length)
    for rel in ("http://opds-spec.org/image", "http://opds-spec.org/image/thumbnail"):
        assert (shelf / rels[rel].href).read_bytes()[:3] == b"\xff\xd8\xff"  # a JPEG


def test_the_thumbnail_is_the_epubs_cover_made_small(shelf):
    from PIL import Image

    with Image.open(shelf / "light-1" / "cover.jpg") as cover, \
            Image.open(shelf / "light-1" / "thumbnail.jpg") as thumb:
        assert thumb.height == 400 and cover.height > 400
        assert abs(thumb.width / thumb.height - cover.width / cover.height) < 0.01


def test_the_opds_2_feed_lists_the_same_books(shelf):
    feed = json.loads((shelf / "opds.json").read_text("utf-8"))
    assert feed["metadata"]["title"] == "Harbour Press"
    assert feed["metadata"]["numberOfItems"] == 3
    assert {"rel": "self", "href": "opds.json", "type": "application/opds+json"} in feed["links"]
    book = feed["publications"][0]
    assert book["metadata"]["@type"] == "http://schema.org/Book"
    assert book["metadata"]["author"] == [{"name": "Ada Keeper 1"}]
    assert book["metadata"]["publisher"] == "Harbour Press"
    for link in book["links"] + book["images"]:
        assert (shelf / link["href"]).is_file()
    assert book["links"][0]["rel"] == "http://opds-spec.org/acquisition"


def test_the_page_links_every_book(shelf):
    page = (shelf / "index.html").read_text("utf-8")
    assert page.count('href="light-') == 3  # each book's EPUB
    assert 'href="light-2/harbour-light-2.epub"' in page
    assert 'src="light-1/thumbnail.jpg"' in page and "3 books" in page


def test_feeds_do_not_change_when_nothing_did(shelf):
    before = {n: (shelf / n).read_bytes() for n in ("opds.xml", "opds.json", "index.html")}
    run_cli("catalog", "--workers", "1", cwd=shelf.parent.parent)
    assert {n: (shelf / n).read_bytes() for n in before} == before


def test_serve_offers_the_feed_as_opds_readers_expect(shelf):
    from bookbuild.proof.serve import make_server

    server = make_server(shelf, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with urllib.request.urlopen(base + "opds.xml") as r:
            assert r.headers["Content-Type"] == feeds.ACQUISITION_FEED
            assert feedparser.parse(r.read()).entries
        with urllib.request.urlopen(base + "opds.json") as r:
            assert r.headers["Content-Type"] == "application/opds+json"
        with urllib.request.urlopen(base) as r:
            assert b"Harbour Light 2" in r.read()  # the catalogue's own page is the front
        with urllib.request.urlopen(base + "light-1/harbour-light-1.epub") as r:
            assert r.read()[:2] == b"PK"
    finally:
        server.shutdown()
        server.server_close()
