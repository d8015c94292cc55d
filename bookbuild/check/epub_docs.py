"""What the EPUB rules need from each content document, taken once and cached by its bytes.

A 1,000,000-word book has hundreds of content documents, and after a one-chapter edit only one
of them is new. Each document is parsed once; one pass over it collects the facts the book-wide
rules compare across documents (ids, links, resources, images, headings, language), and the
document rules (registered with scope="document") run on it. The result is stored under the
hash of the document's path and bytes, so the next build parses only what changed.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field

from lxml import etree

from bookbuild.check.epub_file import EpubFile, local, text_of
from bookbuild.check.registry import Hit, rules_for
from bookbuild.support import cache, safety
from bookbuild.support.xml import EPUB_NS, XHTML_NS, XLINK_HREF, XML_LANG

EPUB_TYPE = f"{{{EPUB_NS}}}type"
HEADING = re.compile(r"^h[1-6]$")
# Elements whose attribute embeds a resource (as opposed to linking to a document).
RESOURCE_ATTRS = {"img": ("src",), "source": ("src",), "audio": ("src",),
                  "video": ("src", "poster"), "track": ("src",), "script": ("src",),
                  "embed": ("src",), "object": ("data",), "iframe": ("src",), "input": ("src",)}
# Elements that make a content document need a manifest property.
NEEDS_PROPERTY = {"script": "scripted", "svg": "svg", "math": "mathml"}
KIND = "epub-docs"
# What _collect learns from: elements with an attribute (found in C, in document order, so the
# first of an id is first), and those that count by their name alone. A book's many bare <p>
# and <em> are never visited in Python.
WITH_ATTRIBUTES = etree.XPath("//*[@*]")
NAMED = ("{*}style", "{*}svg", "{*}math", "{*}script")
LINK_TAGS = {f"{{{XHTML_NS}}}a", "a"}


@dataclass
class Image:
    tag: str  # "img" or SVG "image"
    src: str | None
    alt: str | None
    role: str | None
    line: int | None


@dataclass
class Facts:
    """One content document (or any XML entry a link points into), as the book-wide rules
    see it."""
    parsed: bool = False  # False: not readable or not well-formed (see problem)
    problem: tuple[str, str, int | None] | None = None  # (kind, message, line)
    ids: set[str] = field(default_factory=set)
    links: list[tuple[str, int | None]] = field(default_factory=list)  # <a>/<area> (href, line)
    resources: list[tuple[str, int | None]] = field(default_factory=list)  # (ref, line)
    images: list[Image] = field(default_factory=list)
    lang: str | None = None  # of <html>
    body_id: str | None = None
    page_types: set[str] = field(default_factory=set)  # epub:type on <body> and <section>
    first_heading: tuple[str, int | None] | None = None  # (text, line) in <body>
    headings: dict[str, str] = field(default_factory=dict)  # id → text, when the first
    # element with that id is an <h1>…<h6>
    uses: set[str] = field(default_factory=set)  # manifest properties the content needs
    hits: dict[str, list[Hit] | str] = field(default_factory=dict)  # document rules; str: crash

    def to_json(self) -> dict:
        data = asdict(self)
        for name in ("ids", "page_types", "uses"):
            data[name] = sorted(data[name])
        data["hits"] = {code: h if isinstance(h, str) else [list(asdict(x).values()) for x in h]
                        for code, h in self.hits.items()}
        return data

    @classmethod
    def from_json(cls, data: dict) -> Facts:
        facts = cls(**data)
        facts.ids, facts.page_types, facts.uses = set(facts.ids), set(facts.page_types), \
            set(facts.uses)
        facts.problem = tuple(facts.problem) if facts.problem else None
        facts.links = [tuple(x) for x in facts.links]
        facts.resources = [tuple(x) for x in facts.resources]
        facts.images = [Image(**x) for x in facts.images]
        facts.first_heading = tuple(facts.first_heading) if facts.first_heading else None
        facts.hits = {code: h if isinstance(h, str) else [Hit(*x) for x in h]
                      for code, h in facts.hits.items()}
        return facts


@dataclass
class Doc:
    """What a document rule sees: one content document, parsed."""
    path: str
    data: bytes
    root: etree._Element
    options: dict


def facts(epub: EpubFile, path: str) -> Facts:
    """The facts of one entry (from the cache when its bytes are unchanged)."""
    memo = epub.cache.setdefault(KIND, {})
    if path not in memo:
        memo[path] = _load_or_take(epub, path)
    return memo[path]


def documents(epub: EpubFile):
    """(item, facts) of every content document that is in the EPUB."""
    for item in epub.documents:
        if item.path in epub.names:
            yield item, facts(epub, item.path)


def document_hits(epub: EpubFile, code: str):
    """The hits of one document rule over every content document."""
    for _item, f in documents(epub):
        found = f.hits.get(code, [])
        if isinstance(found, str):
            kind, _colon, message = found.partition(": ")
            raise RuleCrash(kind, message)
        yield from found


class RuleCrash(Exception):
    """A document rule crashed (on this run or when its result was cached): reported as the
    exception it was."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def _load_or_take(epub: EpubFile, path: str) -> Facts:
    data = epub.read(path)
    if data is None:
        return _unread(epub, path)
    if not epub.memo.keeps:  # a stray EPUB: hashing and storing its documents is wasted work
        return _take(epub, path, data)
    codes = sorted(r.code for r in rules_for("epub", scope="document"))
    key = cache.key(KIND, path, json.dumps(epub.options, sort_keys=True), " ".join(codes), data)
    stored = epub.memo.get_json(KIND, key)
    if stored is not None:
        try:
            found = Facts.from_json(stored)
            if not found.parsed or sorted(found.hits) == codes:  # every rule's answer is there
                return found
        except Exception:  # noqa: BLE001, S110 - an entry of another layout: take them again
            pass
    found = _take(epub, path, data)
    if not any(isinstance(h, str) for h in found.hits.values()):
        epub.memo.put_json(KIND, key, found.to_json())  # a crash may not happen next time
    return found


