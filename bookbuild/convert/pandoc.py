"""Markdown → HTML5 (or Typst) with the pandoc that pypandoc_binary bundles."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from bookbuild.convert import comments
from bookbuild.support import cache as cache_of_outputs
from bookbuild.support.errors import BookError, Problem

SCRIPT = resources.files("bookbuild.convert").joinpath("sections.lua")
# A larger allocation area for pandoc's garbage collector: a tenth less CPU on long books,
# for about 30 MB more memory per process.
RTS = ["+RTS", "-A64m", "-RTS"]


@cache
def pandoc_path() -> str:
    """The pandoc bookbuild drives: the one pypandoc_binary bundles, so that every machine
    converts with the same pandoc whatever else is on PATH, unless PYPANDOC_PANDOC names
    another. Found without importing pypandoc, which pulls in urllib, ssl and email: a fifth of
    a no-op rebuild."""
    spec = None if os.environ.get("PYPANDOC_PANDOC") else importlib.util.find_spec("pypandoc")
    if spec is not None and spec.origin:
        bundled = os.path.join(os.path.dirname(spec.origin), "files", "pandoc")
        if os.access(bundled, os.X_OK):
            return bundled
    try:
        import pypandoc  # an outside pandoc: let pypandoc find and vet it

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        where = os.environ.get("PYPANDOC_PANDOC")
        raise BookError(f"pandoc not found{f' at {where}' if where else ''}: reinstall "
                        f"bookbuild (it brings pypandoc_binary), or set PYPANDOC_PANDOC to a "
                        f"pandoc 3") from None


@cache
def pandoc_identity() -> str:
    """Which pandoc binary this is, for cache keys: its path, size and time, read without
    starting it (asking its version would cost a process start on every build). With no
    pandoc at all the answer is "none": what needs no conversion (checking an EPUB) goes on,
    and a conversion says itself that pandoc is missing."""
    try:
        path = pandoc_path()
    except BookError:
        return "pandoc: none"
    try:
        found = shutil.which(path) or path  # pypandoc may answer a bare "pandoc" on PATH
        info = os.stat(found)
    except OSError:
        return pandoc_version()
    return f"{found}:{info.st_size}:{info.st_mtime_ns}"


cache_of_outputs.identify(pandoc_identity)  # a new pandoc is never served the old one's output


@cache
def pandoc_version() -> str:
    """The version of the pandoc `pandoc_path()` names, from its first line of --version."""
    proc = subprocess.run([pandoc_path(), "--version"], capture_output=True, text=True)
    first = proc.stdout.split("\n", 1)[0].split()
    return first[1] if len(first) > 1 else "(unknown version)"


@dataclass
class Converted:
    output: str
    # What normalize.lua noticed: (code, message, text to find the Markdown line by).
    warnings: list[tuple[str, str, str]] = field(default_factory=list)
    also: str | None = None  # the second writer's output, when one was asked for
    # The ids in what the first writer's edition leaves out, each with its class
    # ("print-only"): a link to one is said for what it is.
    elsewhere: dict[str, str] = field(default_factory=dict)


@dataclass
class Also:
    """A second writer for some of the sections, in the same pandoc run: each is read and
    normalized once and written twice (the filter goes with the second writer). `blocks_only`
    names the sections for typst-blocks' fast walk; `outputs` is filled by the caller that
    runs it (convert.render) with what the second writer wrote."""
    writer: str
    lua_filter: str
    wanted: frozenset[int]  # indices into the texts (for render: into the book's sections)
    blocks_only: frozenset[int] = frozenset()
    outputs: dict[int, str] = field(default_factory=dict)

    def of(self, indices: list[int]) -> Also:
        """The same request for texts that are these sections, in this order."""
        return Also(self.writer, self.lua_filter,
                    frozenset(j for j, i in enumerate(indices) if i in self.wanted),
                    frozenset(j for j, i in enumerate(indices) if i in self.blocks_only))


def convert(texts: list[str], sources: list[str], writer: str = "html5",
            lua_filter: str | None = None) -> list[str]:
    """Each Markdown text converted on its own (see `convert_all`), the output only."""
    return [c.output for c in convert_all(texts, sources, writer, lua_filter)]


def convert_all(texts: list[str], sources: list[str], writer: str = "html5",
                lua_filter: str | None = None, also: Also | None = None) -> list[Converted]:
    """Convert each Markdown text on its own; one pandoc process per CPU, not per section.

    `lua_filter`: path of a Lua file returning a list of pandoc filters to run on each section
    (with `also`, on the second writer's copy only).
    """
    if not texts:
        return []
    if also is not None:
        lua_filter = also.lua_filter
    items = [{"text": comments.readable(t),
              **({"also": True, "blocks_only": i in also.blocks_only}
                 if also is not None and i in also.wanted else {})}
             for i, t in enumerate(texts)]
    workers = max(1, min(os.cpu_count() or 1, len(texts) // 4 or 1))
    size = -(-len(texts) // workers)
    batches = [list(range(i, min(i + size, len(texts)))) for i in range(0, len(texts), size)]
    args = [writer, lua_filter or "", also.writer if also is not None else ""]
    with ThreadPoolExecutor(len(batches)) as pool:
        results = list(pool.map(lambda b: _run([items[i] for i in b], args), batches))
    outputs: list[Converted] = []
    problems = []
    for batch, result in zip(batches, results):
        for i, item in zip(batch, result):
            if "error" in item:
                problems.append(Problem(f"pandoc could not convert it: {item['error']}", sources[i]))
            outputs.append(Converted(item.get("output", ""),
                                     [(w["code"], w["message"], w.get("needle") or "")
                                      for w in item.get("warnings") or []],
                                     item.get("also"), item.get("elsewhere") or {}))
    if problems:
        raise BookError(problems)
    return outputs


def _run(items: list[dict], args: list[str]) -> list[dict]:
    # Pandoc reads each text as it is, but for comments it would misread (see comments.py).
    with resources.as_file(SCRIPT) as script:
        proc = subprocess.run([pandoc_path(), *RTS, "lua", str(script), *args],
                              input=json.dumps(items).encode(), capture_output=True)
    if proc.returncode != 0:
        raise BookError(f"pandoc failed: {proc.stderr.decode(errors='replace').strip()}")
    return json.loads(proc.stdout)
