// In the reader page (served as /page.js): open the book at one view, measure every section.
// Functions here run in chromium, not in Node.

// Runs in the page: open the book at one view, measure every section, photograph the first
// page of each. Returns {sections: [...]} with each section's pages and problems.
async function readBook(view) {
  const book = ePub("/book/");
  const rendition = book.renderTo("viewer", {
    width: view.width, height: view.height, flow: "paginated", spread: "none",
    allowScriptedContent: false,
  });
  window.__rendition = rendition;
  rendition.themes.fontSize(`${view.percent}%`);
  await book.ready;
  await book.loaded.pageList;
  // The print edition's pages as the reader lists them (the nav's page-list): each section
  // says on which of its screens each print page it holds begins.
  // epub.js keeps a page's number only (parseInt): a roman label is read from the nav itself.
  const listed = (book.pageList && book.pageList.pageList) || [];
  const nav = listed.length ? await book.load(book.packaging.navPath) : null;
  const names = nav ? [...nav.querySelectorAll("nav")].filter(
    (n) => n.getAttributeNS("http://www.idpf.org/2007/ops", "type") === "page-list")
    .flatMap((n) => [...n.querySelectorAll("a")].map((a) => a.textContent.trim())) : [];
  const printPages = listed.map((p, i) => ({ href: p.href, label: names[i] ?? String(p.page) }));
  const sections = [];
  for (const item of book.spine.spineItems) {
    if (item.linear === "no") continue;
    await rendition.display(item.href);
    const contents = rendition.getContents()[0];
    // Fonts and images settle, then two frames: on a loaded machine 50 ms alone measured
    // a section before its columns were laid out.
    await contents.document.fonts.ready;
    await new Promise((r) => setTimeout(r, 50));
    const layout = rendition.manager.layout;
    // The frame sized again for the text as its fonts set it: epub.js sized it at first with
    // whatever fonts had loaded, and a frame grown then kept a column of the body's bottom
    // padding, a blank page seen in one run of two (the everything book, kobo-clara medium).
    for (const v of rendition.manager.views.all()) v.expand(true);
    const take = () => measure(contents.document, layout, view.height);
    let measured = await settled(contents, take);
    // epub.js checks the frame's size against the text every 350 ms: a frame that differs
    // from what the document holds is looked at again after that, so that only the frame
    // the reader settles on is counted.
    for (let tries = 0; tries < 2 && measured.pages !== measured.framed; tries++) {
      await new Promise((r) => setTimeout(r, 400));
      measured = await settled(contents, take);
    }
    measured.printPages = where(contents.document, layout, item.href, printPages);
    sections.push({ href: item.href, ...measured });
  }
  return { sections, pageList: printPages.length };
}

// A measurement taken until two in a row agree: a font that arrives late (the scripts of
// the world's languages load on first use) reflows the section after fonts.ready, and one
// look then saw a page count that the text no longer filled.
async function settled(contents, take) {
  const frames = () => new Promise((r) => contents.window.requestAnimationFrame(
    () => contents.window.requestAnimationFrame(r)));
  await frames();
  let last = take();
  for (let tries = 0; tries < 8; tries++) {
    await contents.document.fonts.ready;
    await frames();
    const now = take();
    if (JSON.stringify(now) === JSON.stringify(last)) return now;
    last = now;
  }
  return last;
}

// The page a box starts on, and whether it runs out of its page (right or bottom edge).
function measure(doc, layout, height) {
  const delta = layout.delta, column = layout.columnWidth, pad = layout.gap / 2;
  const pageOf = (x) => Math.max(0, Math.floor((x - pad + 1) / delta));
  const body = doc.body;
  // The pages the document fills (what a reader paginating it in CSS columns shows), and
  // the width epub.js gave its frame, to see whether that frame has settled.
  const frame = doc.defaultView.frameElement;
  const overflow = Math.max(1, Math.round(doc.documentElement.scrollWidth / delta));
  const pages = overflow;
  const framed = frame ? Math.max(1, Math.round(frame.getBoundingClientRect().width / delta))
    : overflow;
  const inked = new Set();
  const problems = [];
  const walker = doc.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  const range = doc.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) if (r.width > 0 && r.height > 0) inked.add(pageOf(r.left));
  }
  for (const el of body.querySelectorAll("img, svg, video, hr, math, table, figure")) {
    for (const r of el.getClientRects()) if (r.width > 0 && r.height > 0) inked.add(pageOf(r.left));
  }
  const reported = [];
  for (const el of body.querySelectorAll("*")) {
    if (reported.some((p) => p.contains(el)) || clipped(el)) continue;
    for (const r of el.getClientRects()) {
      if (r.width === 0 || r.height === 0) continue;
      const page = pageOf(r.left);
      const right = page * delta + pad + column;
      if (r.right > right + 2 || r.bottom > height + 2) {
        const wide = r.right > right + 2;
        problems.push({ kind: "overflow", page: page + 1, element: describe(el),
          by: Math.round(wide ? r.right - right : r.bottom - height),
          edge: wide ? "right" : "bottom" });
        reported.push(el);
        break;
      }
    }
  }
  for (let p = 0; p < pages; p++) {
    if (!inked.has(p)) problems.push({ kind: "blank", page: p + 1, element: "" });
  }
  for (const table of body.querySelectorAll("table")) {
    const head = table.querySelector("thead tr");
    const first = table.querySelector("tbody tr");
    if (!head || !first) continue;
    const h = head.getClientRects()[0], f = first.getClientRects()[0];
    if (h && f && pageOf(h.left) !== pageOf(f.left)) {
      problems.push({ kind: "orphaned-header", page: pageOf(h.left) + 1, element: describe(table) });
    }
  }
  const types = [body.className, ...[...body.querySelectorAll("section")].map(
    (s) => s.getAttributeNS("http://www.idpf.org/2007/ops", "type") || "")].join(" ");
  return { pages, framed, types, problems };

  function clipped(el) {
    for (let a = el.parentElement; a && a !== body; a = a.parentElement) {
      const o = doc.defaultView.getComputedStyle(a);
      if (o.overflowX !== "visible" || o.overflowY !== "visible") return true;
    }
    return false;
  }
}

// The screen (1-based) on which each print page of this section begins; 0 when its marker
// is not in the page the reader shows.
function where(doc, layout, href, printPages) {
  const delta = layout.delta, pad = layout.gap / 2;
  const file = href.split("/").pop();
  const out = [];
  for (const p of printPages) {
    const [target, id] = p.href.split("#");
    if (target.split("/").pop() !== file) continue;
    const el = id ? doc.getElementById(id) : doc.body;
    const box = el && (el.getClientRects()[0] || el.parentElement.getClientRects()[0]);
    out.push({ label: String(p.label), screen: box ? Math.floor((box.left - pad + 1) / delta) + 1 : 0 });
  }
  return out;
}

function describe(el) {
  const id = el.id || el.closest("[id]")?.id || "";
  const text = (el.textContent || el.getAttribute("alt") || "").trim().replace(/\s+/g, " ");
  return JSON.stringify({ tag: el.localName, id, text: text.slice(0, 60) });
}

