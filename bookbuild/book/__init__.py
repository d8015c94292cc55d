"""The book as the author keeps it: the folder reader, the model, book.yaml read once, its
labels, quotes and ids."""
