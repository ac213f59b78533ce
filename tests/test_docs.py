"""The documentation as tests: every ```python block runs, every relative link resolves.

Code blocks. Every fenced block whose info string is ``python`` in README.md, CONTRIBUTING.md
and docs/**/*.md is one test, named after the file and the line of its opening fence
(``README.md:L28``). A block runs in-process (``exec`` with a fresh globals dict, so Numba
kernels compiled by one block are reused by the next) in a fresh temporary working directory,
with the Agg matplotlib backend. A block passes if it runs without raising. Other languages
(bash, yaml, text) are not executed.

HTML comments on the lines just above a block's opening fence (blank lines allowed in between)
are instructions to this test; GitHub does not render them:

- ``<!-- skip-test: REASON -->``: not run, reported as skipped with REASON (required). Use it only
  for a block that cannot run, and prefer making the block runnable (fewer ticks, a smaller world).
- ``<!-- continue -->``: the block continues the previous ```python block of the same file. Its
  test first runs the blocks it continues from (back to the first block without the marker) in
  the same namespace and working directory, then the block itself, so every test stands alone
  whatever the selection or order. Without the marker a block is self-contained.
- ``<!-- requires: MODULE[, MODULE...] -->``: skipped when a module is not importable (an optional
  tool the project does not depend on, such as EMA Workbench).

Shell blocks (bash, sh, shell, console) are not run, but every ``uprising ...`` command in them is
parsed by the CLI's own parser, so a renamed subcommand or option, or a value out of range, fails.

Links. Every relative Markdown link and image (``[text](target)``, ``![alt](target)``, reference
definitions ``[label]: target``) in README.md, CONTRIBUTING.md and docs/**/*.md, outside code, must
point to a file or folder inside the repository; a ``#anchor`` into a Markdown file (or ``#anchor``
alone, into the same file) must name one of its headings by GitHub's slug rule (lower-case, spaces
to hyphens, punctuation other than hyphens and underscores dropped, ``-1``, ``-2``... for repeats).
"""

from __future__ import annotations

import importlib.util
import re
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _markdown_files() -> list[Path]:
    files = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").rglob("*.md"))]
    return [f for f in files if f.is_file()]


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name


FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
MARKER = re.compile(
    r"^\s*<!--\s*(?P<key>skip-test|continue|requires)\s*(?::(?P<arg>.*?))?\s*-->\s*$"
)


@dataclass
class Block:
    """A fenced code block: its file, the line of its opening fence, language, code, markers."""

    path: Path
    line: int
    lang: str
    code: str
    markers: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{_name(self.path)}:L{self.line}"


def parse_blocks(path: Path) -> list[Block]:
    """Returns the fenced code blocks of a Markdown file, with the markers just above each."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence = len(m["indent"]), m["fence"]
        lang = m["info"].strip().split(" ")[0].lower() if m["info"].strip() else ""
        markers: dict[str, str] = {}
        j = i - 1
        while j >= 0 and (not lines[j].strip() or MARKER.match(lines[j])):
            if lines[j].strip():
                mk = MARKER.match(lines[j])
                markers[mk["key"]] = (mk["arg"] or "").strip()
            j -= 1
        body: list[str] = []
        k = i + 1
        while k < len(lines):
            close = lines[k].strip()
            if close.startswith(fence[0] * len(fence)) and not close.strip(fence[0]):
                break
            body.append(lines[k][indent:] if lines[k][:indent].strip() == "" else lines[k])
            k += 1
        blocks.append(Block(path, i + 1, lang, "\n".join(body) + "\n", markers))
        i = k + 1
    return blocks


def _python_blocks() -> list[Block]:
    return [b for f in _markdown_files() for b in parse_blocks(f) if b.lang in ("python", "py")]


PYTHON_BLOCKS = _python_blocks()


def _chain(block: Block, blocks: list[Block] | None = None) -> list[Block]:
    """Returns the blocks to run for ``block``: those it continues from, then itself."""
    same_file = [b for b in (PYTHON_BLOCKS if blocks is None else blocks) if b.path == block.path]
    at = next(i for i, b in enumerate(same_file) if b.line == block.line)
    start = at
    while start > 0 and "continue" in same_file[start].markers:
        start -= 1
    if "continue" in same_file[start].markers:
        raise AssertionError(f"{block.id}: <!-- continue --> on the first python block of the file")
    return same_file[start : at + 1]


def _check_markers(block: Block) -> None:
    if "skip-test" in block.markers:
        reason = block.markers["skip-test"]
        assert reason, f"{block.id}: <!-- skip-test: REASON --> needs a reason"
        pytest.skip(f"{block.id}: {reason}")
    for module in filter(None, (m.strip() for m in block.markers.get("requires", "").split(","))):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{block.id}: needs {module}, which is not installed")


@pytest.mark.parametrize("block", PYTHON_BLOCKS, ids=lambda b: b.id)
def test_python_block_runs(block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs the block (after the blocks it continues from) in a fresh folder and namespace."""
    chain = _chain(block)
    for b in chain:
        _check_markers(b)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace: dict[str, object] = {"__name__": "__main__"}
    try:
        for b in chain:
            # Leading newlines make traceback line numbers those of the Markdown file.
            source = "\n" * b.line + b.code
            exec(compile(source, str(b.path), "exec"), namespace)
    finally:
        plt = sys.modules.get("matplotlib.pyplot")  # figures a block left open
        if plt is not None:
            plt.close("all")


