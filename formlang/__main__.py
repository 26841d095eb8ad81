"""`python -m formlang` runs the command line."""

from formlang.cli import run

run()
