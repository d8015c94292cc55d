"""The rule registry: every check is a small function registered with a stable code.

A rule function takes the thing it checks (an EpubFile, a PdfFile or a Book) and yields Hits;
the registry turns them into Findings with the rule's code, severity and hint. Codes never change
meaning once released, so that suppressions in book.yaml keep working.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bookbuild.check import SEVERITIES, Finding

TARGETS = ("epub", "pdf", "manuscript")

# The modules that register rules, per target; imported on first use.
FAMILIES = {
    "epub": ["epub_ocf", "epub_opf", "epub_nav", "epub_links", "epub_xhtml", "epub_images",
             "epub_content", "kindle"],
    "pdf": ["pdf"],
    "manuscript": ["ms_structure", "ms_typography", "ms_assets", "ms_names", "ms_metadata"],
}


@dataclass(frozen=True)
class Hit:
    """One thing a rule found. `needle` is text to look for in the author's Markdown."""
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    needle: str | None = None


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    hint: str
    target: str
    func: Callable[..., Iterable[Hit]]
    scope: str = "book"  # "document": runs on one content document at a time, cached

    @property
    def family(self) -> str:
        return self.code.rsplit("-", 1)[0]

    @property
    def summary(self) -> str:
        """The docstring's first paragraph, on one line."""
        first = (self.func.__doc__ or "").strip().split("\n\n")[0]
        return " ".join(first.split())


RULES: dict[str, Rule] = {}

# What the writers warn of as they build, where no rule reads the output for it: known here so
# that book.yaml can suppress each one (codes of rules, such as PDF-IMG-001 and MS-LABEL-001,
# the writers share with those rules).
WRITER_CODES = {
    "CONVERT-HTML-001": "an element HTML does not have: its tags are left out, its text kept",
    "CONVERT-LINK-001": "a link with no target: its text is kept",
    "CONVERT-LINK-002": "a link reference defined nowhere in the book: its text is kept",
    "CONVERT-LINK-003": "a link to a file outside the book: its text is kept without the link",
    "CONVERT-XREF-001": "a cross-reference to an id the book does not have: its words are kept",
    "PDF-HTML-001": "raw HTML that cannot be printed is left out of the PDF",
    "PDF-GLYPH-001": "a character no print font has prints as a marked code point",
    "PDF-PDFA-001": "PDF/A-2b is off: a CMYK image has no colour profile",
    "PDF-TYPST-001": "what Typst warned of while typesetting",
    "PDF-COVER-002": "an SVG cover: the colours of the back are guessed",
    "EPUB-PAGE-001": "a print page whose first words the EPUB lacks: left out of the page list",
    "INDEX-001": "an index see or see also names a term that no mark indexes",
    "INDEX-002": "an index mark that cannot be read (no term, an empty level, too many levels)",
    "INDEX-003": "an index mark whose place is on no printed page: print's index leaves it out",
}


def rule(code: str, severity: str, hint: str, target: str, scope: str = "book"):
    """Register a rule function under `code`.

    A rule with scope="document" takes one EPUB content document (check.epub_docs.Doc) and must
    look at nothing else; its hits are cached with the document's bytes, so an unchanged
    chapter is never checked twice.
    """
    if severity not in SEVERITIES or target not in TARGETS:
        raise ValueError(f"{code}: bad severity {severity!r} or target {target!r}")
    if scope not in ("book", "document") or (scope == "document" and target != "epub"):
        raise ValueError(f"{code}: scope {scope!r} is not for {target} rules")

    def register(func):
        if code in RULES:
            raise ValueError(f"rule code {code} registered twice")
        RULES[code] = Rule(code, severity, hint, target, func, scope)
        return func
    return register


def load(target: str | None = None) -> None:
    for tgt, modules in FAMILIES.items():
        if target in (None, tgt):
            for name in modules:
                importlib.import_module(f"bookbuild.check.{name}")


def rules_for(target: str, scope: str | None = None) -> list[Rule]:
    load(target)
    return [r for r in RULES.values() if r.target == target and scope in (None, r.scope)]


Locate = Callable[[Hit], tuple[str | None, int | None, str]]


def _as_is(hit: Hit) -> tuple[str | None, int | None, str]:
    return hit.file, hit.line, hit.message


def run(target: str, subject, locate: Locate = _as_is, skip: tuple[str, ...] = ()
        ) -> list[Finding]:
    """Run every rule for `target` on `subject`, but those whose codes are in `skip`. A rule
    that crashes on odd input is reported, never allowed to hide the other rules' findings."""
    findings = []
    for r in rules_for(target):
        if r.code in skip:
            continue
        try:
            hits = list(_document_hits(subject, r.code) if r.scope == "document"
                        else r.func(subject))
        except Exception as e:  # noqa: BLE001 - untrusted input must not stop the check
            kind = getattr(e, "kind", type(e).__name__)  # a cached crash keeps its own name
            findings.append(Finding("CHECK-900", "error",
                                    f"rule {r.code} failed: {kind}: {e} "
                                    f"(a bug in bookbuild; please report it)"))
            continue
        for hit in hits:
            file, line, message = locate(hit)
            findings.append(Finding(r.code, r.severity, message, file, line,
                                    hit.column if line == hit.line else None, r.hint))
    return findings


def _document_hits(subject, code: str):
    from bookbuild.check.epub_docs import document_hits

    return document_hits(subject, code)
