"""Typst jobs merged into one print PDF: pages, tags, links, bookmarks, page labels and folios.

Every job is a complete tagged PDF. Each body job's pages, structure elements, parent-tree
entries, note ids, named destinations and bookmarks are copied into a new document as the job
comes in, their keys shifted or renamed to stay unique in the book; the front matter goes in
front of them at the end, and its catalog (metadata, language, output intent, viewer
preferences) becomes the book's. A link into another job (a "bookbuild:dest/…" URI) becomes
a link to a named destination; the folios that folios.typ set are laid over the body's pages
as pagination artifacts, as Typst marks running heads.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from bookbuild.book.labels import english
from bookbuild.pdf.source import DEST

# Typst puts a destination this far above its target, so the target is not flush with the
# top of the window.
DEST_MARGIN = 10.0
FOLIO = Name("/BBFolio")
# As Typst marks its running heads: an artifact, attached to the top of the page.
FOLIO_CONTENT = (b"/Artifact <</Attached [/Top] /Subtype /Header /Type /Pagination>> BDC\n"
                 b"q /BBFolio Do Q\nEMC\n")


@dataclass
class Piece:
    """One job's PDF and what the job said about itself."""

    pdf: bytes
    facts: dict


@dataclass
class Target:
    """A named destination the merge adds: a label, or a contents entry."""

    name: str
    piece: int  # index into the body pieces, -1 for the front
    page: int  # 1-based, within its job
    x: float
    y: float  # from the top of the page, as Typst reports it
    kind: str = "Section"


class Tally:
    """Where each job's pages go in the book and how they are numbered, without the pages:
    what a build that needs only the page numbers (the EPUB's page list) asks of a merge."""

    version = "1.7"

    def __init__(self) -> None:
        self.starts: list[int] = []  # each body piece's first page, counted from the body's
        self.front_pages = 0
        self.body_pages = 0

    @property
    def pages(self) -> int:
        return self.front_pages + self.body_pages

    def add(self, piece: Piece, pad: int = 0) -> None:
        self.starts.append(self.body_pages)
        self.body_pages += piece.facts["pages"] + pad

    def pad(self, at: int | None = None) -> None:
        if at is None:
            self.body_pages += 1
        else:
            self.front_pages += 1

    def add_front(self, piece: Piece, pad: int = 0) -> None:
        self.front_pages = piece.facts["pages"] + pad

    def finish(self, targets: list[Target]) -> pikepdf.Pdf | None:
        return None

    def index(self, piece: int, page: int) -> int:
        """The book's 0-based page index of page `page` of body piece `piece` (-1: front)."""
        start = 0 if piece < 0 else self.front_pages + self.starts[piece]
        return start + page - 1

    def label(self, index: int) -> str:
        """The printed page number of the page at `index`."""
        if index < self.front_pages:
            return roman(index + 1)
        return str(index - self.front_pages + 1)


