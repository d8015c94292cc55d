"""The proof sheet: one index.html, no JavaScript, from templates/index.html."""

from __future__ import annotations

import os
from html import escape
from importlib import resources
from pathlib import Path
from string import Template
from urllib.parse import quote

from bookbuild.check import Finding
from bookbuild.proof.browser import BrowserProof
from bookbuild.proof.devices import FONT_SIZES
from bookbuild.proof.render import DeviceProof, Rendering
from bookbuild.proof.spreads import Spread


def template() -> Template:
    return Template(resources.files("bookbuild.proof").joinpath("templates", "index.html")
                    .read_text("utf-8"))


def link(target: Path, base: Path) -> str:
    return quote(os.path.relpath(target, base).replace(os.sep, "/"))


def write_sheet(target: Path, *, title: str, made: str, editions: list[tuple[str, Path]],
                findings: list[Finding], devices: list[DeviceProof], sheets: dict[str, Path],
                spreads: list[Spread] | None, no_print_reason: str | None, base: Path,
                notes: list[str] = (), reader: BrowserProof | None = None,
                no_reader_reason: str | None = None) -> None:
    """`base` is the folder the page will be read from; every link is relative to it."""
    html = template().substitute(
        title=escape(title), made=escape(made),
        notes="\n".join(f'<p class="warning">{escape(n)}</p>' for n in notes),
        editions=_editions(editions, base),
        findings=_findings(findings),
        devices_table=_device_table(devices),
        devices="\n".join(_device(p, sheets[p.device.id], base) for p in devices),
        spreads=_spreads(spreads, no_print_reason, base),
        reader=_reader(devices, reader, no_reader_reason, base))
    target.write_text(html, "utf-8")


def _editions(editions: list[tuple[str, Path]], base: Path) -> str:
    rows = [f'<tr><td>{escape(label)}</td><td><a href="{link(p, base)}">{escape(p.name)}</a>'
            f'</td><td class="n">{p.stat().st_size / 1024:,.0f} KB</td></tr>'
            for label, p in editions]
    return "<table>\n" + "\n".join(rows) + "\n</table>"


def _findings(findings: list[Finding]) -> str:
    if not findings:
        return ('<p class="ok">Nothing overflows the page on any device at any type size, and '
                'the Kindle edition passes the Kindle preflight.</p>')
    items = [f'<li><span class="{f.severity}">{escape(f.severity)}</span> '
             f'<code>{escape(f.code)}</code> {escape(f.location + ": " if f.location else "")}'
             f'{escape(f.message)}</li>' for f in findings]
    return '<ul class="findings">\n' + "\n".join(items) + "\n</ul>"


def _device_table(devices: list[DeviceProof]) -> str:
    head = "".join(f"<th>{escape(s)} ({pt:g} pt)</th>" for s, pt in FONT_SIZES.items())
    rows = []
    for p in devices:
        d = p.device
        counts = "".join(f'<td class="n">{p.page_counts.get(s, 0)}</td>' for s in FONT_SIZES)
        rows.append(f"<tr><td>{escape(d.name)}</td><td>{d.width}×{d.height}, {d.ppi} ppi</td>"
                    f"<td>{escape(d.edition)}</td>{counts}</tr>")
    return ("<table>\n<tr><th>Device</th><th>Screen</th><th>Reads</th>" + head + "</tr>\n"
            + "\n".join(rows) + "\n</table>\n<p>Pages per type size.</p>")


def _device(proof: DeviceProof, sheet: Path, base: Path) -> str:
    d = proof.device
    out = [f'<h3 id="{escape(d.id)}">{escape(d.name)}</h3>',
           f'<figure><a href="{link(sheet, base)}"><img src="{link(sheet, base)}" '
           f'alt="Contact sheet for the {escape(d.name)}"/></a>'
           f"<figcaption>Contact sheet: each section's opening page and every page where "
           f"something overflows (framed in red). The full-size pages:</figcaption></figure>",
           "<ul class=\"pages\">"]
    for size in FONT_SIZES:
        pages = [r for r in proof.renderings if r.size == size]
        links = " · ".join(_page(r, base) for r in pages)
        out.append(f"<li>{escape(size)} type, {proof.page_counts.get(size, 0)} pages: "
                   f"{links}</li>")
    out.append("</ul>")
    return "\n".join(out)


def _page(r: Rendering, base: Path) -> str:
    title = r.section.title if r.section else ""
    if r.overflows:
        what = ", ".join(o.what for o in r.overflows)
        return (f'<a class="overflow" href="{link(r.path, base)}">p. {r.page} '
                f"({escape(what)} too wide)</a>")
    return f'<a href="{link(r.path, base)}" title="{escape(title)}">p. {r.page}</a>'


def _reader(devices: list[DeviceProof], reader: BrowserProof | None, reason: str | None,
            base: Path) -> str:
    if reader is None or reader.shots is None:
        return f"<p>{escape(reason or 'No browser proof.')}</p>"
    out = []
    for proof in devices:
        for view in (v for v in reader.views if v["device"] == proof.device.id):
            out.append(f"<h3>{escape(proof.device.name)}, {escape(view['size'])} type "
                       f"(MuPDF left, epub.js right)</h3>")
            out.append(_pairs(proof, view, reader.shots, base))
    return "\n".join(out)


def _pairs(proof: DeviceProof, view: dict, shots: Path, base: Path) -> str:
    """Each section's first page in both engines; MuPDF has no "largest" size."""
    first = {r.section.href: r for r in proof.renderings
             if r.size == view["size"] and r.section_page == 1 and r.section}
    cells = []
    for section, shot in zip(view["sections"], view.get("shots", [])):
        mupdf = next((r for href, r in first.items()
                      if href == section["href"] or href.endswith("/" + section["href"])), None)
        left = (f'<img src="{link(mupdf.path, base)}" alt="MuPDF" loading="lazy"/>' if mupdf
                else '<span class="none">(not in MuPDF)</span>')
        right = f'<img src="{link(shots / shot, base)}" alt="epub.js" loading="lazy"/>'
        cells.append(f'<figure class="pair">{left}{right}<figcaption>'
                     f'{escape(section["href"])}</figcaption></figure>')
    return '<div class="pairs">' + "".join(cells) + "</div>"


def _spreads(spreads: list[Spread] | None, reason: str | None, base: Path) -> str:
    if not spreads:
        return f"<p>{escape(reason or 'No interior PDF.')}</p>"
    bleed = any(s.bleed for s in spreads)
    note = ("<p>The PDF has bleed: the blue line is the trim.</p>" if bleed
            else "<p>The PDF has no bleed: each page is shown at its trim size.</p>")
    items = "".join(f'<a href="{link(s.path, base)}"><img src="{link(s.path, base)}" '
                    f'loading="lazy" alt="{escape(s.label)}"/>{escape(s.label)}</a>'
                    for s in spreads)
    return note + '<div class="spreads">' + items + "</div>"