def test_block_parser_and_markers(tmp_path: Path) -> None:
    """Fences, languages, line numbers, markers and continuation chains are read as documented."""
    doc = tmp_path / "doc.md"
    doc.write_text(
        "Text.\n\n```python\na = 1\n```\n\n<!-- continue -->\n```python\nb = a\n```\n"
        "<!-- skip-test: a fragment -->\n\n```python\nnot python\n```\n"
        "<!-- requires: no_such_module_xyz -->\n```python\nimport no_such_module_xyz\n```\n"
        "- list:\n\n  ```bash\n  uprising scenarios\n  ```\n"
    )
    blocks = parse_blocks(doc)
    assert [(b.line, b.lang, b.code) for b in blocks] == [
        (3, "python", "a = 1\n"),
        (8, "python", "b = a\n"),
        (13, "python", "not python\n"),
        (17, "python", "import no_such_module_xyz\n"),
        (22, "bash", "uprising scenarios\n"),
    ]
    assert [b.markers for b in blocks] == [
        {},
        {"continue": ""},
        {"skip-test": "a fragment"},
        {"requires": "no_such_module_xyz"},
        {},
    ]
    python = blocks[:4]
    assert [b.line for b in _chain(python[1], python)] == [3, 8]
    assert [b.line for b in _chain(python[2], python)] == [13]
    for block, reason in [(python[2], "a fragment"), (python[3], "needs no_such_module_xyz")]:
        with pytest.raises(pytest.skip.Exception, match=reason):
            _check_markers(block)


def test_python_blocks_found() -> None:
    """The collector sees the README's examples (finding nothing would pass vacuously)."""
    readme = [b for b in PYTHON_BLOCKS if b.path.name == "README.md"]
    assert len(readme) >= 3


# --------------------------------------------------------------------------- shell commands


def uprising_commands(block: Block) -> list[list[str]]:
    """Returns the argument lists of the ``uprising ...`` commands of a shell block."""
    text = re.sub(r"\\\n", " ", block.code)  # continuation lines
    text = re.sub(r"\$\{?\w+\}?", "0", text)  # shell variables (${SLURM_ARRAY_TASK_ID})
    commands = []
    for line in text.splitlines():
        words = shlex.split(line, comments=True)
        current: list[str] = []
        for word in [*words, ";"]:
            if word in (";", "&&", "||", "|"):
                if current[:1] == ["uprising"]:
                    commands.append(current[1:])
                current = []
            else:
                current.append(word)
    return commands


SHELL_BLOCKS = [
    b
    for f in _markdown_files()
    for b in parse_blocks(f)
    if b.lang in ("bash", "sh", "shell", "console") and uprising_commands(b)
]


def cli_errors(block: Block) -> list[str]:
    """Returns one message per ``uprising`` command of the block that the CLI would reject.

    The command line is parsed by the CLI's own parser (subcommand, options, types, ranges,
    required arguments), not run: no simulation starts and no file is read or written.
    """
    import typer
    import typer.main

    from uprising.cli import app

    # Typer may vendor its own click: take UsageError from the classes of the installed one.
    usage_error = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")
    group = typer.main.get_command(app)
    errors = []
    for args in uprising_commands(block):
        try:
            with group.make_context("uprising", list(args)) as ctx:
                protected = getattr(ctx, "_protected_args", None)
                rest = [*(ctx.protected_args if protected is None else protected), *ctx.args]
                if rest:  # else `uprising --help` and the like
                    name, command, rest = group.resolve_command(ctx, rest)
                    assert command is not None
                    command.make_context(name or "", rest, parent=ctx).close()
        except usage_error as exc:
            errors.append(f"{block.id}: uprising {shlex.join(args)}: {exc.format_message()}")
    return errors


@pytest.mark.parametrize("block", SHELL_BLOCKS, ids=lambda b: b.id)
def test_shell_block_commands_parse(block: Block) -> None:
    """Every ``uprising`` command of a shell block names a real subcommand and valid options."""
    assert cli_errors(block) == []


