"""XML as every part of bookbuild reads it: the namespaces, and one safe parser.

The parser never fetches a DTD or an entity from anywhere and never expands one (XXE, "billion
laughs"); huge_tree lets a 10 MB chapter of real prose through, which the byte limits of the
zip reader keep from being a bomb. Comments are kept: a writer decides what to drop.
"""

from __future__ import annotations

from lxml import etree

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
OPF_NS = "http://www.idpf.org/2007/opf"
DC_NS = "http://purl.org/dc/elements/1.1/"
CONTAINER_NS = "urn:oasis:names:tc:opendocument:xmlns:container"
NCX_NS = "http://www.daisy.org/z3986/2005/ncx/"
SVG_NS = "http://www.w3.org/2000/svg"
MATHML_NS = "http://www.w3.org/1998/Math/MathML"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

XHTML_TYPE = "application/xhtml+xml"
SVG_TYPE = "image/svg+xml"


def parser() -> etree.XMLParser:
    """A new safe parser (lxml's parsers are not to be shared between threads)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=True, remove_comments=False,
                           remove_blank_text=False)


PARSER = parser()  # for the main thread's many small parses


def parse(data: bytes | str) -> etree._Element:
    """The root element of `data`, parsed safely (etree.XMLSyntaxError when it is not XML)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return etree.fromstring(data, parser())
