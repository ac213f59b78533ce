"""Runs the command-line interface: ``python -m uprising``."""

from uprising.cli import main

if __name__ == "__main__":
    main()
