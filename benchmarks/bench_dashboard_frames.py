"""Server-side cost of one dashboard frame, by encoding, at several world sizes.

Times, per frame of a running Run 2 world: one model tick; the display codes (``display_codes``,
which the dashboard sends as raw bytes); a PNG of the lattice (Pillow, one pixel per cell,
optimize off, as a PNG-streaming dashboard would send); and a captioned matplotlib frame (what
``uprising animate`` draws). Prints ms per frame and the frame rate each would cap the server at,
with the load average. Speed is reported, never asserted.

Usage: python benchmarks/bench_dashboard_frames.py [--sizes 40 200 400] [--frames 50]
"""

from __future__ import annotations

import argparse
import io
import os
import time

from PIL import Image

from uprising import Model
from uprising.visual.lattice import display_codes, palette_rgb
from uprising.visual.render import FrameRenderer


def per_frame(fn, frames: int) -> float:
    fn()
    t = time.perf_counter()
    for _ in range(frames):
        fn()
    return (time.perf_counter() - t) / frames * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[40, 200, 400])
    ap.add_argument("--frames", type=int, default=50)
    args = ap.parse_args()
    palette = palette_rgb()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"{'world':>9} {'tick':>8} {'raw codes':>10} {'PNG':>8} {'matplotlib':>11}   "
          "bytes raw / PNG")
    for side in args.sizes:
        m = Model("epstein2002-run2", rng=1, overrides=[f"world.width={side}",
                                                         f"world.height={side}"])
        m.run(30)

        def png(m: Model = m) -> bytes:
            buf = io.BytesIO()
            Image.fromarray(palette[display_codes(m)]).save(buf, format="PNG", optimize=False)
            return buf.getvalue()

        renderer = FrameRenderer(m)
        t_tick = per_frame(lambda: m.run(1), args.frames)  # noqa: B023
        t_raw = per_frame(lambda: display_codes(m).tobytes(), args.frames)  # noqa: B023
        t_png = per_frame(png, args.frames)
        t_mpl = per_frame(renderer.frame, max(args.frames // 5, 3))
        print(f"{side:>4}×{side:<4} {t_tick:>6.2f}ms {t_raw:>8.3f}ms {t_png:>6.2f}ms "
              f"{t_mpl:>9.1f}ms   {side * side + 16:,} / {len(png()):,}")
    print(f"load average {os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main()
