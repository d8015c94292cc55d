"""A catalogue: many books built in one command, then offered as OPDS feeds and a web page.

    catalog.yaml or folders ──config──▶ Catalog ──runner (Dask)──▶ job.build_one per book
      ──▶ results ──▶ feeds (OPDS 1.2, OPDS 2.0, HTML) and catalog-report.json

Each book goes through the one pipeline `bookbuild build` uses, into its own folder under the
catalogue's output folder; the feeds and the report are written last, each atomically, and
list the books built this run or found up to date.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from bookbuild.catalog import feeds
from bookbuild.catalog.config import Catalog
from bookbuild.support import output

REPORT_FILE = "catalog-report.json"


@dataclass
class Outcome:
    results: list[dict]
    seconds: float

    @property
    def failed(self) -> list[dict]:
        return [r for r in self.results if r["status"] == "failed"]


def build_catalog(catalog: Catalog, scheduler: str | None, workers: int | None,
                  finished: Callable[[dict, int, int], None]) -> Outcome:
    import time

    from bookbuild.catalog.runner import build_all

    start = time.perf_counter()
    output.writable(catalog.out)
    results = build_all(catalog, scheduler, workers, finished)
    seconds = time.perf_counter() - start
    write_feeds(catalog, results)
    write_report(catalog, results, seconds)
    return Outcome(results, seconds)


def write_feeds(catalog: Catalog, results: list[dict]) -> None:
    books = [(r["book"], r["entry"]) for r in results
             if r["status"] != "failed" and r.get("entry") and r["entry"]["links"]]
    files = {feeds.ATOM_FILE: feeds.atom_feed(catalog.title, books),
             feeds.OPDS2_FILE: feeds.opds2_feed(catalog.title, books),
             feeds.PAGE_FILE: feeds.html_page(catalog.title, books)}
    for name, data in files.items():
        target = catalog.out / name
        if target.is_file() and target.read_bytes() == data:
            continue
        with output.atomic(target) as tmp:
            tmp.write_bytes(data)


def write_report(catalog: Catalog, results: list[dict], seconds: float) -> None:
    counts = {status: sum(r["status"] == status for r in results)
              for status in ("built", "up to date", "failed")}
    report = {"title": catalog.title, "out": str(catalog.out), "seconds": round(seconds, 3),
              **{k.replace(" ", "_"): v for k, v in counts.items()},
              "books": [{k: v for k, v in r.items() if k != "entry"} for r in results]}
    with output.atomic(catalog.out / REPORT_FILE) as tmp:
        tmp.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", "utf-8")
