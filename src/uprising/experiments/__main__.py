"""``python -m uprising.experiments``: the experiment commands as a standalone CLI."""

from uprising.experiments.cli import main

if __name__ == "__main__":
    main()
