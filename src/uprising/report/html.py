"""HTML pieces of the report: escaped text, tables, embedded PNG figures, the page itself.

Everything from data is escaped; figures are ``data:image/png;base64`` images and the style
sheet is inline, so the page is one file that needs no network and no JavaScript.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.7em;margin-bottom:.2em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;
margin-top:2em}h3{font-size:1.05em}
table{border-collapse:collapse;margin:.8em 0;font-size:.9em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right}
th{background:#f2f2f2}td:first-child,th:first-child{text-align:left}
img{max-width:100%;height:auto}
.note{color:#666;font-style:italic}.met{color:#1a7f37;font-weight:bold}
.unmet{color:#b3261e;font-weight:bold}nav a{margin-right:1em}
dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dt{font-weight:bold}
dd{margin:0}
""".strip()


def esc(value: Any) -> str:
    """Returns ``value`` as HTML-escaped text (quotes included)."""
    return html.escape(str(value), quote=True)


def fmt_cell(value: Any) -> str:
    """Returns a table cell's text: numbers rounded for reading, missing values as "–"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, dict | list):
        return json.dumps(value, default=str)[:200]
    return str(value)


def table(frame: pd.DataFrame, cell_class: Mapping[str, Any] | None = None) -> str:
    """Returns an HTML table of ``frame`` (index dropped), every header and cell escaped;
    ``cell_class`` maps a column to a function giving a CSS class for each value."""
    if frame is None or frame.empty:
        return note("no rows")
    head = "".join(f"<th>{esc(c)}</th>" for c in frame.columns)
    rows = []
    for values in frame.itertuples(index=False):
        cells = []
        for col, value in zip(frame.columns, values, strict=True):
            cls = (cell_class or {}).get(col)
            attr = f' class="{esc(cls(value))}"' if cls else ""
            cells.append(f"<td{attr}>{esc(fmt_cell(value))}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def definitions(items: Iterable[tuple[str, Any]]) -> str:
    """Returns a definition list (term, value), escaped."""
    body = "".join(f"<dt>{esc(k)}</dt><dd>{esc(fmt_cell(v))}</dd>" for k, v in items)
    return f"<dl>{body}</dl>"


def note(text: str) -> str:
    """Returns a paragraph in the note style (for placeholders and caveats), escaped."""
    return f'<p class="note">{esc(text)}</p>'


def paragraph(text: str) -> str:
    """Returns a paragraph of escaped text."""
    return f"<p>{esc(text)}</p>"


def png(fig: Figure, alt: str, dpi: int = 110) -> str:
    """Returns an ``<img>`` holding ``fig`` as an embedded base64 PNG."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="{esc(alt)}" src="data:image/png;base64,{data}">'


def section(anchor: str, title: str, body: str) -> str:
    """Returns a ``<section>`` with its heading; ``body`` is HTML made by this module."""
    return f'<section id="{esc(anchor)}"><h2>{esc(title)}</h2>\n{body}\n</section>'


def page(title: str, sections: list[tuple[str, str, str]], subtitle: str = "") -> str:
    """Returns the whole HTML document: title, a contents line and the (anchor, title, body)
    sections in order."""
    nav = "".join(f'<a href="#{esc(a)}">{esc(t)}</a>' for a, t, _ in sections)
    parts = "\n".join(section(a, t, b) for a, t, b in sections)
    sub = f"<p>{esc(subtitle)}</p>" if subtitle else ""
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{CSS}</style></head>\n<body>"
            f"<h1>{esc(title)}</h1>{sub}<nav>{nav}</nav>\n{parts}\n</body></html>\n")
