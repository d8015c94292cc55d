"""Typst jobs: compiled side by side in worker processes, each result cached by its inputs.

A job is one Typst main file in the shared work folder (/jobs/NAME.typ). Typst holds the GIL
while it compiles, so jobs run in parallel only as processes: plain subprocesses (no
multiprocessing, which would re-import the caller's main module or fork its threads), each
loading the fonts once and compiling job after job. Many small jobs also keep every process
far below the memory one whole-book compile needs. After a job compiles, its facts are read
back from the same compiler (an `eval` costs next to nothing then): which pages carry no
running head, where its level-1 headings and the labels other jobs link to landed, and what
the template found too wide to fit (see book.typ's `overflowed`).
"""

from __future__ import annotations

import io
import json
import os
import queue
import resource
import signal
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bookbuild.support.cache import NO_CACHE, Cache

# A Typst code expression, evaluated in a finished job; %s is a Typst array of label names.
FACTS = """(
  plain: state("bb-plain", (:)).final().keys().map(int),
  overflow: state("bb-overflow", ()).final(),
  headings: query(heading.where(outlined: true)).map(e => {
    let p = e.location().position()
    (page: p.page, x: p.x.pt(), y: p.y.pt(), level: e.level)
  }),
  targets: (%s).map(l => {
    let found = query(label(l))
    if found.len() == 0 { return none }
    let e = found.first()
    let p = e.location().position()
    let kind = if e.func() == heading { "Section" } else if e.func() == figure {
      "Figure"
    } else { "Text" }
    (label: l, page: p.page, x: p.x.pt(), y: p.y.pt(), kind: kind)
  }),
)"""


@dataclass(frozen=True)
class Job:
    name: str  # the main file is /jobs/NAME.typ
    key: str  # cache key: everything the result depends on
    targets: tuple[str, ...] = ()  # labels whose positions the merge needs
    tagged: bool = True
    timestamp: int = 0  # the PDF's creation date, in seconds since the epoch
    facts: bool = True  # read its facts back (a job of folios has none to tell)


@dataclass
class Result:
    pdf: bytes
    facts: dict
    warnings: list[str] = field(default_factory=list)


class JobFailed(Exception):
    """Typst refused a job; `error` holds its message, diagnostic, hints and trace."""

    def __init__(self, job: Job, error: dict):
        super().__init__(error.get("message", ""))
        self.job = job
        self.error = error


# ── In the worker ────────────────────────────────────────────────────────────────────────

_fonts: dict[tuple[str, ...], object] = {}


def _load_fonts(font_paths: list[str]):
    """Typst's font book for these folders, loaded once per process."""
    key = tuple(font_paths)
    if key not in _fonts:
        import typst

        _fonts[key] = typst.Fonts(include_system_fonts=False, font_paths=font_paths)
    return _fonts[key]


