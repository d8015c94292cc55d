"""Reading a tagged PDF's structure back: what a merged book must keep consistent.

A PDF/UA reader finds a page's marked content through the parent tree: page /StructParents →
an array indexed by MCID → the structure element that owns that content. Annotations find
their Link element the same way through /StructParent. These helpers list every break in
those chains, so a test can assert there is none.
"""

from __future__ import annotations

import re
from collections import Counter

import pikepdf

_MCID = re.compile(rb"/MCID\s+(\d+)")


def _kids(elem) -> list:
    kids = elem.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element, in document order."""
    out: list[pikepdf.Dictionary] = []

    def walk(elem) -> None:
        out.append(elem)
        for kid in _kids(elem):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/MCR",
                                                                               "/OBJR"):
                walk(kid)

    for top in _kids(pdf.Root.StructTreeRoot):
        walk(top)
    return out


def structure_problems(pdf: pikepdf.Pdf) -> list[str]:
    root = pdf.Root.StructTreeRoot
    parents = dict(pikepdf.NumberTree(root.ParentTree).items())
    problems: list[str] = []
    owner: dict[tuple, pikepdf.Object] = {}  # (page objgen, MCID) → element
    annotation_owner: dict[tuple, pikepdf.Object] = {}
    ids = Counter()
    parent_of = {top.objgen: root for top in _kids(root)}
    for elem in elements(pdf):
        if elem.get("/P") is None or elem.P.objgen != parent_of[elem.objgen].objgen:
            problems.append(f"{elem.get('/S')}: /P is not its parent")
        if "/ID" in elem:
            ids[str(elem.ID)] += 1
        page = elem.get("/Pg")
        for kid in _kids(elem):
            if isinstance(kid, int):
                owner[(page.objgen if page is not None else None, int(kid))] = elem
            elif kid.get("/Type") == "/MCR":
                owner[(kid.get("/Pg", page).objgen, int(kid.MCID))] = elem
            elif kid.get("/Type") == "/OBJR":
                annotation_owner[kid.Obj.objgen] = elem
            else:
                parent_of[kid.objgen] = elem
    keys = Counter()
    for number, page in enumerate(pdf.pages):
        contents = page.obj.get("/Contents")
        streams = [] if contents is None else \
            list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        mcids = [int(m) for s in streams for m in _MCID.findall(s.read_bytes())]
        if mcids:
            key = int(page.obj.get("/StructParents", -1))
            keys[key] += 1
            array = parents.get(key)
            for mcid in mcids:
                elem = owner.get((page.objgen, mcid))
                if array is None or mcid >= len(array) or elem is None \
                        or array[mcid].objgen != elem.objgen:
                    problems.append(f"page {number + 1}: MCID {mcid} has no owner in the tree")
        for annot in page.obj.get("/Annots", []):
            key = int(annot.get("/StructParent", -1))
            keys[key] += 1
            elem = annotation_owner.get(annot.objgen)
            if key not in parents or elem is None or parents[key].objgen != elem.objgen:
                problems.append(f"page {number + 1}: a link is not in the structure tree")
    problems += [f"parent tree key {k} used {n} times" for k, n in keys.items() if n > 1]
    if parents and int(root.ParentTreeNextKey) <= max(parents):
        problems.append("ParentTreeNextKey is not past the last key")
    problems += [f"structure id {i!r} used {n} times" for i, n in ids.items() if n > 1]
    if "/IDTree" in root:
        for name, elem in pikepdf.NameTree(root.IDTree).items():
            if str(elem.get("/ID")) != name:
                problems.append(f"IDTree entry {name!r} names an element with another id")
    return problems
