"""Fix hints for an EPUB that bookbuild did not build: its maker has no book.yaml, no Markdown
and no assets/ folder, so the advice names what is in the EPUB itself. A rule's own hint (for a
book folder) stays where no entry is needed."""

from __future__ import annotations

from dataclasses import replace

from bookbuild.check import Finding

OUTSIDE = {
    "EPUB-A11Y-004": "once the book is reviewed, add <meta property=\"dcterms:conformsTo\"> "
                     "and a:certifiedBy to the package document",
    "EPUB-IMG-001": "give the image an alt attribute that describes it, or alt=\"\" with "
                    "role=\"presentation\" when it is decoration",
    "EPUB-IMG-003": "supply a smaller image (4 megapixels at most)",
    "EPUB-IMG-004": "supply a cover image of at least 1600×2560 pixels",
    "EPUB-LINK-002": "give the target element that id, or fix the link",
    "EPUB-LINK-003": "add the file to the EPUB and its manifest, or fix the path",
    "EPUB-OPF-005": "add dc:title, dc:creator, dc:language and dc:identifier to the package "
                    "document",
    "EPUB-OPF-007": "write dc:language as a BCP 47 tag: en, en-GB, ru",
    "EPUB-OPF-010": "mark the cover image in the manifest with properties=\"cover-image\"",
    "EPUB-RES-001": "put the file in the EPUB, list it in the manifest and refer to it by its "
                    "path",
    "EPUB-SCRIPT-001": "remove the script, or declare properties=\"scripted\" if the book is "
                       "meant to run one",
    "EPUB-XHTML-003": "give every content document the package's language (lang and xml:lang "
                      "on <html>)",
    "EPUB-XML-001": "fix the markup so the file is well-formed XML",
    "KINDLE-003": "write dc:language as an ISO 639-1 based tag: en, de, ru",
    "KINDLE-006": "shrink the images until the EPUB is under 50 MB",
}


def for_outside(findings: list[Finding]) -> list[Finding]:
    """The findings with the hints for an EPUB from elsewhere."""
    return [replace(f, hint=OUTSIDE[f.code]) if f.code in OUTSIDE else f for f in findings]
