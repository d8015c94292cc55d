"""What knows nothing of books: cache, atomic output, diagnostics and errors, safe paths,
progress, English words."""