def _take(epub: EpubFile, path: str, data: bytes) -> Facts:
    root = epub.xml(path)
    if root is None:
        return _unread(epub, path)
    found = Facts(parsed=True, lang=root.get(XML_LANG) or root.get("lang"))
    links = found.links
    for el in WITH_ATTRIBUTES(root):
        attrib = el.attrib
        if el.tag in LINK_TAGS and len(attrib) == 1 and "href" in attrib:  # most of the links
            links.append((attrib["href"], el.sourceline))
        else:
            _collect(found, el, local(el))
    for el in root.iter(*NAMED):
        if not el.attrib:  # those with attributes are collected above
            _collect(found, el, local(el))
    body = next(root.iter("{*}body"), None)
    if body is not None:
        found.body_id = body.get("id")
        found.first_heading = _first_heading(body)
    doc = Doc(path, data, root, epub.options)
    for r in rules_for("epub", scope="document"):
        try:
            found.hits[r.code] = list(r.func(doc))
        except Exception as e:  # noqa: BLE001 - the registry reports it as CHECK-900
            found.hits[r.code] = f"{type(e).__name__}: {e}"
    epub.forget(path)  # the tree is not needed again; a big book need not hold them all
    return found


def _unread(epub: EpubFile, path: str) -> Facts:
    """The facts of an entry that could not be read or parsed: why."""
    problem = epub.problems.get(path)
    return Facts(problem=(problem.kind, problem.message, problem.line) if problem else None)


def _collect(found: Facts, el: etree._Element, name: str) -> None:
    """Everything one element contributes to the facts. Called for most elements of a big
    book, so each attribute is asked for once and each test is a dict or set lookup."""
    get, line = el.get, el.sourceline
    id_ = get("id")
    if id_ and id_ not in found.ids:  # a link lands on the first element with the id
        found.ids.add(id_)
        if HEADING.match(name):
            found.headings[id_] = text_of(el)
    if name in ("a", "area"):
        href = get("href")
        if href is not None:
            found.links.append((href, line))
    for attr in RESOURCE_ATTRS.get(name, ()):
        if get(attr):
            found.resources.append((get(attr), line))
    if name == "link" and "stylesheet" in (get("rel") or "").lower().split() and get("href"):
        found.resources.append((get("href"), line))
    style = get("style")
    if style:
        _css_resources(found, style, True, line)
    if name == "style" and el.text:
        _css_resources(found, el.text, False, line)
    if name in ("img", "image"):
        _image(found, el, name, line)
    if name in ("body", "section"):
        found.page_types |= set((get(EPUB_TYPE) or "").split())
    if name in NEEDS_PROPERTY and not (name == "script" and safety.is_data_block(get("type"))):
        found.uses.add(NEEDS_PROPERTY[name])


def _css_resources(found: Facts, css: str, declarations: bool, line: int | None) -> None:
    found.resources += [(url, line) for url in safety.css_urls(css, declarations)
                        if safety.scheme(url) != "data"]


def _image(found: Facts, el: etree._Element, name: str, line: int | None) -> None:
    if name == "img":
        found.images.append(Image("img", el.get("src"), el.get("alt"), el.get("role"), line))
        return
    href = el.get(XLINK_HREF) or el.get("href")
    if href:
        found.resources.append((href, line))
    found.images.append(Image("image", href, el.get("alt"), el.get("role"), line))


def _first_heading(body: etree._Element) -> tuple[str, int | None] | None:
    heading = next((el for el in body.iter(etree.Element) if HEADING.match(local(el))), None)
    return (text_of(heading), heading.sourceline) if heading is not None else None
