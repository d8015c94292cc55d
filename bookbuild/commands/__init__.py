"""One module per command of the command line (cli.py is the click shell over them)."""