def compile_job(work: str, job: Job, standards: list[str], font_paths: list[str]) -> dict:
    """Compile one job into a plain dict: the PDF and facts, or Typst's error."""
    import typst

    compiler = typst.Compiler(f"{work}/jobs/{job.name}.typ", root=work,
                              font_paths=_load_fonts(font_paths))
    try:
        pdf, notes = compiler.compile_with_warnings(
            pdf_standards=standards if job.tagged else [s for s in standards if s != "ua-1"],
            timestamp=job.timestamp, pdf_tags=job.tagged)
        facts = {}
        if job.facts:
            labels = ", ".join(json.dumps(t) for t in job.targets)
            facts = json.loads(compiler.eval(FACTS % (labels + "," if labels else ""),
                                             format="json"))
            facts.update(_pages(pdf))
    except typst.TypstError as e:
        return {"error": {"message": getattr(e, "message", None) or str(e),
                          "diagnostic": getattr(e, "diagnostic", "") or "",
                          "hints": list(getattr(e, "hints", []) or []),
                          "trace": list(getattr(e, "trace", []) or [])}}
    return {"pdf": pdf, "facts": facts, "warnings": [n.message for n in notes],
            "pid": os.getpid(), "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


def _pages(pdf: bytes) -> dict:
    """The page count, and the pages left blank (Typst writes them with no content at all)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        blank = []
        for n, page in enumerate(doc.pages, 1):
            contents = page.obj.get("/Contents")
            streams = [] if contents is None else \
                list(contents) if isinstance(contents, pikepdf.Array) else [contents]
            if not any(s.read_bytes().strip() for s in streams):
                blank.append(n)
        return {"pages": len(doc.pages), "blank": blank}


def serve() -> None:
    """A worker: `python -m bookbuild.pdf.jobs FONT_PATHS_JSON`, one JSON request a line.

    Each request names a job; the PDF goes to the file it names and a JSON line comes back
    with the rest. Stdout carries only these lines: anything else printed goes to stderr.
    """
    # Ctrl-C in a terminal reaches every process of the build: the build says so in one line
    # and cleans up, so a worker just stops, without a traceback of its own.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, _frame: os._exit(128 + signum))
    replies = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    font_paths = json.loads(sys.argv[1])
    _load_fonts(font_paths)  # while the build is still converting sections
    for line in sys.stdin:
        request = json.loads(line)
        out = compile_job(request["work"], Job(**request["job"]), request["standards"],
                          font_paths)
        if "pdf" in out:
            Path(request["output"]).write_bytes(out.pop("pdf"))
        replies.write(json.dumps(out) + "\n")
        replies.flush()


# ── In the build ─────────────────────────────────────────────────────────────────────────

class Worker:
    """One `serve()` process, asked for one job at a time."""

    def __init__(self, font_paths: list[str]):
        self.proc = subprocess.Popen([sys.executable, "-m", "bookbuild.pdf.jobs",
                                      json.dumps(font_paths)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(self, work: Path, job: Job, standards: list[str]) -> dict:
        output = work / "out" / f"{job.name}.pdf"
        request = {"work": str(work), "job": asdict(job), "standards": standards,
                   "output": str(output)}
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline()
        if not reply:
            code = self.proc.wait()
            raise JobFailed(job, {"message": f"Typst stopped unexpectedly while setting "
                                             f"jobs/{job.name}.typ (exit code {code})"})
        out = json.loads(reply)
        if "error" not in out:
            out["pdf"] = output.read_bytes()
            output.unlink()
        return out

    def stop(self) -> None:
        """No more requests: the worker exits once its stdin is closed."""
        if not self.proc.stdin.closed:
            self.proc.stdin.close()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.stop()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


LAST = 1 << 30  # the priority of the "stop" that `close` queues behind every job


class Ticket:
    """A submitted job: done when its result (or its failure) is in."""

    def __init__(self, job: Job, standards: list[str], priority: int):
        self.job, self.standards, self.priority = job, standards, priority
        self.result: Result | None = None
        self.error: BaseException | None = None
        self.done = threading.Event()


class Runner:
    """Runs jobs on `workers` processes (in this process when 1), through the cache.

    Jobs are submitted and waited for one by one, so the build can work on early results
    (merging them) while the workers set later ones, and can submit urgent jobs (a lower
    `priority` goes first) between those already waiting.
    """

    def __init__(self, work: Path, font_paths: list[str], workers: int = 1,
                 store: Cache = NO_CACHE):
        self.work, self.font_paths, self.store = work, font_paths, store
        self.peaks: dict[int, int] = {}  # pid of the process that compiled → peak RSS in KB
        self.compiled: list[str] = []  # the jobs Typst set (the others came from the cache)
        (work / "out").mkdir(exist_ok=True)
        self._order = 0  # submission order, among jobs of one priority
        self.count = workers if workers > 1 else 0  # worker processes
        self.workers: list[Worker] = []
        self._start()  # now: the workers load Typst and the fonts while pandoc converts

    def _start(self) -> None:
        self._closing = False
        self._queue: queue.PriorityQueue = queue.PriorityQueue()
        self.workers = [Worker(self.font_paths) for _ in range(self.count)]
        for worker in self.workers:
            threading.Thread(target=self._feed, args=(worker, self._queue), daemon=True).start()

    def submit(self, job: Job, standards: list[str], priority: int = 1) -> Ticket:
        if self._closing:  # another pass over the book, after all
            self.reap()
            self._start()
        ticket = Ticket(job, standards, priority)
        cached = self._cached(job)
        if cached is not None:
            ticket.result = cached
            ticket.done.set()
        elif self.count:
            self._order += 1
            self._queue.put((priority, self._order, ticket))
        return ticket

    def wait(self, ticket: Ticket) -> Result:
        """The job's result, once set; raises JobFailed (and stops the workers) if it failed."""
        if not ticket.done.is_set() and not self.count:
            self._finish(ticket, compile_job(str(self.work), ticket.job, ticket.standards,
                                             self.font_paths))
        ticket.done.wait()
        if ticket.error is not None:
            self.close(drop=True)
            raise ticket.error
        return ticket.result  # type: ignore[return-value]

    def _feed(self, worker: Worker, jobs: queue.PriorityQueue) -> None:
        while True:
            _priority, _n, ticket = jobs.get()
            if ticket is None:
                worker.stop()  # it exits while the build merges and saves
                return
            try:
                self._finish(ticket, worker.ask(self.work, ticket.job, ticket.standards))
            except BaseException as e:  # noqa: BLE001 - raised in the waiting thread
                # A worker that died takes the waiting jobs with it: nobody waits forever.
                for pending in [ticket, *self._drain()]:
                    pending.error = e
                    pending.done.set()
                return

    def _finish(self, ticket: Ticket, out: dict) -> None:
        try:
            ticket.result = self._done(ticket.job, out)
        except BaseException as e:  # noqa: BLE001 - raised in the waiting thread
            ticket.error = e
        ticket.done.set()

    def close(self, drop: bool = False) -> None:
        """No more jobs: the workers set those submitted (unless `drop`) and stop; `reap`
        waits for them."""
        if self.workers and not self._closing:
            self._closing = True
            if drop:
                self._drain()
            for n, _worker in enumerate(self.workers):
                self._queue.put((LAST, n, None))

    def _drain(self) -> list[Ticket]:
        dropped = []
        while True:
            try:
                _priority, _n, ticket = self._queue.get_nowait()
            except queue.Empty:
                return dropped
            if ticket is not None:
                dropped.append(ticket)

    def reap(self) -> None:
        """Wait for the workers to exit, so their memory counts in this process's children."""
        self.close()
        for worker in self.workers:
            worker.close()
        self.workers = []

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc) -> None:
        self.reap()

    def _done(self, job: Job, out: dict) -> Result:
        if "error" in out:
            raise JobFailed(job, out["error"])
        self.peaks[out["pid"]] = max(self.peaks.get(out["pid"], 0), out["peak_kb"])
        self.compiled.append(job.name)
        result = Result(out["pdf"], out["facts"], out["warnings"])
        self.store.put_bytes("typst-pdf", job.key, result.pdf)
        self.store.put_json("typst-facts", job.key,
                            {"facts": result.facts, "warnings": result.warnings})
        return result

    def _cached(self, job: Job) -> Result | None:
        meta = self.store.get_json("typst-facts", job.key)
        if not isinstance(meta, dict) or "facts" not in meta:
            return None
        pdf = self.store.get_bytes("typst-pdf", job.key)
        if pdf is None:
            return None
        return Result(pdf, meta["facts"], list(meta.get("warnings", [])))


if __name__ == "__main__":
    serve()
