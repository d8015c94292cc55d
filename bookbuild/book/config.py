"""book.yaml: parsed, validated and turned into Metadata."""

from __future__ import annotations

import re
import uuid
from importlib import resources
from pathlib import Path

import yaml

from bookbuild.book import labels, quotes
from bookbuild.book.model import ROLES, Contributor, Metadata, is_url
from bookbuild.support.errors import Problems
from bookbuild.support.paths import slugify

FILE = "manuscript/book.yaml"
AT = "_positions"  # where load_yaml keeps the Positions beside the values
KNOWN_KEYS = {
    "title", "subtitle", "author", "language", "identifier", "publisher", "date", "rights",
    "description", "subjects", "series", "series_index", "cover", "slug", "source", "order",
    "print", "check", "allow_scripts", "labels", "toc_depth", "accessibility_evaluator", "style",
    "page_list",
}

# RFC 5646 well-formedness (langtag production). Primary subtags of 4–8 letters are reserved
# and unregistered, and stores reject them, so only 2–3 letters are accepted.
_LANGTAG = re.compile(
    r"^(?P<lang>[a-z]{2,3}(?:-[a-z]{3}){0,3})"
    r"(?:-[a-z]{4})?"
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"
    r"(?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)*"
    r"(?:-x(?:-[a-z0-9]{1,8})+)?$",
    re.IGNORECASE,
)
# Text that is printed and shown, so typeset (quotes curled) as it is read.
TYPESET = ("title", "subtitle", "publisher", "rights", "description", "series")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _iso639_1() -> set[str]:
    text = resources.files("bookbuild.book.data").joinpath("iso639-1.txt").read_text("utf-8")
    return set(text.split())


def language_problem(tag: str) -> str | None:
    """Why `tag` is not a language tag that stores accept, or None."""
    m = _LANGTAG.match(tag)
    if not m:
        if _LANGTAG.match(tag.replace("_", "-")):
            hint = f"; write {tag.replace('_', '-')!r}"
        elif re.fullmatch(r"[^\W\d_]{4,}", tag):
            hint = "; write the language's code, not its name"
        else:
            hint = ""
        return f"language {tag!r} is not a BCP 47 tag (e.g. en, en-GB, ru, zh-Hans){hint}"
    primary = m.group("lang").split("-")[0].lower()
    if len(primary) == 2 and primary not in _iso639_1():
        return f"language {tag!r}: {primary!r} is not an ISO 639-1 language code"
    return None


def isbn_ok(digits: str) -> bool:
    if re.fullmatch(r"\d{13}", digits):
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
        return (10 - total % 10) % 10 == int(digits[12])
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if d == "X" else int(d)) for i, d in enumerate(digits))
        return total % 11 == 0
    return False


def derived_identifier(title: str, contributors: list[Contributor]) -> str:
    names = "|".join(c.name for c in contributors)
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'bookbuild:{title}|{names}')}"


class Positions:
    """Where each key and item of book.yaml is, from PyYAML's node marks: ("print", "trim"),
    ("check", "ignore", 2) → its line. A key not written out (a default) is placed at the
    nearest enclosing one that is."""

    def __init__(self, lines: dict[tuple, int] | None = None):
        self.lines = lines or {}

    def line(self, *path) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None

    @classmethod
    def of(cls, node: yaml.Node | None) -> Positions:
        found: dict[tuple, int] = {}
        _mark(node, (), found)
        return cls(found)


