"""AT7 of issue 16: fitted on what the record had by 6 January, does the model predict the
cumulative detentions of 7-10 January better than baselines fitted on the same period?

Reuses the reference table of `uprising calibrate kazakhstan-2022 --out DIR` (DIR/table),
retrains the estimator on the early statistics only, simulates 100 posterior draws on 2
processes and writes src/uprising/scenario/presets/kazakhstan-2022.forecast.json (read by
`uprising report`).

Usage: python validation/kazakhstan_forecast.py DIR [--draws 100] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from uprising.atomic import write_text_atomic
from uprising.calibration.forecast import forecast_check
from uprising.calibration.pipeline import observed_statistics
from uprising.calibration.spec import load_spec
from uprising.experiments.executors import open_executor

OUT = Path(__file__).resolve().parents[1] / "src/uprising/scenario/presets"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", help="folder of `uprising calibrate --out` (holds table/)")
    ap.add_argument("--draws", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    spec = load_spec("kazakhstan-2022")
    with open_executor("processes", args.workers) as ex:
        record = forecast_check(spec, args.out, observed_statistics(spec), args.draws, ex,
                                progress=True)
    record["load_average"] = os.getloadavg()
    path = write_text_atomic(OUT / "kazakhstan-2022.forecast.json",
                             json.dumps(record, indent=2) + "\n")
    print(json.dumps(record["mean_crps"]), "beats constant rate:", record["beats_constant_rate"])
    print("wrote", path)


if __name__ == "__main__":
    main()
