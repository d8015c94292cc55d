"""`bookbuild import`: a Word, OpenDocument, EPUB or one long Markdown file as a book folder.

Each reader (office.py, epub.py, text.py) turns its file into pandoc's document tree, read
from a clean copy of an untrusted file (safe.py); split.py cuts the tree into sections and
names their roles; folder.py writes the book folder and the report.
"""
