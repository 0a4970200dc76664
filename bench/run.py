"""Benchmark palette-lint against check-jsonschema on the same corpus, in one command.

    python bench/run.py                      # 3000 generated files in a temporary directory
    python bench/run.py --files 6000 --repeat 5
    python bench/run.py --corpus DIR         # an existing corpus (from generate_corpus.py)

palette-lint runs every rule and writes SARIF to /dev/null. check-jsonschema validates the same files with
the project's schemas: OS-layer values with schemas/os-layer.json, user-data with schemas/user-data.json and
whole profiles with schemas/profile.json. Each tool is timed as a subprocess (start-up included), best of
``--repeat`` runs, and reported in files per second.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SCHEMAS = REPO / "schemas"
#: The schema check-jsonschema uses for each kind of file in the corpus manifest.
SCHEMA_FOR_KIND = {"os-layer": SCHEMAS / "os-layer.json", "user-data": SCHEMAS / "user-data.json",
                   "profile": SCHEMAS / "profile.json"}
NOW = "2026-06-01T12:00:00Z"

sys.path.insert(0, str(BENCH))
import generate_corpus  # noqa: E402  (a sibling script, not a package)


def _check_jsonschema() -> list[str]:
    beside = Path(sys.executable).parent / "check-jsonschema"
    found = str(beside) if beside.exists() else shutil.which("check-jsonschema")
    if not found:
        sys.exit("bench: check-jsonschema is not installed; pip install 'palette-lint[bench]'")
    return [found]


def _time(command: Sequence[str], cwd: Path, ok: Sequence[int]) -> float:
    started = time.perf_counter()
    result = subprocess.run(list(command), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode not in ok:
        sys.exit(f"bench: {Path(command[0]).name} ... exited {result.returncode}:\n{result.stderr[-2000:]}")
    return elapsed


def _best(command: Sequence[str], cwd: Path, ok: Sequence[int], repeat: int) -> float:
    return min(_time(command, cwd, ok) for _ in range(repeat))


def _manifest(corpus: Path) -> dict[str, list[str]]:
    path = corpus / "MANIFEST.json"
    if not path.is_file():
        sys.exit(f"bench: {path} is missing; generate the corpus with bench/generate_corpus.py")
    manifest: dict[str, list[str]] = json.loads(path.read_text(encoding="utf-8"))
    return manifest


def run(corpus: Path, repeat: int) -> None:
    missing = [str(p) for p in SCHEMA_FOR_KIND.values() if not p.is_file()]
    if missing:
        sys.exit(f"bench: schema files are missing: {', '.join(missing)}")
    manifest = _manifest(corpus)
    total_files = sum(len(files) for files in manifest.values())
    total_bytes = sum((corpus / f).stat().st_size for files in manifest.values() for f in files)
    print(f"corpus: {corpus}")
    print(f"  {total_files} files, {total_bytes / 1e6:.1f} MB: "
          + ", ".join(f"{len(files)} {kind}" for kind, files in manifest.items()))
    print(f"  best of {repeat} run(s) each, subprocess start-up included\n")

    lint = [sys.executable, "-m", "linter", "check", "--format", "sarif", "--output", os.devnull, "--now", NOW,
            "."]
    lint_seconds = _best(lint, corpus, (0, 1), repeat)

    checker = _check_jsonschema()
    schema_seconds = 0.0
    rows = []
    for kind, files in manifest.items():
        if not files:
            continue
        schema = SCHEMA_FOR_KIND[kind]
        command = [*checker, "--schemafile", str(schema), "--default-filetype", "yaml", *files]
        seconds = _best(command, corpus, (0, 1), repeat)
        schema_seconds += seconds
        rows.append((f"check-jsonschema {schema.relative_to(REPO)}", len(files), seconds))

    width = max(len(name) for name, _n, _s in rows) + 2
    print(f"{'palette-lint check (all rules, SARIF)':<{width}} {total_files:>6} files {lint_seconds:7.2f} s "
          f"{total_files / lint_seconds:9.0f} files/s")
    for name, count, seconds in rows:
        print(f"{name:<{width}} {count:>6} files {seconds:7.2f} s {count / seconds:9.0f} files/s")
    print(f"{'check-jsonschema, all schemas':<{width}} {total_files:>6} files {schema_seconds:7.2f} s "
          f"{total_files / schema_seconds:9.0f} files/s")
    ratio = (total_files / lint_seconds) / (total_files / schema_seconds)
    print(f"\nratio (palette-lint files/s / check-jsonschema files/s): {ratio:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, help="an existing corpus directory (default: generate one)")
    parser.add_argument("--files", type=int, default=3000, help="files to generate (default: 3000)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default: 1)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool; the best is reported (default: 3)")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpus and print where it is")
    args = parser.parse_args(argv)
    if args.corpus is not None:
        run(args.corpus.resolve(), args.repeat)
        return 0
    directory = Path(tempfile.mkdtemp(prefix="palette-lint-bench-"))
    try:
        generate_corpus.generate(directory, args.files, args.seed)
        run(directory, args.repeat)
    finally:
        if args.keep:
            print(f"\ncorpus kept in {directory}")
        else:
            shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
