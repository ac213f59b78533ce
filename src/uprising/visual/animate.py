"""Render a run's lattice to an animated GIF (Pillow) or MP4 (H.264 through imageio-ffmpeg, which
ships its own ffmpeg binary), one captioned frame with legend every ``every`` ticks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from uprising.visual.render import FrameRenderer
from uprising.visual.snapshot import is_results_folder, make_source_model, model_from_results

FORMATS = (".gif", ".mp4")


def animate(
    source: Any,
    out: str | Path,
    *,
    ticks: int | None = None,
    every: int = 1,
    fps: float = 10.0,
    seed: int | None = None,
    overrides: list[str] | None = None,
    site: int = 0,
    replicate: int = 0,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Returns a description of the animation written to ``out`` (``.gif`` or ``.mp4``).

    Args:
        source: a model, a preset name, YAML path, dict, Scenario, or a results folder written
            by ``uprising run`` (its lattice is not stored: the run is re-run from the resolved
            scenario, seed and replicate in run.json, and the re-run's time series is checked
            against the stored one).
        ticks: ticks to animate (default: the scenario's, or the stored run's).
        every: one frame every ``every`` ticks (the first frame is the current state).
        fps: frames per second of the output.
        seed, overrides: for a fresh model of a scenario.
        site: site index for several sites.
        replicate: which replicate of a results folder with several.
        progress: called with the number of frames written so far.

    The returned dict has ``path, frames, ticks, size`` and, for a results folder,
    ``rerun_matches`` (True when the re-run's time series equals the stored one).
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"output must end in .gif or .mp4, got {out.name!r}")
    if every < 1 or fps <= 0:
        raise ValueError("every must be ≥ 1 and fps > 0")
    info: dict[str, Any] = {}
    if is_results_folder(source):
        model, meta = model_from_results(source, replicate)
        stored = int(meta.get("ticks") or model.scenario.ticks)
        ticks = stored if ticks is None else ticks
        info["rerun_of"] = str(source)
    else:
        model = make_source_model(source, seed, overrides)
    start = model.tick
    total = (model.scenario.ticks - start) if ticks is None else int(ticks)
    if total < 1:
        raise ValueError("nothing to animate: ticks must be ≥ 1")
    renderer = FrameRenderer(model, site, total_ticks=start + total)
    out.parent.mkdir(parents=True, exist_ok=True)
    frames = _frames(model, renderer, total, every)
    count = _write_gif(out, frames, fps, progress) if suffix == ".gif" else _write_mp4(
        out, frames, fps, progress
    )
    if "rerun_of" in info:
        info["rerun_matches"] = _matches_stored(model, Path(source), replicate)
    return {"path": out, "frames": count, "ticks": total, "size": renderer.frame().shape[1::-1],
            **info}


def _frames(model: Any, renderer: FrameRenderer, total: int, every: int):
    end = model.tick + total
    yield renderer.frame()
    while model.tick < end:
        model.run(min(every, end - model.tick))
        yield renderer.frame()


def _write_gif(out: Path, frames: Any, fps: float, progress: Any) -> int:
    from PIL import Image

    images = []
    for i, rgb in enumerate(frames, 1):
        # Few colours per frame: an adaptive palette keeps the cells' colours exact.
        images.append(Image.fromarray(rgb).quantize(colors=255, method=Image.Quantize.MEDIANCUT))
        if progress is not None:
            progress(i)
    duration = max(round(1000 / fps), 20)
    images[0].save(out, save_all=True, append_images=images[1:], duration=duration, loop=0,
                   optimize=False, disposal=1)
    return len(images)


def _write_mp4(out: Path, frames: Any, fps: float, progress: Any) -> int:
    import imageio_ffmpeg

    writer = None
    count = 0
    try:
        for rgb in frames:
            if writer is None:
                h, w = rgb.shape[:2]
                writer = imageio_ffmpeg.write_frames(
                    str(out), (w, h), fps=fps, codec="libx264", pix_fmt_out="yuv420p",
                    quality=8, macro_block_size=16, ffmpeg_log_level="error",
                )
                writer.send(None)  # start the encoder
            writer.send(np.ascontiguousarray(rgb))
            count += 1
            if progress is not None:
                progress(count)
    finally:
        if writer is not None:
            writer.close()
    return count


def _matches_stored(model: Any, folder: Path, replicate: int) -> bool | None:
    from uprising.results import RunResult

    stored = RunResult.load(folder).timeseries
    if "replicate" in stored.columns:
        stored = stored[stored["replicate"] == replicate].drop(columns=["seed", "replicate"])
    now = model.get_model_vars_dataframe()
    n = min(len(now), len(stored))
    cols = [c for c in stored.columns if c in now.columns]
    if not n or not cols:
        return None
    a = now[cols].iloc[:n].reset_index(drop=True)
    b = stored[cols].iloc[:n].reset_index(drop=True)
    return bool(np.allclose(a.to_numpy(float), b.to_numpy(float), equal_nan=True))


def extract_frame(path: str | Path, index: int = 0) -> np.ndarray:
    """Returns frame ``index`` of a GIF or MP4 as an RGB array (for checks and docs)."""
    path = Path(path)
    if path.suffix.lower() == ".gif":
        from PIL import Image

        with Image.open(path) as im:
            try:
                im.seek(index)
            except EOFError:
                raise IndexError(f"{path} has fewer than {index + 1} frames") from None
            return np.asarray(im.convert("RGB"))
    import imageio_ffmpeg

    reader = imageio_ffmpeg.read_frames(str(path), pix_fmt="rgb24")
    meta = reader.__next__()
    w, h = meta["size"]
    for i, raw in enumerate(reader):
        if i == index:
            reader.close()
            return np.frombuffer(raw, dtype=np.uint8).reshape(h, w, 3)
    raise IndexError(f"{path} has fewer than {index + 1} frames")
