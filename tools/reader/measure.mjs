// The browser proof: an unpacked EPUB read in epub.js (paginated, as Apple Books, Kobo's kepub
// engine, Readium and foliate do it: CSS columns) in headless chromium, at each device's
// screen and each type size. Every page of every section is measured in the live layout
// (element boxes against the page box), and the first page of each section is photographed.
//
//   node measure.mjs job.json   → prints one JSON report on stdout
//
// job.json: {book: folder of the unpacked EPUB, out: folder for PNGs, chromium: path,
//            views: [{device, width, height, scale, size, percent}], shots: true|false}
// Nothing is fetched from the network: every request is answered from the book folder or
// this package, and any other is refused.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import puppeteer from "puppeteer-core";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ORIGIN = "http://book.invalid";
const TYPES = {
  ".xhtml": "application/xhtml+xml", ".html": "text/html", ".htm": "text/html",
  ".opf": "application/oebps-package+xml", ".ncx": "application/x-dtbncx+xml",
  ".xml": "application/xml", ".css": "text/css", ".js": "text/javascript",
  ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
  ".svg": "image/svg+xml", ".webp": "image/webp", ".otf": "font/otf", ".ttf": "font/ttf",
  ".woff": "font/woff", ".woff2": "font/woff2",
};
const READER = `<!DOCTYPE html><html><head><meta charset="utf-8">
<style>html, body { margin: 0; padding: 0; background: #fff; overflow: hidden; }</style>
<script src="/epub.js"></script><script src="/page.js"></script></head><body><div id="viewer"></div></body></html>`;

function answer(request, book) {
  const url = new URL(request.url());
  if (url.origin !== ORIGIN) return request.abort("blockedbyclient");
  let file = null;
  if (url.pathname === "/reader.html") {
    return request.respond({ status: 200, contentType: "text/html", body: READER });
  }
  if (url.pathname === "/epub.js") file = path.join(HERE, "node_modules/epubjs/dist/epub.js");
  else if (url.pathname === "/page.js") file = path.join(HERE, "page.js");
  else if (url.pathname.startsWith("/book/")) {
    const rel = decodeURIComponent(url.pathname.slice("/book/".length));
    file = path.resolve(book, rel);
    if (!file.startsWith(path.resolve(book) + path.sep)) file = null; // stays in the book
  }
  if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    return request.respond({ status: 404, body: "" });
  }
  const type = TYPES[path.extname(file).toLowerCase()] || "application/octet-stream";
  return request.respond({ status: 200, contentType: type, body: fs.readFileSync(file) });
}

async function main() {
  const job = JSON.parse(fs.readFileSync(process.argv[2], "utf-8"));
  const browser = await puppeteer.launch({
    executablePath: job.chromium, headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
           "--proxy-server=127.0.0.1:9", "--disable-background-networking"],
  });
  const report = [];
  try {
    for (const view of job.views) {
      const page = await browser.newPage();
      await page.setViewport({ width: view.width, height: view.height,
                               deviceScaleFactor: view.scale });
      await page.setRequestInterception(true);
      page.on("request", (r) => answer(r, job.book));
      await page.goto(`${ORIGIN}/reader.html`);
      const result = await page.evaluate((v) => readBook(v), view);
      if (job.shots) result.shots = await shots(page, view, result.sections, job.out);
      report.push({ ...view, ...result });
      await page.close();
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(report));
}

// The first page of each section, as the reader shows it.
async function shots(page, view, sections, out) {
  const names = [];
  for (let i = 0; i < sections.length; i++) {
    const file = path.join(out, `${view.device}-${view.size}-${String(i + 1).padStart(3, "0")}.png`);
    await page.evaluate(`window.__rendition.display(${JSON.stringify(sections[i].href)})`);
    await new Promise((r) => setTimeout(r, 50));
    await page.screenshot({ path: file });
    names.push(path.basename(file));
  }
  return names;
}

main().catch((e) => {
  process.stderr.write(`${e.stack || e}\n`);
  process.exit(1);
});
