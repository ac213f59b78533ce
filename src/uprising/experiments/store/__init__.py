"""The result store: a folder of Parquet parts plus a JSON manifest, safe against kills and
self-checking.

Layout of ``DIR``::

    manifest.json                 experiment, versions, platform, counts, timings, failures,
                                  and ``parts``: per part file its rows, bytes and SHA-256
    sessions/<id>.json            one per sweep invocation (executor, shard, timings, pid)
    parts/<stem>.runs.parquet     one row per finished run (run_id, point, replicate, params,
                                  outputs, wall_time_s) — written last: it commits the batch
    parts/<stem>.ts.parquet       time-series rows of the same runs (when measured)
    parts/<stem>.failures.parquet failure records of the batch's failed runs
    quarantine/                   damaged or duplicate files moved aside by a repair

Every file is written atomically (temporary file, then rename). A batch counts only once its
``.runs.parquet`` exists, so a kill at any point leaves either a whole batch or none of it.
Right after the commit, the part's files are recorded in the manifest (under a lock, so shards
writing into one folder at once do not lose each other's records). ``merge`` compacts parts
into one ``merged-*`` stem whose runs file lists the stems it replaces; replaced parts are
ignored from the moment that file exists, and deleted afterwards.

Verification (``Store.check``): a recorded part must have every recorded file with the
recorded size and row count (and, with ``deep=True``, the recorded SHA-256); a part that is not
recorded (a store written before checksums, or a kill between the commit and the record) must
be readable Parquet. A part is *damaged* if one of its files fails, *missing* if its runs file
is gone, and a *duplicate* if it holds runs another part already holds. Readers use only the
good parts, so damaged data are never read, and runs of bad parts count as missing; a resumed
sweep moves bad files to ``quarantine/`` and runs those runs again.

Modules, each class building on the one before: ``files`` (names, ranges, atomic Parquet
writing), ``manifest`` (``ManifestFolder``: layout, manifest, lock, part records), ``sessions``
(``SessionFolder``: session records, killed processes), ``verify`` (``CheckedFolder``: check and
repair) and ``folder`` (``Store``: writing batches, clean-up, reading, merging).
"""

from uprising.experiments.store.files import (
    FAILURES,
    FINGERPRINT_KEY,
    MANIFEST,
    MANIFEST_FORMAT,
    REPLACES_KEY,
    REQUIRED_KEYS,
    RUNS,
    TS,
    ranges,
    writing,
)
from uprising.experiments.store.folder import Status, Store
from uprising.experiments.store.sessions import process_identity
from uprising.experiments.store.verify import Check, Problem

__all__ = [
    "FAILURES",
    "FINGERPRINT_KEY",
    "MANIFEST",
    "MANIFEST_FORMAT",
    "REPLACES_KEY",
    "REQUIRED_KEYS",
    "RUNS",
    "TS",
    "Check",
    "Problem",
    "Status",
    "Store",
    "process_identity",
    "ranges",
    "writing",
]
