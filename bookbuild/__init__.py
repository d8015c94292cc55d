"""bookbuild: a book folder in, store-ready EPUB 3 and print PDF out."""

__version__ = "0.1.0"
