"""Benchmark palette-lint against check-jsonschema and yamllint on one generated corpus, in one command.

    pip install -e '.[bench]' && python bench/run.py
    python bench/run.py --case ci,precommit --repeat 5 --markdown

Cases (``--case``, default all):

- ``ci``: the whole corpus. palette-lint with every rule and SARIF output (``--format sarif --output FILE
  --now --no-cache``); check-jsonschema with the project's schema for each kind of file (one invocation per
  schema); ``yamllint -d relaxed``; and palette-lint again with its result cache warm.
- ``precommit``: five files with PEM certificates and schema errors, changed and staged in a git repository,
  linted as the pre-commit hook runs (its command line, ``PRE_COMMIT=1``, so compared with HEAD): with
  ``--no-cache``, and again with the cache warm; check-jsonschema and yamllint on the same files; and
  palette-lint on the files named outside git.
- ``scaling``: palette-lint on corpora of 100, 1,000 and 10,000 files of the same mix: files/s per size.
- ``jobs``: palette-lint with ``--jobs 1`` and ``--jobs 2`` on the whole corpus.
- ``server``: ``palette-lint server`` on a 20-file workspace, driven over stdio as an editor drives it: the time
  from a ``didChange`` of a 10 KB OS layer to its diagnostics (one re-lint of its cluster), per edit; beside it,
  the cold ``palette-lint check --no-cache`` of the same file (start-up included). Needs the server extra.
- ``examples``: the repository's ``examples/`` (real-shaped sites: profiles, exports, user-data) copied 100
  times, not generated: palette-lint (all rules, SARIF) and yamllint on it, files/s.

The generated corpus holds OS-layer values, profiles as export JSON, packs-list YAML, Terraform and cluster
requests, and user-data; the peers, which read YAML and JSON only, are given and counted on those files.

Every tool runs as a subprocess, start-up included. Within a case the tools take turns (A, B, C, A, B, C,
...) so that a slow moment of the machine hits them alike; the table shows the median, min and max of
``--repeat`` rounds. palette-lint gets ``--no-cache`` except in the rows that measure the cache.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SCHEMAS = REPO / "schemas"

sys.path.insert(0, str(BENCH))
import generate_corpus  # noqa: E402  (sibling scripts, not a package)
from corpus_certificates import NOW_TEXT  # noqa: E402

CASES = ("ci", "precommit", "scaling", "jobs", "examples", "server")
#: Rounds per case: few for the big cases, more where one run takes a fraction of a second.
DEFAULT_REPEAT = {"ci": 3, "precommit": 7, "scaling": 3, "jobs": 3, "examples": 3, "server": 30}
#: Untimed rounds first (file-system cache, .pyc files); only where a round is cheap.
WARMUP = {"ci": 0, "precommit": 1, "scaling": 0, "jobs": 0, "examples": 1, "server": 3}
#: The repository's example sites, and how many copies of them the examples case lints.
EXAMPLES = REPO / "examples"
EXAMPLE_COPIES = 100
#: The server case: files in the workspace, and the size of the OS layer edited.
SERVER_FILES, SERVER_LAYER_BYTES = 20, 10 * 1024
#: The server case's goal (issue 13): the median re-lint, in seconds.
SERVER_GOAL = 0.050
SCALING_SIZES = (100, 1000, 10000)
PRECOMMIT_FILES = 5
#: Exit codes that mean "the tool ran": 0 clean, 1 findings (all three tools).
TOOL_OK = (0, 1)


class BenchError(Exception):
    """The benchmark cannot go on (a tool missing or failing); reported as one line, exit code 2."""


# ------------------------------------------------------------------------------------------------- tools


@dataclass(frozen=True)
class Tools:
    palette_lint: tuple[str, ...]
    check_jsonschema: tuple[str, ...]
    yamllint: tuple[str, ...]


def _executable(name: str) -> Optional[str]:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def find_tools(palette_lint: Optional[str] = None) -> Tools:
    """The three tools: palette-lint as given (a command line), else the one installed beside this Python;
    the peers beside this Python or on PATH."""
    lint_exe = _executable("palette-lint")
    if palette_lint:
        lint = tuple(shlex.split(palette_lint))
    else:
        lint = (lint_exe,) if lint_exe else (sys.executable, "-m", "linter")
    peers = {name: _executable(name) for name in ("check-jsonschema", "yamllint")}
    missing = [name for name, found in peers.items() if not found]
    if missing:
        raise BenchError(f"{' and '.join(missing)} not installed: pip install -e '.[bench]'")
    try:
        help_run = subprocess.run([*lint, "check", "--help"], capture_output=True, text=True)
    except OSError as exc:
        raise BenchError(f"cannot run {' '.join(lint)}: {exc.strerror or exc}") from None
    if help_run.returncode != 0:
        raise BenchError(f"`palette-lint check --help` exited {help_run.returncode}: {_tail(help_run.stderr)}")
    return Tools(lint, (str(peers["check-jsonschema"]),), (str(peers["yamllint"]),))


def _version(command: Sequence[str]) -> str:
    result = subprocess.run([*command, "--version"], capture_output=True, text=True)
    words = (result.stdout or result.stderr).split()
    return words[-1] if result.returncode == 0 and words else "?"


def _tail(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


# ---------------------------------------------------------------------------------------------- timing


@dataclass(frozen=True)
class Invocation:
    """One tool's turn in a round: one or more commands run back to back (check-jsonschema needs one per
    schema) and timed together."""

    label: str
    commands: tuple[tuple[str, ...], ...]
    cwd: Path
    files: int
    environment: tuple[tuple[str, str], ...] = ()  # set for this invocation only (PRE_COMMIT=1)


@dataclass
class Row:
    """A measured (or skipped) row of a case's table."""

    label: str
    files: int
    seconds: list[float] = field(default_factory=list)
    #: CPU seconds (user + system) of the tool's processes per run: steadier than wall time on a busy machine.
    cpu: list[float] = field(default_factory=list)
    ratio: Optional[float] = None

    @property
    def measured(self) -> bool:
        return bool(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def files_per_second(self) -> float:
        return self.files / self.median


@dataclass
class Case:
    name: str
    title: str
    rows: list[Row]
    ratio_note: str
    notes: list[str] = field(default_factory=list)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run_once(invocation: Invocation, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of the invocation's commands."""
    if invocation.environment:
        env = {**env, **dict(invocation.environment)}
    cpu_before = _children_cpu()
    started = time.perf_counter()
    for command in invocation.commands:
        result = subprocess.run(command, cwd=invocation.cwd, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True, errors="replace")
        if result.returncode not in TOOL_OK:
            raise BenchError(f"{invocation.label} exited {result.returncode} "
                             f"(expected 0 or 1): {_tail(result.stderr)}")
    return time.perf_counter() - started, _children_cpu() - cpu_before


def measure(case: str, invocations: Sequence[Invocation], repeat: int, warmup: int,
            env: dict[str, str]) -> list[Row]:
    """Run the invocations in turn, ``warmup + repeat`` rounds; a row of timings per invocation."""
    rows = [Row(inv.label, inv.files) for inv in invocations]
    for round_number in range(warmup + repeat):
        timed = round_number >= warmup
        what = f"round {round_number - warmup + 1}/{repeat}" if timed else "warm-up round"
        _progress(f"[{case}] {what}: {', '.join(inv.label for inv in invocations)}")
        for row, invocation in zip(rows, invocations):
            seconds, cpu = _run_once(invocation, env)
            if timed:
                row.seconds.append(seconds)
                row.cpu.append(cpu)
    return rows


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Corpus:
    root: Path
    manifest: dict[str, Any]

    @property
    def files(self) -> list[str]:
        return list(self.manifest["files"])

    def describe(self) -> str:
        return generate_corpus.summary(self.manifest)


def _schema_commands(tools: Tools, files: Sequence[str], corpus: Corpus) -> tuple[tuple[str, ...], ...]:
    """One check-jsonschema command per kind present among ``files``, with that kind's schema."""
    by_kind: dict[str, list[str]] = {}
    for path in files:
        kind = corpus.manifest["files"][path]["kind"]
        if (SCHEMAS / f"{kind}.json").is_file():  # Terraform has no JSON Schema
            by_kind.setdefault(kind, []).append(path)
    return tuple((*tools.check_jsonschema, "--schemafile", str(SCHEMAS / f"{kind}.json"),
                  "--default-filetype", "yaml", *paths) for kind, paths in sorted(by_kind.items()))


def _lint_ci(tools: Tools, sarif: Path, *extra: str) -> tuple[str, ...]:
    """palette-lint as a CI gate runs it, with every rule on: SARIF to a file, a fixed clock, the whole tree."""
    return (*tools.palette_lint, "check", "--select", "ALL", "--format", "sarif", "--output", str(sarif),
            "--now", NOW_TEXT, *extra, "sites")


def _speed_ratios(rows: list[Row]) -> None:
    """Each row's ratio: palette-lint's speed over that tool's (above 1: palette-lint is faster)."""
    reference = rows[0]
    for row in rows:
        if row.measured and reference.measured:
            row.ratio = row.median / reference.median


def ci_case(tools: Tools, corpus: Corpus, out: Path, repeat: int, env: dict[str, str]) -> Case:
    files = corpus.files
    sarif = out / "ci.sarif"
    # The peers read YAML and JSON: they are given those files and their speed is counted on them, while
    # palette-lint reads the Terraform profiles too.
    peer_files = [path for path in files if corpus.manifest["files"][path]["format"] != "hcl"]
    schema = _schema_commands(tools, peer_files, corpus)
    warm = Invocation("palette-lint check, warm cache", (_lint_ci(tools, out / "warm.sarif"),), corpus.root,
                      len(files))
    invocations = [
        Invocation("palette-lint check (all rules, SARIF, --no-cache)", (_lint_ci(tools, sarif, "--no-cache"),),
                   corpus.root, len(files)),
        Invocation(f"check-jsonschema ({len(schema)} schemas)", schema, corpus.root, len(peer_files)),
        Invocation("yamllint -d relaxed", ((*tools.yamllint, "-d", "relaxed", *peer_files),), corpus.root,
                   len(peer_files)),
        warm,
    ]
    _progress("[ci] filling palette-lint's cache")
    _run_once(warm, env)
    rows = measure("ci", invocations, repeat, WARMUP["ci"], env)
    _speed_ratios(rows)
    warm_row = rows[-1]
    warm_row.ratio = None
    notes = [f"warm cache: {rows[0].median / warm_row.median:.1f}x the speed of a run without the cache.",
             _sarif_summary(sarif)]
    return Case("ci", f"CI case: the whole corpus, {len(files):,} files", rows,
                "ratio: palette-lint's files/s over this row's (above 1: palette-lint is faster)", notes)


def _sarif_summary(sarif: Path) -> str:
    try:
        log = json.loads(sarif.read_text(encoding="utf-8"))
        results = [r for run in log["runs"] for r in run.get("results", [])]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BenchError(f"palette-lint's SARIF output {sarif} is not a SARIF log: {exc}") from None
    rules = len({r.get("ruleId") for r in results})
    located = len({loc["physicalLocation"]["artifactLocation"]["uri"] for r in results
                   for loc in r.get("locations", [])[:1] if "physicalLocation" in loc})
    return f"palette-lint's SARIF: {len(results)} results from {rules} rules in {located} files."


#: Problems the schemas report (PAL003, PAL004, PAL005): a wrong key name, credentials in the wrong place.
SCHEMA_PROBLEMS = frozenset({"username-for-user", "misplaced-credentials"})


def precommit_files(corpus: Corpus, count: int = PRECOMMIT_FILES) -> list[str]:
    """``count`` files a commit might touch, one of each role where the corpus allows, chosen to carry PEM
    certificates and schema errors: the work a hook does when certificates are parsed and jsonschema
    explains failures. Files that do not parse are left out (they cost nothing to lint)."""
    entries = corpus.manifest["files"]

    def weight(path: str) -> tuple[int, int, str]:
        entry = entries[path]
        return (-int(entry["problem"] in SCHEMA_PROBLEMS) - int(bool(entry["pem"])), int(not entry["parses"]), path)

    # YAML and JSON only, so that yamllint and check-jsonschema get the same files.
    order = sorted((p for p in entries if entries[p]["parses"] and entries[p]["format"] != "hcl"), key=weight)
    chosen: list[str] = []
    for role in ("os-layer", "installer-user-data", "infra-profile", "site-user-data", "addon-profile"):
        chosen.extend([p for p in order if entries[p]["role"] == role and p not in chosen][:1])
    chosen.extend(p for p in order if p not in chosen)
    return chosen[:count]


def staged_repository(corpus: Corpus, files: Sequence[str], where: Path, env: dict[str, str]) -> Path:
    """A git repository holding ``files`` of the corpus, committed, then each changed (a blank line added, valid
    in YAML and JSON) and staged: what palette-lint sees when pre-commit runs it before a commit."""
    where.mkdir(parents=True)
    for name in files:
        target = where / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus.root / name, target)
    identity = {**env, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
                "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}
    for command in (("init", "-q"), ("add", "-A"), ("commit", "-q", "-m", "deployed")):
        subprocess.run(("git", *command), cwd=where, env=identity, check=True, capture_output=True)
    for name in files:
        with open(where / name, "a", encoding="utf-8") as handle:
            handle.write("\n")
    subprocess.run(("git", "add", "-A"), cwd=where, env=identity, check=True, capture_output=True)
    return where


def precommit_case(tools: Tools, corpus: Corpus, out: Path, repeat: int, env: dict[str, str]) -> Case:
    files = precommit_files(corpus)
    schema = _schema_commands(tools, files, corpus)
    repository = staged_repository(corpus, files, out / "precommit-repository", env)
    hook = (*tools.palette_lint, "check", "--skip-unknown", "--now", NOW_TEXT)  # .pre-commit-hooks.yaml's entry
    under_precommit = (("PRE_COMMIT", "1"),)
    invocations = [
        Invocation("palette-lint as the hook runs it, --no-cache", ((*hook, "--no-cache", *files),), repository,
                   len(files), under_precommit),
        Invocation(f"check-jsonschema ({len(schema)} invocations, one per schema)", schema, corpus.root, len(files)),
        Invocation("yamllint -d relaxed", ((*tools.yamllint, "-d", "relaxed", *files),), corpus.root, len(files)),
        # The same staged files again, as a second commit attempt finds them: the warm-up round fills the cache.
        Invocation("palette-lint as the hook runs it, cache warm", ((*hook, *files),), repository, len(files),
                   under_precommit),
        Invocation("palette-lint check --no-cache (files named, no git)",
                   ((*tools.palette_lint, "check", "--now", NOW_TEXT, "--no-cache", *files),), corpus.root,
                   len(files)),
    ]
    rows = measure("precommit", invocations, repeat, WARMUP["precommit"], env)
    _speed_ratios(rows)
    entries = corpus.manifest["files"]
    listed = ", ".join(f"{p} ({entries[p]['role']}{', PEM' if entries[p]['pem'] else ''}"
                       f"{', ' + entries[p]['problem'] if entries[p]['problem'] else ''})" for p in files)
    with_pem = sum(1 for p in files if entries[p]["pem"])
    with_schema_errors = sum(1 for p in files if entries[p]["problem"] in SCHEMA_PROBLEMS)
    title = (f"Pre-commit case: {len(files)} staged changed files, {with_pem} with PEM, {with_schema_errors} with "
             "schema errors; the hook's command line in a git repository with PRE_COMMIT=1")
    return Case("precommit", title, rows,
                "ratio: this row's wall time over the first row's (above 1: palette-lint is faster)",
                [f"files: {listed}."])


def scaling_case(tools: Tools, corpora: Sequence[Corpus], out: Path, repeat: int, env: dict[str, str]) -> Case:
    invocations = [Invocation(f"palette-lint, {len(c.files):,} files",
                              (_lint_ci(tools, out / "scale.sarif", "--no-cache"),), c.root, len(c.files))
                   for c in corpora]
    rows = measure("scaling", invocations, repeat, WARMUP["scaling"], env)
    reference = rows[-2] if len(rows) > 1 else rows[-1]
    for row in rows:
        row.ratio = row.files_per_second / reference.files_per_second
    notes = []
    if len(rows) > 1:
        small, large = rows[-2], rows[-1]
        marginal = (large.files - small.files) / (large.median - small.median) \
            if large.median > small.median else float("inf")
        notes.append(f"marginal rate between {small.files:,} and {large.files:,} files (start-up excluded): "
                     f"{marginal:,.0f} files/s.")
    return Case("scaling", "Scaling: palette-lint (all rules, SARIF) on corpora of the same mix", rows,
                f"ratio: files/s over files/s at {reference.files:,} files (1.00 = flat cost per file)", notes)


def jobs_case(tools: Tools, corpus: Corpus, out: Path, repeat: int, env: dict[str, str]) -> Case:
    files = len(corpus.files)
    labels = [f"palette-lint --jobs {n}" for n in (1, 2)]
    invocations = [Invocation(label, (_lint_ci(tools, out / f"jobs{n}.sarif", "--jobs", str(n), "--no-cache"),),
                              corpus.root, files) for n, label in zip((1, 2), labels)]
    rows = measure("jobs", invocations, repeat, WARMUP["jobs"], env)
    for row in rows:
        row.ratio = rows[0].median / row.median
    return Case("jobs", f"Workers: palette-lint on the whole corpus, {files:,} files, all rules, SARIF", rows,
                "ratio: files/s over --jobs 1's", [])


def _server_layer(corpus: Corpus, seed: int) -> Path:
    """The workspace's OS layer to edit, rewritten to about SERVER_LAYER_BYTES (the corpus's files stay under
    8 KB): the generator's own OS-layer text, for its site, with more stages."""
    import random

    layers = [path for path, entry in corpus.manifest["files"].items()
              if entry["role"] == "os-layer" and entry["parses"] and not entry["problem"]]
    if not layers:
        raise BenchError("the server workspace has no OS-layer file that parses")
    # The one with the most files beside it: its whole cluster is re-linted on each edit.
    relative = max(sorted(layers), key=lambda path: sum(1 for other in corpus.manifest["files"]
                                                        if Path(other).parent == Path(path).parent))
    rng = random.Random(seed)
    pool = generate_corpus.build_pool(seed, generate_corpus.REGISTRIES)
    site = generate_corpus.Site(number=1, registry=generate_corpus.REGISTRIES[0], mode="provider", k8s="k3s",
                                os_name="ubuntu")
    spec = generate_corpus.FileSpec("os-layer", None, True, SERVER_LAYER_BYTES)
    text = generate_corpus.os_layer_values(rng, pool, site, spec)
    path = corpus.root / relative
    path.write_text(text, encoding="utf-8", newline="\n")
    return path


def server_case(tools: Tools, corpus: Corpus, out: Path, repeat: int, env: dict[str, str], seed: int) -> Case:
    """The language server's re-lint latency after an edit, beside a cold check of the same file."""
    sys.path.insert(0, str(REPO))
    from tests.lsp import LanguageServer  # the suite's LSP client: the server driven as an editor drives it

    layer = _server_layer(corpus, seed)
    text = layer.read_text(encoding="utf-8")
    size = len(text.encode("utf-8"))
    command = [*tools.palette_lint, "server", "--now", NOW_TEXT]
    edits: list[float] = []
    with LanguageServer(command, corpus.root, {}, timeout=120,
                        env={**env, "XDG_CACHE_HOME": str(out / "server-cache")}) as server:
        _progress(f"[server] opening {layer.relative_to(corpus.root)} ({size:,} bytes) in a "
                  f"{len(corpus.files)}-file workspace")
        opened = server.open(layer, text)
        for number in range(WARMUP["server"] + repeat):
            # Each edit changes a value the rules read: the image tag, then back.
            edited = text.replace("-v4.5.3\n", f"-v4.5.{4 + number % 2}\n", 1)
            started = time.perf_counter()
            server.change(layer, edited)
            if number >= WARMUP["server"]:
                edits.append(time.perf_counter() - started)
    cluster = sum(1 for other in corpus.manifest["files"] if (corpus.root / other).parent == layer.parent)
    _progress(f"[server] {len(edits)} edits re-linted; {len(opened)} diagnostics on open")
    cold = Invocation("palette-lint check --no-cache of the same file (cold, start-up included)",
                      ((*tools.palette_lint, "check", "--now", NOW_TEXT, "--no-cache", str(layer)),), corpus.root, 1)
    rows = [Row("palette-lint server: didChange to publishDiagnostics (the file's cluster re-linted)", 1,
                edits, [0.0] * len(edits)),
            *measure("server", [cold], max(3, repeat // 5), 1, env)]
    rows[1].ratio = rows[1].median / rows[0].median
    return Case("server", f"Language server: a {size:,}-byte OS layer edited in a {len(corpus.files)}-file workspace, "
                          f"{cluster} files in its cluster",
                rows, "ratio: the cold check over the server's re-lint",
                ["the server row's cpu s is not measured (the server is one long-lived process); its wall time is "
                 "the whole round trip over stdio, as an editor sees it"])


def examples_case(tools: Tools, out: Path, repeat: int, env: dict[str, str]) -> Case:
    """The example sites copied EXAMPLE_COPIES times: files shaped like the ones users keep, not generated."""
    root = out / "examples-corpus"
    for number in range(EXAMPLE_COPIES):
        shutil.copytree(EXAMPLES, root / f"copy-{number:03d}", ignore=shutil.ignore_patterns("*.md"))
    files = sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())
    yaml_files = [path for path in files if not path.endswith(".tf")]
    lint = (*tools.palette_lint, "check", "--select", "ALL", "--format", "sarif", "--output",
            str(out / "examples.sarif"), "--now", NOW_TEXT, "--no-cache", ".")
    invocations = [
        Invocation("palette-lint check (all rules, SARIF, --no-cache)", (lint,), root, len(files)),
        Invocation("yamllint -d relaxed", ((*tools.yamllint, "-d", "relaxed", *yaml_files),), root, len(yaml_files)),
    ]
    rows = measure("examples", invocations, repeat, WARMUP["examples"], env)
    _speed_ratios(rows)
    return Case("examples", f"Examples case: examples/ copied {EXAMPLE_COPIES} times, {len(files):,} files", rows,
                "ratio: palette-lint's files/s over this row's (above 1: palette-lint is faster)",
                [_sarif_summary(out / "examples.sarif")])


# --------------------------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class Verdict:
    target: str
    measured: str
    status: str  # PASS, FAIL, or why it was not judged


def _row(cases: dict[str, Case], case: str, prefix: str) -> Optional[Row]:
    if case not in cases:
        return None
    return next((r for r in cases[case].rows if r.label.startswith(prefix)), None)


def verdicts(cases: dict[str, Case]) -> list[Verdict]:
    """The targets (issues 6 and 10), judged on this run's medians."""
    def judge(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    out: list[Verdict] = []
    name = "CI case: palette-lint files/s >= 2x check-jsonschema's"
    lint, peer = _row(cases, "ci", "palette-lint check ("), _row(cases, "ci", "check-jsonschema")
    if lint and peer and lint.measured and peer.measured:
        ratio = lint.files_per_second / peer.files_per_second
        out.append(Verdict(name, f"{lint.files_per_second:,.0f} vs {peer.files_per_second:,.0f} files/s: "
                                 f"{ratio:.2f}x", judge(ratio >= 2.0)))
    else:
        out.append(Verdict(name, "-", "not run (--case ci)"))

    peer = _row(cases, "precommit", "yamllint")
    for prefix, name, bound in (
            ("palette-lint as the hook runs it, cache warm", "Pre-commit hook, cache warm: wall time <= yamllint's", 1),
            ("palette-lint as the hook runs it, --no-cache", "Pre-commit hook, cold: wall time <= 2x yamllint's", 2)):
        hook = _row(cases, "precommit", prefix)
        if hook and peer and hook.measured and peer.measured:
            out.append(Verdict(name, f"{hook.median * 1000:,.0f} ms vs {peer.median * 1000:,.0f} ms",
                               judge(hook.median <= bound * peer.median)))
        else:
            out.append(Verdict(name, "-", "not run (--case precommit)"))

    name = "Linear cost: files/s at the largest size >= 75% of files/s at the one before"
    rows = cases["scaling"].rows if "scaling" in cases else []
    if len(rows) >= 2:
        small, large = rows[-2], rows[-1]
        name = f"Linear cost: files/s at {large.files:,} files >= 75% of files/s at {small.files:,}"
        ratio = large.files_per_second / small.files_per_second
        out.append(Verdict(name, f"{large.files_per_second:,.0f} vs {small.files_per_second:,.0f} files/s: "
                                 f"{ratio:.2f}", judge(ratio >= 0.75)))
    else:
        out.append(Verdict(name, "-", "not run (--case scaling, two sizes or more)"))

    name = "Workers: --jobs 2 files/s >= 1.6x --jobs 1's (whole corpus)"
    one, two = _row(cases, "jobs", "palette-lint --jobs 1"), _row(cases, "jobs", "palette-lint --jobs 2")
    if one and two and one.measured and two.measured:
        ratio = one.median / two.median
        out.append(Verdict(name, f"{ratio:.2f}x", judge(ratio >= 1.6)))
    else:
        out.append(Verdict(name, "-", "not run (--case jobs)"))
    name = f"Server: median re-lint of an edited 10 KB OS layer < {SERVER_GOAL * 1000:.0f} ms"
    edits = _row(cases, "server", "palette-lint server")
    if edits and edits.measured:
        out.append(Verdict(name, f"{edits.median * 1000:.1f} ms", judge(edits.median < SERVER_GOAL)))
    else:
        out.append(Verdict(name, "-", "not run (--case server)"))
    return out


# ---------------------------------------------------------------------------------------------- report


def _cells(row: Row) -> list[str]:
    return [row.label, f"{row.files:,}", f"{row.median:.3f}", f"{min(row.seconds):.3f}", f"{max(row.seconds):.3f}",
            f"{statistics.median(row.cpu):.3f}", f"{row.files_per_second:,.0f}",
            "" if row.ratio is None else f"{row.ratio:.2f}"]


HEADERS = ["tool", "files", "median s", "min s", "max s", "cpu s", "files/s", "ratio"]


def _runs(case: Case) -> str:
    runs = max((len(r.seconds) for r in case.rows), default=0)
    return f"median of {runs} runs" if runs else "not run"


def text_report(header: list[str], cases: Sequence[Case], judged: Sequence[Verdict]) -> str:
    lines = [*header, ""]
    for case in cases:
        lines.append(f"{case.title} ({_runs(case)})")
        table = [HEADERS] + [_cells(r) for r in case.rows]
        widths = [max(len(row[i]) for row in table) for i in range(len(HEADERS))]
        for row in table:
            cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
            lines.append("  " + "  ".join(cells).rstrip())
        lines.extend(f"  {note}" for note in [case.ratio_note, *case.notes])
        lines.append("")
    lines.append("Targets")
    width = max(len(v.target) for v in judged)
    measured_width = max(len(v.measured) for v in judged)
    lines.extend(f"  {v.target:<{width}}  {v.measured:<{measured_width}}  {v.status}" for v in judged)
    return "\n".join(lines) + "\n"


def markdown_report(header: list[str], cases: Sequence[Case], judged: Sequence[Verdict]) -> str:
    lines = [*(f"{line}  " for line in header), ""]
    for case in cases:
        lines.append(f"**{case.title}** ({_runs(case)})\n")
        lines.append("| " + " | ".join(HEADERS) + " |")
        lines.append("|---|" + "---:|" * (len(HEADERS) - 1))
        lines.extend("| " + " | ".join(_cells(r)) + " |" for r in case.rows)
        lines.append("")
        lines.extend(f"{note}  " for note in [case.ratio_note, *case.notes])
        lines.append("")
    lines.append("| target | measured | result |\n|---|---|---|")
    lines.extend(f"| {v.target} | {v.measured} | {v.status} |" for v in judged)
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------------ main


def _parse_cases(text: str) -> tuple[str, ...]:
    chosen = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [c for c in chosen if c not in CASES]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"cases are {', '.join(CASES)} (comma-separated); got {text!r}")
    return tuple(c for c in CASES if c in chosen)


def _parse_sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        raise argparse.ArgumentTypeError(f"sizes are file counts, comma-separated; got {text!r}") from None
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes must be positive file counts")
    return sizes


def _generate(directory: Path, files: int, seed: int) -> Corpus:
    started = time.perf_counter()
    manifest = generate_corpus.generate(directory, generate_corpus.Mix().scaled(files), seed)
    _progress(f"generated {directory.name}: {len(manifest['files']):,} files in {time.perf_counter() - started:.1f} s")
    return Corpus(directory, manifest)


def _load(directory: Path) -> Corpus:
    if not (directory / "MANIFEST.json").is_file():
        raise BenchError(f"{directory} has no MANIFEST.json; generate it with bench/generate_corpus.py")
    manifest = generate_corpus.load_manifest(directory)
    if not isinstance(manifest.get("files"), dict) or not (directory / "sites").is_dir():
        raise BenchError(f"{directory} is not a corpus of this generator (regenerate it with bench/generate_corpus.py)")
    return Corpus(directory, manifest)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", type=_parse_cases, default=CASES, metavar="CASES",
                        help=f"cases to run, comma-separated (default: {','.join(CASES)})")
    parser.add_argument("--repeat", type=int, metavar="N",
                        help="timed rounds per case (default: " +
                             ", ".join(f"{c} {n}" for c, n in DEFAULT_REPEAT.items()) + ")")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default: 1)")
    parser.add_argument("--files", type=int, default=generate_corpus.Mix().total,
                        help="files in the main corpus, the reference mix scaled (default: %(default)s, the "
                             "reference mix itself)")
    parser.add_argument("--sizes", type=_parse_sizes, default=SCALING_SIZES, metavar="N,N,...",
                        help="corpus sizes of the scaling case (default: 100,1000,10000)")
    parser.add_argument("--corpus", type=Path, help="use this corpus (from generate_corpus.py) as the main one")
    parser.add_argument("--palette-lint", metavar="COMMAND",
                        help="the palette-lint to measure, e.g. another checkout's .venv/bin/palette-lint "
                             "(default: the one installed beside this Python)")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpora and outputs; print where")
    parser.add_argument("--markdown", action="store_true", help="print the tables in Markdown (README)")
    args = parser.parse_args(argv)
    if args.repeat is not None and args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.files < 1:
        parser.error("--files must be at least 1")
    workdir = Path(tempfile.mkdtemp(prefix="palette-lint-bench-"))
    started = time.perf_counter()
    try:
        report = run(args, workdir)
    except BenchError as exc:
        print(f"bench: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            _progress(f"kept the corpora and outputs in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(report, end="")
    print(f"\n(benchmark took {time.perf_counter() - started:.0f} s)")
    return 0


def _load_average() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "?"


def run(args: argparse.Namespace, workdir: Path) -> str:
    load_before = _load_average()
    tools = find_tools(args.palette_lint)
    missing = [kind for kind in ("os-layer", "profile", "user-data") if not (SCHEMAS / f"{kind}.json").is_file()]
    if missing:
        raise BenchError(f"schemas missing in {SCHEMAS}: {', '.join(missing)}")
    # Every tool runs as an installed tool does: with its bytecode cached. (A sandbox that sets
    # PYTHONDONTWRITEBYTECODE would make an editable checkout recompile all its modules on every run.)
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["NO_COLOR"] = "1"
    out = workdir / "out"
    out.mkdir()
    repeat = {case: args.repeat or n for case, n in DEFAULT_REPEAT.items()}
    main_corpus: Optional[Corpus] = None
    if set(args.case) & {"ci", "precommit", "jobs"}:
        main_corpus = _load(args.corpus.resolve()) if args.corpus else _generate(workdir / "corpus", args.files,
                                                                                   args.seed)
    cases: dict[str, Case] = {}
    for case in args.case:
        if case == "ci" and main_corpus:
            cases[case] = ci_case(tools, main_corpus, out, repeat[case], env)
        elif case == "precommit" and main_corpus:
            cases[case] = precommit_case(tools, main_corpus, out, repeat[case], env)
        elif case == "scaling":
            corpora = [_generate(workdir / f"scale-{size}", size, args.seed) for size in args.sizes]
            cases[case] = scaling_case(tools, corpora, out, repeat[case], env)
        elif case == "jobs" and main_corpus:
            cases[case] = jobs_case(tools, main_corpus, out, repeat[case], env)
        elif case == "server":
            workspace = _generate(workdir / "server-workspace", SERVER_FILES, args.seed)
            cases[case] = server_case(tools, workspace, out, repeat[case], env, args.seed)
        elif case == "examples":
            cases[case] = examples_case(tools, out, repeat[case], env)
    lint_version = _version(tools.palette_lint)
    header = [
        f"palette-lint benchmark: {os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}",
        f"palette-lint {lint_version}, check-jsonschema {_version(tools.check_jsonschema)}, "
        f"yamllint {_version(tools.yamllint)}; corpus seed {args.seed}, clock --now {NOW_TEXT}",
        "wall time per run, subprocess start-up included; tools interleaved round by round; "
        "cpu s: median user+system seconds of the tool's processes",
        f"1-minute load average before the run {load_before}, after it {_load_average()} "
        "(other work on the machine shows in wall time, less in cpu s)",
    ]
    if main_corpus:
        header.append(f"corpus: {main_corpus.describe()}")
    ordered = [cases[c] for c in CASES if c in cases]
    judged = verdicts(cases)
    return (markdown_report if args.markdown else text_report)(header, ordered, judged)


if __name__ == "__main__":
    sys.exit(main())