class Merger(Tally):
    """Body jobs are added in order while later ones are still being set; the front matter,
    which waits for the body's page numbers, goes in front of them at the end."""

    def __init__(self, words: dict[str, str] | None = None):
        super().__init__()
        self.words = words or english()  # the book's words for a link's description
        self.sources: list[pikepdf.Pdf] = []  # kept open: copied streams are read on save
        self.out = pikepdf.new()
        self.document = self.out.make_indirect(Dictionary(
            Type=Name.StructElem, S=Name.Document, K=Array()))
        self.numbers: dict[int, pikepdf.Object] = {}  # the parent tree
        self.next_key = 0
        self.ids: dict[str, pikepdf.Object] = {}
        self.dests: dict[str, pikepdf.Object] = {}
        self.outline: list[tuple[int, str, pikepdf.Object]] = []  # (level, title, dest)
        self.role_map = Dictionary()
        self.version = "1.7"  # the front job's, once it is in
        # pikepdf finds the nth page of a long book slowly (its whole page list each time,
        # 0.2 ms at 3,000 pages): a pass that looks up many lists them once.
        self.last_box: pikepdf.Array | None = None
        self.listed: list[pikepdf.Page] = []

    @property
    def pages(self) -> int:
        return len(self.out.pages)

    def add(self, piece: Piece, pad: int = 0) -> None:
        """Append a body job and `pad` blank pages: its pages, and its tags, destinations
        and bookmarks."""
        self.starts.append(len(self.out.pages))
        kids = self._copy(piece, f"j{len(self.starts)}", self.out.pages.extend)
        self.last_box = self.sources[-1].pages[-1].mediabox  # a pad's size, read at hand
        self.document.K.extend(kids)
        for _ in range(pad):
            self.pad()

    def pad(self, at: int | None = None) -> None:
        """A blank page, at the end or at index `at`: the size of the page before it."""
        like = self.last_box if at is None and self.last_box is not None else \
            self.out.pages[(len(self.out.pages) if at is None else at) - 1].mediabox
        page = pikepdf.Page(self.out.make_indirect(Dictionary(
            Type=Name.Page, MediaBox=Array(like), Resources=Dictionary(),
            Contents=self.out.make_stream(b""))))
        if at is None:
            self.out.pages.append(page)
        else:
            self.out.pages.insert(at, page)

    def add_front(self, piece: Piece, pad: int = 0) -> None:
        """Put the front matter (and `pad` blank pages) before the body, and take its catalog
        for the book's."""
        outline = self.outline
        self.outline = []

        def insert(pages):
            for i, page in enumerate(pages):
                self.out.pages.insert(i, page)

        kids = _contents_as_toc(self.out, self._copy(piece, "", insert), self.document)
        self.front_pages = len(self.sources[-1].pages)
        for _ in range(pad):
            self.pad(at=self.front_pages)
            self.front_pages += 1
        self.document.K = Array([*kids, *self.document.K])
        self.outline += outline
        self._catalog(self.sources[-1])

    def _copy(self, piece: Piece, tag: str, place) -> list[pikepdf.Object]:
        """Copy a job's pages with `place`, and its tags, destinations and bookmarks; return
        the top structure elements, now children of the book's Document element."""
        src = pikepdf.open(io.BytesIO(piece.pdf))
        self.sources.append(src)
        tree = src.Root.StructTreeRoot
        _shift_struct_parents(src, self.next_key)
        # A job with no tagged content (a section that holds only a comment) has no parent tree.
        parents = tree.get("/ParentTree")
        numbers = [] if parents is None else [(k + self.next_key, v)
                                              for k, v in pikepdf.NumberTree(parents).items()]
        self.next_key += int(tree.get("/ParentTreeNextKey", len(numbers)))
        ids = _renamed_ids(tree, tag)
        dests = list(_dests(src))
        outline = _outline(src)
        document = _document(tree)
        del document["/P"]  # the job's tree root stays behind
        with warnings.catch_warnings():
            # pikepdf warns that a page copy loses named destinations and the outline: this
            # merge copies both itself (below).
            warnings.simplefilter("ignore", getattr(pikepdf, "PageCopyWarning", UserWarning))
            place(src.pages)
        # One copy for everything, so each object that several of them share is copied once.
        carrier = src.make_indirect(Array([document, *(v for _, v in numbers),
                                           *(v for _, v in ids), *(v for _, v in dests),
                                           *(d for _, _, d in outline)]))
        copied = iter(self.out.copy_foreign(carrier))
        kids = list(next(copied).K)
        for kid in kids:
            if isinstance(kid, Dictionary):
                kid.P = self.document
        self.numbers.update((k, next(copied)) for k, _ in numbers)
        self.ids.update((name, next(copied)) for name, _ in ids)
        self.dests.update((name, next(copied)) for name, _ in dests)
        self.outline += [(level, title, next(copied)) for level, title, _ in outline]
        for key, value in tree.get("/RoleMap", Dictionary()).items():
            if key not in self.role_map:
                self.role_map[key] = value
        return kids

    def _catalog(self, front: pikepdf.Pdf) -> None:
        """Metadata, language, output intent, viewer preferences: the front job's."""
        own = {"/Type", "/Pages", "/Names", "/StructTreeRoot", "/PageLabels", "/Outlines"}
        keys = [k for k in front.Root.keys() if k not in own]  # noqa: SIM118
        carrier = front.make_indirect(Array([front.Root[k] for k in keys] +
                                            [front.trailer.get("/Info", Dictionary())]))
        copied = list(self.out.copy_foreign(carrier))
        for key, value in zip(keys, copied):
            self.out.Root[key] = value
        self.out.trailer.Info = copied[-1]
        self.version = front.pdf_version

    def finish(self, targets: list[Target]) -> pikepdf.Pdf:
        """Write the trees, resolve cross-job links, label the pages."""
        out = self.out
        self.listed = list(out.pages)
        for t in targets:
            self.dests.setdefault(t.name, self._destination(t))
        root = out.make_indirect(Dictionary(
            Type=Name.StructTreeRoot, K=Array([self.document]),
            ParentTree=_number_tree(out, self.numbers), ParentTreeNextKey=self.next_key,
            RoleMap=self.role_map))
        if self.ids:
            root.IDTree = _name_tree(out, self.ids)
        self.document.P = root
        out.Root.StructTreeRoot = root
        out.Root.Names = Dictionary(Dests=_name_tree(out, self.dests))
        kinds = {t.name: t.kind for t in targets}
        self._resolve_links(kinds)
        self._share_images()
        self._bookmarks()
        out.Root.PageLabels = Dictionary(Nums=Array([
            0, Dictionary(S=Name.r), self.front_pages, Dictionary(S=Name.D)]))
        _set_page_count(out, len(out.pages))
        return out

    def _page(self, piece: int, page: int) -> pikepdf.Page:
        return self.listed[self.index(piece, page)]

    def _destination(self, t: Target) -> Array:
        page = self._page(t.piece, t.page)
        height = float(page.mediabox[3])
        return Array([page.obj, Name.XYZ, t.x, min(height, height - t.y + DEST_MARGIN), 0])

    def _resolve_links(self, kinds: dict[str, str]) -> None:
        index = {page.obj.objgen: i for i, page in enumerate(self.out.pages)}
        for page in self.out.pages:
            for annot in page.obj.get("/Annots", []):
                action = annot.get("/A")
                uri = str(action.get("/URI", "")) if action is not None else ""
                if not uri.startswith(DEST):
                    continue
                name = uri[len(DEST):]
                dest = self.dests.get(name)
                if dest is None:
                    raise ValueError(f"no destination for {name}")
                del annot["/A"]
                annot.Dest = String(name)
                where = self.label(index[dest[0].objgen])
                kind = kinds.get(name, "Section").lower()
                what = self.words.get(f"link_{kind}", self.words["link_section"])
                annot.Contents = String(self.words["link"].format(what=what, page=where))

    def _share_images(self) -> None:
        """Each job embeds the pictures it shows: one copy of each is enough for the book."""
        seen: dict[tuple, pikepdf.Object] = {}
        for page in self.out.pages:
            xobjects = page.obj.get("/Resources", Dictionary()).get("/XObject")
            if xobjects is None:
                continue
            for name, xobject in list(xobjects.items()):
                if xobject.get("/Subtype") != Name.Image:
                    continue
                key = _identity(xobject)
                first = seen.setdefault(key, xobject)
                if first.objgen != xobject.objgen:
                    xobjects[name] = first

    def lay_folios(self, folios: bytes, pages: list[tuple[int, int]]) -> None:
        """Lay folio page f over body page b for each (b, f) in `pages` (both 0-based)."""
        src = pikepdf.open(io.BytesIO(folios))
        self.sources.append(src)
        own = list(src.pages)
        forms = [own[f].as_form_xobject() for _, f in pages]
        copied = self.out.copy_foreign(src.make_indirect(Array(forms)))
        # Drawn first, as Typst draws its running heads: text comes out in the same order.
        folio = self.out.make_stream(FOLIO_CONTENT)
        listed = list(self.out.pages)
        for (b, _), form in zip(pages, copied):
            page = listed[self.front_pages + b].obj
            resources = page.Resources
            if resources.is_indirect:  # may be shared: this page gets its own
                resources = page.Resources = Dictionary(resources)
            xobjects = resources.get("/XObject")
            if xobjects is None or xobjects.is_indirect:
                xobjects = resources.XObject = Dictionary(xobjects or {})
            xobjects[FOLIO] = form
            contents = page.Contents
            page.Contents = Array([folio, *contents]) if isinstance(contents, Array) \
                else Array([folio, contents])

    def _bookmarks(self) -> None:
        with self.out.open_outline() as outline:
            outline.root.clear()
            outline.root.extend(_nested(self.outline))


