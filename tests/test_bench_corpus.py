"""The benchmark's corpus generator (bench/generate_corpus.py): the same seed gives the same bytes, and every
file is the kind palette-lint classifies it as. A test of the generator only; nothing here is timed."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator

import pytest
from cryptography import x509

from linter.inputs import read_file
from linter.inputs.decode import read_source
from linter.yaml.composer import YamlParser

BENCH = Path(__file__).resolve().parent.parent / "bench"
FILES = 120
_PEM = re.compile(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", re.DOTALL)


@pytest.fixture(scope="module")
def generator() -> Iterator[ModuleType]:
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(BENCH))  # the generator imports its sibling corpus_certificates.py
        spec = importlib.util.spec_from_file_location("generate_corpus", BENCH / "generate_corpus.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        patch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up while it loads
        spec.loader.exec_module(module)
        yield module


@pytest.fixture(scope="module")
def corpus(generator: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("corpus")
    return root, generator.generate(root, generator.Mix().scaled(FILES), seed=7)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_the_same_bytes(generator: ModuleType, corpus: tuple[Path, dict[str, Any]],
                                        tmp_path: Path) -> None:
    root, manifest = corpus
    again = generator.generate(tmp_path / "again", generator.Mix().scaled(FILES), seed=7)
    assert again == manifest
    assert _tree(tmp_path / "again") == _tree(root)
    generator.generate(tmp_path / "other", generator.Mix().scaled(FILES), seed=8)
    assert _tree(tmp_path / "other") != _tree(root)


def test_default_mix_is_the_reference_corpus(generator: ModuleType) -> None:
    mix = generator.Mix()
    assert (mix.os_layers, mix.installer_user_data + mix.site_user_data) == (2000, 500)
    for files in (1, 7, 100, 1000, 10000):
        assert generator.Mix().scaled(files).total == files
    assert generator.Mix().scaled(10000).os_layers == pytest.approx(10000 * 2000 / mix.total, abs=1)


@pytest.fixture(scope="module")
def faulty_corpus(generator: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """Every file with a problem, so that each problem's claim (the file parses or not) is checked."""
    root = tmp_path_factory.mktemp("faulty")
    return root, generator.generate(root, generator.Mix().scaled(FILES), seed=7, faulty_share=1.0)


@pytest.mark.parametrize("which", ["corpus", "faulty_corpus"])
def test_manifest_kinds_are_palette_lints_kinds(which: str, request: pytest.FixtureRequest) -> None:
    root, manifest = request.getfixturevalue(which)
    files = manifest["files"]
    on_disk = {p.relative_to(root).as_posix() for p in (root / "sites").rglob("*") if p.is_file()}
    assert on_disk == set(files)
    assert {path for paths in manifest["kinds"].values() for path in paths} == set(files)
    parser = YamlParser()
    seen: dict[str, set[str]] = {}
    for path, entry in files.items():
        source, failure, _ = read_source(str(root / path), path, path)
        assert source is not None and failure is None, path
        parsed = read_file(parser, source, explicit=True)
        if entry["parses"]:
            assert parsed.documents and parsed.documents[0].kind == entry["kind"], (path, entry)
        else:  # a parse error: the file fails, or (an error palette-lint can mask) reports it and lints on
            recovered = any(doc.problems and doc.masked for doc in parsed.documents)
            assert (not parsed.documents and parsed.failures) or recovered, (path, entry)
        assert path in manifest["kinds"][entry["kind"]]
        seen.setdefault(entry["role"], set()).add(entry["kind"])
    assert seen == {"os-layer": {"os-layer"}, "infra-profile": {"profile", "terraform"},
                    "addon-profile": {"profile"}, "installer-user-data": {"user-data"},
                    "site-user-data": {"user-data"}}
    assert any(not e["parses"] for e in files.values()) and any(e["problem"] and e["parses"] for e in files.values())


def test_files_are_1_to_8_kb_and_a_third_carry_real_certificates(generator: ModuleType,
                                                                  corpus: tuple[Path, dict[str, Any]]) -> None:
    root, manifest = corpus
    now = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone.utc)
    assert manifest["now"] == "2026-06-01T12:00:00Z"
    certificates: list[x509.Certificate] = []
    for path, entry in manifest["files"].items():
        raw = (root / path).read_bytes()
        assert generator.MIN_BYTES <= len(raw) <= generator.MAX_BYTES, path
        text = raw.decode("utf-8")
        if entry["format"] == "json":
            text = text.replace("\\n", "\n")
        blocks = [re.sub(r"\n[ \t]+", "\n", block) for block in _PEM.findall(text)]
        assert bool(blocks) == entry["pem"], path
        certificates.extend(x509.load_pem_x509_certificate(block.encode("ascii")) for block in blocks)
    share = sum(1 for e in manifest["files"].values() if e["pem"]) / len(manifest["files"])
    assert 0.2 < share < 0.45
    is_ca = [c.extensions.get_extension_for_class(x509.BasicConstraints).value.ca for c in certificates]
    assert any(is_ca) and not all(is_ca)
    leaves = [c for c, ca in zip(certificates, is_ca) if not ca]
    assert all(c.extensions.get_extension_for_class(x509.SubjectAlternativeName).value for c in leaves)
    assert any(c.not_valid_after_utc < now for c in certificates)
    assert any(c.not_valid_before_utc <= now <= c.not_valid_after_utc for c in certificates)


def test_manifest_is_json_on_disk(corpus: tuple[Path, dict[str, Any]]) -> None:
    root, manifest = corpus
    assert json.loads((root / "MANIFEST.json").read_text(encoding="utf-8")) == manifest
