"""The documented input limits (docs/usage.md, "Limits"): each is reached quickly, reported as a PAL000 finding that
names the limit, and leaves the other files of the run linted. Sizes just under a limit are linted normally."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from linter.inputs.decode import MAX_FILE_BYTES
from linter.yaml.composer import MAX_DEPTH, MAX_EXPANDED_NODES

OTHER = "providerCredentials:\n  user: edge\n  user: admin\n"  # a duplicate key at 3:3


def lint(directory: Path, *names: str, timeout: float = 60) -> tuple[subprocess.CompletedProcess[str], float]:
    (directory / "other.yaml").write_text(OTHER, encoding="utf-8")
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "linter", "check", *names, "other.yaml"], cwd=directory,
                            capture_output=True, text=True, timeout=timeout)
    elapsed = time.monotonic() - started
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    assert "other.yaml:3:3: error PAL001" in result.stdout, "the other file must still be linted"
    return result, elapsed


def test_a_100000_key_map_is_linted_in_bounded_time(tmp_path: Path) -> None:
    lines = ["options:", "  system.uri: registry.example.com/os:1"]
    lines += [f"key{i}: value-{i}" for i in range(100_000)]
    lines += ["key7: again"]  # a duplicate at the very end proves the whole file was read
    (tmp_path / "wide.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result, elapsed = lint(tmp_path, "wide.yaml")
    assert elapsed < 20, f"took {elapsed:.1f}s"
    assert f"wide.yaml:{len(lines)}:1: error PAL001 duplicate key 'key7'" in result.stdout, result.stdout


def test_more_values_than_the_node_limit_is_refused_without_blaming_aliases(tmp_path: Path) -> None:
    count = MAX_EXPANDED_NODES + 10
    text = "options:\n  system.uri: a.io/b:1\nlist: [" + ",".join("1" for _ in range(count)) + "]\n"
    assert len(text.encode()) < MAX_FILE_BYTES
    (tmp_path / "many.yaml").write_text(text, encoding="utf-8")
    result, elapsed = lint(tmp_path, "many.yaml")
    assert elapsed < 20, f"took {elapsed:.1f}s"
    mine = [line for line in result.stdout.splitlines() if line.startswith("many.yaml:")]
    assert len(mine) == 1 and "error PAL000" in mine[0], result.stdout
    assert f"more than {MAX_EXPANDED_NODES:,} values in one document" in mine[0]
    assert "alias" not in mine[0]


def test_10000_deep_nesting_is_refused_at_the_depth_limit(tmp_path: Path) -> None:
    (tmp_path / "deep.yaml").write_text("providerCredentials: " + "[" * 10_000 + "]" * 10_000 + "\n",
                                        encoding="utf-8")
    (tmp_path / "deep-map.yaml").write_text("providerCredentials: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n",
                                            encoding="utf-8")
    result, elapsed = lint(tmp_path, "deep.yaml", "deep-map.yaml")
    assert elapsed < 20, f"took {elapsed:.1f}s"
    for name in ("deep.yaml", "deep-map.yaml"):
        mine = [line for line in result.stdout.splitlines() if line.startswith(name + ":")]
        assert len(mine) == 1 and f"nesting deeper than {MAX_DEPTH} levels" in mine[0], result.stdout


def test_a_50_megabyte_file_is_refused_by_size_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:  # sparse: the size check must not need to read it
        handle.write(b"providerCredentials:\n  user: edge\n")
        handle.truncate(50 * 1024 * 1024)
    result, elapsed = lint(tmp_path, "huge.yaml")
    assert elapsed < 10, f"took {elapsed:.1f}s"
    assert f"huge.yaml:1:1: error PAL000 file is {50 * 1024 * 1024:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit" \
        in result.stdout, result.stdout