def test_shell_check_rejects_bad_commands() -> None:
    """A misspelt option, an unknown subcommand or an out-of-range value is reported."""
    code = "".join(
        f"uprising {line}  # comment\n"
        for line in ("run epstein2002-run2 --tick 5", "runn x", "run x --replicates 0", "show x")
    )
    errors = cli_errors(Block(ROOT / "x.md", 1, "bash", code))
    assert [e.split(":")[2] for e in errors] == [
        " uprising run epstein2002-run2 --tick 5",
        " uprising runn x",
        " uprising run x --replicates 0",
    ]


# ----------------------------------------------------------------------------------------- links

LINK = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?(?P<target>[^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)"
)
REFDEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(?P<target>\S+?)>?(?:\s+.*)?$")
CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _code_lines(path: Path) -> set[int]:
    """Returns the line numbers of the fenced code blocks of a Markdown file, fences included."""
    return {n for b in parse_blocks(path) for n in range(b.line, b.line + b.code.count("\n") + 2)}


def _prose_lines(path: Path) -> list[tuple[int, str]]:
    """Returns (line number, text) of the lines outside fenced code blocks, code spans blanked."""
    lines = path.read_text(encoding="utf-8").splitlines()
    in_code = _code_lines(path)
    return [(n, CODE_SPAN.sub("", text)) for n, text in enumerate(lines, 1) if n not in in_code]


def github_slug(heading: str) -> str:
    """Returns GitHub's anchor for a heading's text (Markdown emphasis, code and links reduced)."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # links and images: their text
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML
    text = text.replace("`", "").replace("*", "")
    text = text.lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Returns the anchors of a Markdown file's headings (repeats get -1, -2, ... as on GitHub)."""
    seen: dict[str, int] = {}
    found: set[str] = set()
    lines = path.read_text(encoding="utf-8").splitlines()
    in_code = _code_lines(path)
    for n, text in enumerate(lines, 1):
        m = HEADING.match(text)
        if not m or n in in_code:
            continue
        slug = github_slug(m["text"])
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    found.update(re.findall(r"<a\s+(?:name|id)=\"([^\"]+)\"", "\n".join(lines)))
    return found


def broken_links(path: Path, root: Path = ROOT) -> list[str]:
    """Returns one message per relative link of ``path`` that does not resolve inside ``root``."""
    problems = []
    for n, text in _prose_lines(path):
        targets = [m["target"] for m in LINK.finditer(text)]
        if m := REFDEF.match(text):
            targets.append(m["target"])
        for target in targets:
            if SCHEME.match(target) or target.startswith("//"):
                continue  # external: not checked (no network at test time)
            where = f"{path.relative_to(root).as_posix()}:L{n}: {target}"
            file_part, _, anchor = target.partition("#")
            dest = (path.parent / unquote(file_part)).resolve() if file_part else path
            if root not in dest.parents and dest != root:
                problems.append(f"{where} (outside the repository)")
            elif not dest.exists():
                problems.append(f"{where} (no such file)")
            elif anchor and dest.suffix == ".md" and unquote(anchor) not in anchors(dest):
                problems.append(f"{where} (no heading with that anchor in {dest.name})")
    return problems


@pytest.mark.parametrize("path", _markdown_files(), ids=_name)
def test_relative_links_resolve(path: Path) -> None:
    """Every relative link and image of the file points to an existing file (and heading)."""
    assert broken_links(path) == []


def test_link_checker_flags_broken_links(tmp_path: Path) -> None:
    """The checker accepts good links and flags a missing file, a missing anchor, an escape."""
    root = tmp_path.resolve()
    (root / "docs").mkdir()
    (root / "docs" / "a.md").write_text("# Title\n\n## 8.1 Extensions: the `x` mechanisms\n")
    (root / "README.md").write_text(
        "[ok](docs/a.md) ![img](docs/a.md) [ok](docs/a.md#81-extensions-the-x-mechanisms)\n"
        "[web](https://example.org/nope) [self](#readme-heading) `[code](docs/none.md)`\n"
        "[bad](docs/none.md) [bad](docs/a.md#nope)\n[bad](../outside.md)\n"
        "```bash\n[code](docs/none.md)\n```\n# README heading\n[ref]: docs/gone.md\n"
    )
    assert broken_links(root / "README.md", root) == [
        "README.md:L3: docs/none.md (no such file)",
        "README.md:L3: docs/a.md#nope (no heading with that anchor in a.md)",
        "README.md:L4: ../outside.md (outside the repository)",
        "README.md:L9: docs/gone.md (no such file)",
    ]
    assert github_slug("The waiting time / activation tension (spec §0, finding 3)") == (
        "the-waiting-time--activation-tension-spec-0-finding-3"
    )
