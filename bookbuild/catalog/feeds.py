"""The catalogue as readers and libraries find it: an OPDS 1.2 acquisition feed (Atom), an
OPDS 2.0 feed (JSON) and a static HTML page, all linking to the built files by relative URL,
so the folder can be served from anywhere (`bookbuild serve`) or copied to a web server.

The Atom feed is checked against the OPDS 1.2 RELAX NG schema (schema/, from the OPDS
community's specs) before it is written. Every date comes from the books, none from the
clock, so the same books give the same feeds byte for byte.
"""

from __future__ import annotations

import json
import uuid
from functools import cache
from html import escape
from importlib import resources
from string import Template
from urllib.parse import quote

from lxml import etree

from bookbuild.support.words import counted

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/terms/"
OPDS = "http://opds-spec.org/2010/catalog"
ACQUISITION_FEED = "application/atom+xml;profile=opds-catalog;kind=acquisition"
OPDS2 = "application/opds+json"
ATOM_FILE, OPDS2_FILE, PAGE_FILE = "opds.xml", "opds.json", "index.html"
ACQUIRE = "http://opds-spec.org/acquisition"
IMAGE, THUMB = "http://opds-spec.org/image", "http://opds-spec.org/image/thumbnail"
LABELS = {"epub": "EPUB", "kepub": "Kobo", "kindle": "Kindle", "pdf": "Print PDF"}
EPOCH = "1970-01-01T00:00:00Z"


class FeedError(Exception):
    """The feed bookbuild made breaks the OPDS schema: a bug, said with the schema's words."""


