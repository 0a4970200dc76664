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


# ---- linear time: inputs that took minutes when a scan was quadratic ------------------------------------------

#: Each was measured before the scans were made linear: 237 s, 60 s, 107 s (and 700 MB), 47 s, 18 s at a
#: quarter of its size here. Bounded now to a few seconds, start-up included.
QUADRATIC_BEFORE = {
    # an unterminated flow sequence and a long run of letters, in a file that mentions a token (the raw-text
    # scan for secrets read the key before every separator with a backtracking pattern)
    "flow-and-letters.yaml": "token: x\nproviderCredentials:\n  registry: [" + "a" * 80_000 + "\n",
    # a quote and 40 KB of '{{' (each '{{' opened a macro scanned to the end of the text)
    "braces.yaml": "providerCredentials:\n  password: '" + "{{" * 20_000 + "\n",
    # a 600,000-character password (the redaction pattern grew a string a character at a time)
    "cjk-password.yaml": "providerCredentials:\n  registry: h.example.com\n  password: " + "漢" * 600_000 + "\n",
    # 1.4 MB of BEGIN PRIVATE KEY lines (each looked for an END line to the end of the text)
    "private-key-lines.yaml": "providerCredentials:\n  certificates: |\n" + "    -----BEGIN PRIVATE KEY-----\n" * 50_000,
    # a URL whose user information is a long run of ':' and '@'
    "url.yaml": "options:\n  system.uri: 'https://" + "a:" * 20_000 + "@" * 40_000 + "'\n",
    # many '.spectro.' after a single brace (the malformed-macro scan backtracked over each)
    "spectro.yaml": "providerCredentials:\n  password: '{" + " " * 40_000 + ".spectro." * 10_000 + "'\n",
}


def test_hostile_inputs_are_linted_in_linear_time(tmp_path: Path) -> None:
    for name, text in QUADRATIC_BEFORE.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        result, elapsed = lint(tmp_path, "--no-cache", "--file-time-limit", "0", name, timeout=60)
        assert elapsed < 10, f"{name} took {elapsed:.1f}s"
        assert result.returncode in (1, 2), result.stdout + result.stderr
        assert "漢漢漢" not in result.stdout + result.stderr, "a secret is never printed"


def test_a_file_past_the_time_limit_is_a_finding_and_the_others_are_linted(tmp_path: Path) -> None:
    lines = ["options:", "  system.uri: registry.example.com/os:1"] + [f"  k{i}: v{i}" for i in range(150_000)]
    (tmp_path / "slow.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result, elapsed = lint(tmp_path, "--no-cache", "--file-time-limit", "0.1", "slow.yaml")
    assert result.returncode == 1
    assert "slow.yaml:1:1: error PAL000 reading and checking the file took more than 0.1 s, the limit" \
        in result.stdout, result.stdout
    assert elapsed < 10