def _contents_as_toc(pdf: pikepdf.Pdf, kids: list, parent: Dictionary) -> list:
    """The contents page's lines, each a Link element, tagged as Typst tags an outline:
    TOC > TOCI > Reference > Link. They are the links to "bookbuild:dest/bb-toc-…"."""
    lines = [k for k in kids if isinstance(k, Dictionary) and k.get("/S") == Name.Link
             and _links_to(k, DEST + "bb-toc-")]
    if not lines:
        return kids
    toc = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.TOC, P=parent, K=Array()))
    for link in lines:
        item = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.TOCI, P=toc))
        reference = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Reference,
                                                 P=item, K=Array([link])))
        item.K = Array([reference])
        link.P = reference
        toc.K.append(item)
    first = kids.index(lines[0])
    rest = [k for k in kids if not any(k.objgen == line.objgen for line in lines)]
    return rest[:first] + [toc] + rest[first:]


def _links_to(link: Dictionary, prefix: str) -> bool:
    """Whether a Link element's annotation is a URI link starting with `prefix`."""
    kids = link.get("/K")
    for kid in kids if isinstance(kids, Array) else [kids]:
        if isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR:
            action = kid.Obj.get("/A")
            if action is not None and str(action.get("/URI", "")).startswith(prefix):
                return True
    return False