def feed_id(title: str) -> str:
    """The same catalogue title, the same feed identity, as Atom asks of a feed over time."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'bookbuild-catalog:' + title)}"


def updated(entries: list[dict]) -> str:
    return max((e["updated"] for e in entries), default=EPOCH)


def href(book: str, name: str) -> str:
    return f"{quote(book)}/{quote(name)}"


# OPDS 1.2 -------------------------------------------------------------------------------

def atom_feed(title: str, books: list[tuple[str, dict]]) -> bytes:
    """The acquisition feed of `books`: (output folder name, job.entry) pairs."""
    entries = [e for _, e in books]
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM, "dc": DC, "opds": OPDS})
    _text(feed, "id", feed_id(title))
    _text(feed, "title", title)
    _text(feed, "updated", updated(entries))
    author = etree.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", title)
    for rel in ("self", "start"):
        _link(feed, rel, ATOM_FILE, ACQUISITION_FEED)
    _link(feed, "alternate", PAGE_FILE, "text/html")
    _link(feed, "alternate", OPDS2_FILE, OPDS2)
    for name, e in books:
        feed.append(_atom_entry(name, e))
    data = etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)
    validate(data)
    return data


def _atom_entry(name: str, e: dict):
    entry = etree.Element(f"{{{ATOM}}}entry")
    _text(entry, "title", e["title"] + (f": {e['subtitle']}" if e.get("subtitle") else ""))
    _text(entry, "id", e["identifier"])
    _text(entry, "updated", e["updated"])
    for person in e["authors"]:
        _text(etree.SubElement(entry, f"{{{ATOM}}}author"), "name", person)
    if e.get("rights"):
        _text(entry, "rights", e["rights"])
    _text(entry, "language", e["language"], DC)
    for key, element in (("publisher", "publisher"), ("date", "issued")):
        if e.get(key):
            _text(entry, element, str(e[key]), DC)
    for subject in e.get("subjects") or []:
        etree.SubElement(entry, f"{{{ATOM}}}category", term=subject, label=subject)
    if e.get("description"):
        _text(entry, "summary", e["description"]).set("type", "text")
    if e.get("cover"):
        _link(entry, IMAGE, href(name, e["cover"]["name"]), "image/jpeg")
        _link(entry, THUMB, href(name, e["cover"]["thumbnail"]), "image/jpeg")
    for link in e["links"]:
        _link(entry, ACQUIRE, href(name, link["name"]), link["type"],
              title=LABELS[link["format"]], length=str(link["bytes"]))
    return entry


def _text(parent, name: str, value: str, ns: str = ATOM):
    element = etree.SubElement(parent, f"{{{ns}}}{name}")
    element.text = value
    return element


def _link(parent, rel: str, target: str, kind: str, **more: str) -> None:
    etree.SubElement(parent, f"{{{ATOM}}}link", rel=rel, href=target, type=kind, **more)


@cache
def _schema() -> etree.RelaxNG:
    with resources.as_file(resources.files("bookbuild.catalog").joinpath("schema")) as folder:
        # The OPDS grammar includes atom.rng by a relative name: parsed from its own file.
        return etree.RelaxNG(etree.parse(str(folder / "opds.rng")))


def validate(data: bytes) -> None:
    schema = _schema()
    if not schema.validate(etree.fromstring(data)):
        first = schema.error_log[0]
        raise FeedError(f"the OPDS feed breaks the OPDS 1.2 schema at line {first.line}: "
                        f"{first.message}")


# OPDS 2.0 -------------------------------------------------------------------------------

def opds2_feed(title: str, books: list[tuple[str, dict]]) -> bytes:
    entries = [e for _, e in books]
    feed = {
        "metadata": {"title": title, "identifier": feed_id(title),
                     "modified": updated(entries), "numberOfItems": len(books)},
        "links": [{"rel": "self", "href": OPDS2_FILE, "type": OPDS2},
                  {"rel": "alternate", "href": ATOM_FILE, "type": ACQUISITION_FEED},
                  {"rel": "alternate", "href": PAGE_FILE, "type": "text/html"}],
        "publications": [_publication(name, e) for name, e in books],
    }
    return (json.dumps(feed, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _publication(name: str, e: dict) -> dict:
    metadata: dict = {"@type": "http://schema.org/Book", "title": e["title"],
                      "identifier": e["identifier"], "modified": e["updated"],
                      "language": e["language"],
                      "author": [{"name": a} for a in e["authors"]]}
    for key, field in (("subtitle", "subtitle"), ("publisher", "publisher"),
                       ("date", "published"), ("description", "description")):
        if e.get(key):
            metadata[field] = str(e[key])
    if e.get("subjects"):
        metadata["subject"] = [{"name": s} for s in e["subjects"]]
    if e.get("series"):
        series = {"name": e["series"]}
        if e.get("series_index") is not None:
            series["position"] = e["series_index"]
        metadata["belongsTo"] = {"series": [series]}
    publication = {"metadata": metadata,
                   "links": [{"rel": ACQUIRE, "href": href(name, link["name"]),
                              "type": link["type"], "title": LABELS[link["format"]]}
                             for link in e["links"]]}
    if e.get("cover"):
        width, height = e["cover"]["size"]
        publication["images"] = [
            {"href": href(name, e["cover"]["name"]), "type": "image/jpeg",
             "width": width, "height": height},
            {"href": href(name, e["cover"]["thumbnail"]), "type": "image/jpeg"}]
    return publication


# The HTML page --------------------------------------------------------------------------

def html_page(title: str, books: list[tuple[str, dict]]) -> bytes:
    """A page a person (or an e-reader's browser) reads: covers, titles, authors, downloads."""
    items = [_card(name, e) for name, e in books] or ["<li>No book is built yet.</li>"]
    page = Template(resources.files("bookbuild.catalog").joinpath("templates", "catalog.html")
                    .read_text("utf-8"))
    return page.substitute(title=escape(title), count=counted(len(books), "book"), items="\n".join(items),
                           atom=ATOM_FILE, opds2=OPDS2_FILE).encode("utf-8")


def _card(name: str, e: dict) -> str:
    cover = (f'<img src="{escape(href(name, e["cover"]["thumbnail"]))}" alt="" '
             f'width="{_thumb_width(e)}" height="{THUMB_HEIGHT}">' if e.get("cover") else "")
    links = " ".join(f'<a href="{escape(href(name, link["name"]))}">'
                     f'{escape(LABELS[link["format"]])}</a>' for link in e["links"])
    byline = escape(", ".join(e["authors"]))
    lang = escape(e["language"])
    subtitle = f'<p class="sub">{escape(e["subtitle"])}</p>' if e.get("subtitle") else ""
    about = f'<p class="about">{escape(e["description"])}</p>' if e.get("description") else ""
    return (f'<li lang="{lang}">{cover}<div><h2>{escape(e["title"])}</h2>{subtitle}'
            f'<p class="by">{byline}</p>{about}<p class="get">{links}</p></div></li>')


THUMB_HEIGHT = 160  # CSS pixels on the page


def _thumb_width(e: dict) -> int:
    width, height = e["cover"]["size"]
    return round(width * THUMB_HEIGHT / height)
