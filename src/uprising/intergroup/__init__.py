"""Epstein (2002) Model II kernel: inter-group (ethnic) violence and peacekeeping."""