def _mark(node, path: tuple, found: dict[tuple, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                here = (*path, key_node.value)
                found.setdefault(here, key_node.start_mark.line + 1)
                _mark(value, here, found)
    elif isinstance(node, yaml.SequenceNode):
        for n, item in enumerate(node.value):
            found.setdefault((*path, n), item.start_mark.line + 1)
            _mark(item, (*path, n), found)


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML without aliases (a few of them nest into billions of nodes) and without
    duplicate keys (the second `title:` would silently win)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(None, None, "aliases (*name) are not allowed in book.yaml",
                                       event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str) and key in seen:
                raise yaml.MarkedYAMLError(None, None, f"'{key}' is given twice",
                                           key_node.start_mark)
            if isinstance(key, str):
                seen.add(key)
        return super().construct_mapping(node, deep)


def load_yaml(path: Path, problems: Problems, label: str = FILE) -> dict:
    """A YAML mapping with the line of every key beside it (under AT); each problem is said at
    `label` (how messages name the file) and its line."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        problems.add(f"cannot read it ({e.strerror})", label)
        return {}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        problems.add(f"not UTF-8 text: byte 0x{raw[e.start]:02x} at offset {e.start}; "
                     f"save the file as UTF-8", label, raw[:e.start].count(b"\n") + 1)
        return {}
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        reason = getattr(e, "problem", None) or str(e).splitlines()[0]
        if "'\\t'" in reason:
            reason = "a tab character; YAML indents with spaces only"
        problems.add(f"invalid YAML: {reason}", label,
                     mark.line + 1 if mark else None, mark.column + 1 if mark else None)
        return {}
    except RecursionError:
        problems.add("invalid YAML: nested too deeply", label)
        return {}
    finally:
        loader.dispose()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.add("must be a mapping of keys such as title, author, language", label, 1)
        return {}
    data[AT] = Positions.of(node)
    return data


def _text(data: dict, key: str, problems: Problems, required: bool = False) -> str | None:
    value = data.get(key)
    line = data[AT].line(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.add(f"'{key}' is required", FILE, line)
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    elif hasattr(value, "isoformat"):  # YAML reads 2024-01-31 as a date
        value = value.isoformat()
    if not isinstance(value, str):
        problems.add(f"'{key}' must be text", FILE, line)
        return None
    return value.strip()


def _contributors(data: dict, problems: Problems) -> list[Contributor]:
    value = data.get("author")
    line = data[AT].line("author")
    if value is None or value == "" or value == []:
        problems.add("'author' is required", FILE, line)
        return []
    entries = value if isinstance(value, list) else [value]
    out = []
    for entry in entries:
        if isinstance(entry, str) and entry.strip():
            out.append(Contributor(entry.strip()))
        elif isinstance(entry, dict) and isinstance(entry.get("name"), str) and entry["name"].strip():
            role = str(entry.get("role", "author")).strip().lower()
            if role not in ROLES:
                problems.add(f"author role {role!r} is not one of {', '.join(sorted(ROLES))}",
                             FILE, line)
                continue
            out.append(Contributor(entry["name"].strip(), role))
        else:
            problems.add("each author is a name, or a mapping with 'name' and 'role'", FILE, line)
    if out and not any(c.role == "author" for c in out):
        problems.add("at least one contributor needs the role 'author'", FILE, line)
    return out


def _identifier(raw: str | None, problems: Problems, line: int | None) -> str | None:
    if raw is None:
        return None
    compact = re.sub(r"[\s-]", "", raw)
    if compact.lower().startswith("urn:isbn:"):
        compact = compact[9:]
    elif compact.lower().startswith("isbn"):
        compact = compact[4:].lstrip(":")
    if re.fullmatch(r"\d{9}[\dXx]|\d{13}", compact):
        if not isbn_ok(compact.upper()):
            problems.add(f"identifier {raw!r} is not a valid ISBN (check digit)", FILE, line)
            return None
        return f"urn:isbn:{compact.upper()}"
    if re.fullmatch(r"urn:[a-z0-9][a-z0-9-]{0,31}:\S+", raw, re.IGNORECASE):
        return raw
    problems.add(f"identifier {raw!r} must be an ISBN or a URN (urn:…)", FILE, line)
    return None


def _labels(data: dict, problems: Problems) -> dict[str, str]:
    raw = data.get("labels")
    at = data[AT]
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.add("'labels' must be a mapping of label: text (e.g. contents: Inhalt)", FILE,
                     at.line("labels"))
        return {}
    found = {}
    for name, value in raw.items():
        why = labels.problem(str(name), value)
        if why:
            problems.add(why, FILE, at.line("labels", name))
        else:
            found[str(name)] = value
    return found


def parse_metadata(data: dict, problems: Problems) -> Metadata | None:
    at = data[AT]
    for key in data:
        if key != AT and key not in KNOWN_KEYS:
            problems.add(f"unknown key '{key}' (known: {', '.join(sorted(KNOWN_KEYS))})",
                         FILE, at.line(key))
    title = _text(data, "title", problems, required=True)
    language = _text(data, "language", problems, required=True)
    contributors = _contributors(data, problems)
    if language and (why := language_problem(language)):
        problems.add(why, FILE, at.line("language"))
    date = _text(data, "date", problems)
    if date and not _DATE.match(date):
        problems.add(f"date {date!r} must be YYYY, YYYY-MM or YYYY-MM-DD", FILE,
                     at.line("date"))
    subjects = data.get("subjects") or []
    if isinstance(subjects, str):
        subjects = [subjects]
    if not isinstance(subjects, list) or not all(isinstance(s, str) for s in subjects):
        problems.add("'subjects' must be a list of text", FILE, at.line("subjects"))
        subjects = []
    series_index = data.get("series_index")
    if series_index is not None and (isinstance(series_index, bool)
                                     or not isinstance(series_index, (int, float))):
        problems.add("'series_index' must be a number", FILE, at.line("series_index"))
        series_index = None
    depth = data.get("toc_depth", 2)
    if isinstance(depth, bool) or not isinstance(depth, int) or not 1 <= depth <= 6:
        problems.add(f"'toc_depth' must be a whole number from 1 to 6 (how many heading "
                     f"levels the contents list), not {depth!r}", FILE, at.line("toc_depth"))
    if not isinstance(data.get("page_list", True), bool):
        problems.add(f"'page_list' must be true or false (whether the EPUB carries the print "
                     f"edition's page numbers), not {data['page_list']!r}", FILE,
                     at.line("page_list"))
    identifier = _identifier(_text(data, "identifier", problems), problems,
                             at.line("identifier"))
    slug = _text(data, "slug", problems)
    if slug and slugify(slug) != slug:
        problems.add(f"slug {slug!r} must be lower-case letters, digits and hyphens "
                     f"(e.g. {slugify(slug)!r})", FILE, at.line("slug"))
    overrides = _labels(data, problems)
    if problems or not (title and language and contributors):
        return None
    words, missing = labels.for_book(language, overrides)
    typed = {key: value for key in TYPESET if (value := _text(data, key, problems))}
    source = _text(data, "source", problems)
    if source and not is_url(source):
        typed["source"] = source

    def curled(key: str) -> str | None:
        return quotes.curl(typed[key], language) if key in typed else None

    return Metadata(
        title=quotes.curl(title, language),
        language=language,
        contributors=[Contributor(quotes.curl(c.name, language), c.role) for c in contributors],
        # The slug and the derived identifier come from the text as typed, so that curling
        # quotes changes neither for a book that had them.
        identifier=identifier or derived_identifier(title, contributors),
        identifier_generated=identifier is None,
        subtitle=curled("subtitle"),
        publisher=curled("publisher"),
        date=date,
        rights=curled("rights"),
        description=curled("description"),
        subjects=[s.strip() for s in subjects if s.strip()],
        series=curled("series"),
        series_index=series_index,
        cover=_text(data, "cover", problems),
        slug=slug or slugify(title, language=language),
        source=curled("source") or source,
        accessibility_evaluator=_text(data, "accessibility_evaluator", problems),
        labels=words,
        untranslated=missing,
        typed=typed | {"author": [c.name for c in contributors]},
    )
