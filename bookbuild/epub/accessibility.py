"""Schema.org accessibility metadata, derived from what the book actually contains."""

from __future__ import annotations

from dataclasses import dataclass

CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


@dataclass(frozen=True)
class Content:
    images: int
    math: bool
    tables: bool
    page_breaks: bool = False  # the print edition's page breaks and a page list
    index: bool = False  # an index of marked terms, linked to each place


def properties(content: Content, evaluator: str | None) -> list[tuple[str, str]]:
    """(property, value) pairs for <meta property=…>.

    A conformance claim is a person's or a publisher's statement that they evaluated the
    book; a tool cannot make it for them. Without an evaluator the book carries what it
    has (modes, features, hazards, summary) and no claim."""
    modes = ["textual"] + (["visual"] if content.images else [])
    features = ["tableOfContents", "readingOrder", "structuralNavigation"]
    if content.images:
        features.append("alternativeText")
    if content.math:
        features.append("MathML")
    if content.page_breaks:
        features += ["pageBreakMarkers", "pageNavigation"]  # printPageNumbers is deprecated
    if content.index:
        features.append("index")
    # No term for tables: "tableHeaders" is not in the W3C vocabulary, and Ace flags it.
    features.append("displayTransformability")
    out = [("schema:accessMode", m) for m in modes]
    # Every image has alt text (the build refuses one without), so text alone suffices.
    out.append(("schema:accessModeSufficient", "textual"))
    if content.images:
        out.append(("schema:accessModeSufficient", "textual,visual"))
    out += [("schema:accessibilityFeature", f) for f in features]
    out.append(("schema:accessibilityHazard", "none"))
    out.append(("schema:accessibilitySummary", summary(content, claimed=bool(evaluator))))
    if evaluator:
        out.append(("dcterms:conformsTo", CONFORMANCE))
        out.append(("a11y:certifiedBy", evaluator))
    return out


def summary(content: Content, claimed: bool = False) -> str:
    parts = (["This publication conforms to WCAG 2.2 Level AA."] if claimed else []) + [
        "It has a table of contents, structured headings and a logical reading order;",
        "the text can be restyled and resized by the reader."]
    if content.images:
        parts.append("Its image has a text alternative." if content.images == 1 else
                     f"All {content.images} of its images have text alternatives.")
    if content.math:
        parts.append("Mathematics is encoded as MathML.")
    if content.page_breaks:
        parts.append("It marks where each page of the print edition begins, with a page list.")
    parts.append("It contains no flashing, motion or sound hazards.")
    return " ".join(parts)
