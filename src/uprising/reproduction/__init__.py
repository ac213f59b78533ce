"""One-command reproduction of Epstein (2002): suite, claims, figures and Markdown report.

``uprising reproduce epstein2002 --seeds N --out DIR`` (see ``reproduction.cli``) runs every
published run and figure experiment of epstein_spec.md §6.3–6.5 over N seeds and writes a
report with a verdict per claim.
"""