def _identity(obj, depth: int = 0):
    """What makes two objects the same, whichever job they came from: streams by their bytes,
    containers by what they hold (a colour profile or a soft mask included)."""
    if depth > 6:
        return ("deep", obj.objgen)
    if isinstance(obj, pikepdf.Stream):
        data = hashlib.sha256(obj.read_raw_bytes()).digest()
        return ("stream", data, _identity(Dictionary(obj.stream_dict), depth + 1))
    if isinstance(obj, Dictionary):
        return ("dict", tuple(sorted((k, _identity(v, depth + 1)) for k, v in obj.items()
                                     if k != "/Length")))
    if isinstance(obj, Array):
        return ("array", tuple(_identity(v, depth + 1) for v in obj))
    return ("value", repr(obj))


def _document(tree: Dictionary) -> Dictionary:
    """The structure tree's single top element (Typst's /Document)."""
    kids = tree.K
    return kids[0] if isinstance(kids, Array) else kids


def _shift_struct_parents(pdf: pikepdf.Pdf, shift: int) -> None:
    """Move a job's parent-tree keys past those already in the book."""
    for page in pdf.pages:
        obj = page.obj
        if "/StructParents" in obj:
            obj.StructParents = int(obj.StructParents) + shift
        for annot in obj.get("/Annots", []):
            if "/StructParent" in annot:
                annot.StructParent = int(annot.StructParent) + shift
        for xobject in obj.get("/Resources", Dictionary()).get("/XObject", Dictionary()).values():
            for key in ("/StructParent", "/StructParents"):
                if key in xobject:
                    xobject[key] = int(xobject[key]) + shift


def _renamed_ids(tree: Dictionary, tag: str) -> list[tuple[str, pikepdf.Object]]:
    """Structure element ids (Typst's "Note 1") made unique in the book: "Note 1 (j3)"."""
    if "/IDTree" not in tree:
        return []
    out = []
    for name, elem in pikepdf.NameTree(tree.IDTree).items():
        new = f"{name} ({tag})" if tag else name
        elem.ID = String(new)
        out.append((new, elem))
    return out


def _dests(pdf: pikepdf.Pdf):
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return []
    return list(pikepdf.NameTree(names.Dests).items())


def _outline(pdf: pikepdf.Pdf) -> list[tuple[int, str, pikepdf.Object]]:
    """(level, title, destination array) of each bookmark, in order, children after their
    parent (Typst nests a chapter's sections under it down to the book's toc_depth)."""
    items = []

    def walk(item, level: int) -> None:
        while item is not None:
            dest = item.get("/Dest")
            if dest is None and "/A" in item:
                dest = item.A.get("/D")
            items.append((level, str(item.Title), dest))
            walk(item.get("/First"), level + 1)
            item = item.get("/Next")

    outlines = pdf.Root.get("/Outlines")
    walk(outlines.get("/First") if outlines is not None else None, 1)
    return items


def _nested(flat: list[tuple[int, str, pikepdf.Object]]) -> list[pikepdf.OutlineItem]:
    """Bookmarks as a tree again: each one under the last of a lower level before it."""
    roots: list[pikepdf.OutlineItem] = []
    open_items: list[tuple[int, pikepdf.OutlineItem]] = []
    for level, title, dest in flat:
        item = pikepdf.OutlineItem(title, dest)
        while open_items and open_items[-1][0] >= level:
            open_items.pop()
        (open_items[-1][1].children if open_items else roots).append(item)
        open_items.append((level, item))
    return roots


def _name_tree(pdf: pikepdf.Pdf, items: dict) -> pikepdf.Object:
    tree = pikepdf.NameTree.new(pdf)
    for name, value in items.items():
        tree[name] = value
    return tree.obj


def _number_tree(pdf: pikepdf.Pdf, items: dict) -> pikepdf.Object:
    tree = pikepdf.NumberTree.new(pdf)
    for key in sorted(items):
        tree[key] = items[key]
    return tree.obj


def _set_page_count(pdf: pikepdf.Pdf, pages: int) -> None:
    """The XMP packet (the front job's) counts the book's pages, not the front matter's."""
    stream = pdf.Root.get("/Metadata")
    if stream is None:
        return
    xmp = stream.read_bytes()
    fixed = re.sub(rb"<xmpTPg:NPages>\d+</xmpTPg:NPages>",
                   f"<xmpTPg:NPages>{pages}</xmpTPg:NPages>".encode(), xmp)
    if fixed != xmp:
        stream.write(fixed)


def roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"),
                           (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"),
                           (4, "iv"), (1, "i")):
        while n >= value:
            out += letters
            n -= value
    return out
