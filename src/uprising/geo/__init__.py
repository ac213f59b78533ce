"""Geography of national runs: maps of regions at their coordinates (``uprising map``)."""
