"""Where the configuration comes from: ``pyproject.toml``'s ``[tool.palette-lint]``, ``extends`` chains and
their merge, ``per-file-ignores``, rule names checked against the catalogue, and positioned errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.config.files import toml_position
from linter.config.load import Config, ConfigError, RuleConfig, check_rule_names, find_config, load_config
from linter.engine.rule_loader import load_rules
from linter.model import Severity
from linter.resources import rules_dir
from linter.validation.store import SchemaStore
from linter.yaml.composer import YamlParser
from tests.helpers import run_paths

CATALOGUE = load_rules([rules_dir()])
ECR_VALUES = """\
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: 123456789012.dkr.ecr.us-east-1.amazonaws.com
  user: AWS
  password: '{{.spectro.macro.ECR_LOGIN_PASSWORD}}'
options:
  system.uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
"""


def _load(path: Path):
    return load_config(path, YamlParser(), SchemaStore(), allow_rule_dirs=True)


def _error(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        check_rule_names(_load(path), CATALOGUE)
    return str(caught.value)


# ---- pyproject.toml -------------------------------------------------------------------------------------

PYPROJECT = """\
[project]
name = "edge-fleet"

[tool.palette-lint]
select = ["PAL0", "PAL1"]
fail-on = "warning"
now = 2026-06-01

[tool.palette-lint.rules]
PAL103 = "error"
token-auth-registry = { severity = "warning" }

[tool.palette-lint.per-file-ignores]
"legacy/**" = ["PAL106"]

[[tool.palette-lint.clusters]]
name = "store"
files = ["sites/store/**"]
"""


def test_pyproject_table_is_found_and_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (tmp_path / "sites").mkdir()
    found = find_config(tmp_path / "sites")
    assert found == tmp_path / "pyproject.toml"
    config = _load(found)
    assert config.select == ("PAL0", "PAL1") and config.fail_on == "warning"
    assert config.now == "2026-06-01", "a TOML date becomes ISO 8601 text, as in YAML"
    assert config.rule_config("PAL103", "user-data-credentials-override").severity is Severity.ERROR
    assert config.rule_config("PAL106", "token-auth-registry").severity is Severity.WARNING
    assert [c.name for c in config.clusters] == ["store"]
    assert [(p.texts[0], ids) for p, ids in config.per_file_ignores] == [("legacy/**", ("PAL106",))]


def test_pyproject_without_the_table_is_not_a_configuration(tmp_path: Path) -> None:
    (tmp_path / ".palette-lint.yaml").write_text("ignore: [PAL001]\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "palette-lint-rules"\ndependencies = ["palette-lint"]\n')
    assert find_config(project) == tmp_path / ".palette-lint.yaml"


def test_yaml_file_wins_over_pyproject_in_the_same_directory(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (tmp_path / ".palette-lint.yaml").write_text("ignore: [PAL001]\n")
    assert find_config(tmp_path) == tmp_path / ".palette-lint.yaml"


@pytest.mark.parametrize("text, expected", [
    ('[tool.palette-lint]\nselect = ["PAL0"]\nfail-on = "loud"\n',
     'pyproject.toml:3:1: tool.palette-lint.fail-on: expected one of "error", "warning", "note", "never"'),
    ('[tool.palette-lint]\nselect = ["PAL0"]\nignored = ["PAL001"]\n',
     "pyproject.toml:3:1: tool.palette-lint: unknown key 'ignored' (did you mean 'ignore'?)"),
    ('[tool.palette-lint]\n\n[tool.palette-lint.rules]\nPAL001 = "loud"\n',
     "pyproject.toml:4:1: tool.palette-lint.rules.PAL001: does not match any allowed form"),
    ('[tool.palette-lint]\nrules = { PAL001 = "loud" }\n',
     "pyproject.toml:2:1: tool.palette-lint.rules.PAL001: does not match any allowed form"),
    ('[tool.palette-lint]\nselect = [PAL0]\n', "pyproject.toml:2:11: invalid TOML: Invalid value"),
    ('[tool.palette-lint]\nselect = "PAL0"\n',
     "pyproject.toml:2:1: tool.palette-lint.select: expected a list, found a string"),
])
def test_pyproject_errors_give_file_line_and_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str,
                                                 expected: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path / "pyproject.toml")
    assert str(caught.value) == expected


def test_pyproject_named_explicitly_needs_the_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    with pytest.raises(ConfigError, match=r"^pyproject.toml: no \[tool.palette-lint\] table"):
        _load(tmp_path / "pyproject.toml")


def test_toml_position_finds_headers_keys_and_array_tables() -> None:
    text = PYPROJECT
    assert toml_position(text, ("tool", "palette-lint", "fail-on")) == (6, 1)
    assert toml_position(text, ("tool", "palette-lint", "rules", "token-auth-registry", "severity")) == (11, 1)
    assert toml_position(text, ("tool", "palette-lint", "per-file-ignores", "legacy/**", 0)) == (14, 1)
    assert toml_position(text, ("tool", "palette-lint", "clusters", 0, "files", 0)) == (18, 1)
    assert toml_position(text, ("tool", "palette-lint", "clusters", 1)) == (4, 1)  # no second entry: the table
    assert toml_position(text, ("tool", "other")) is None


# ---- extends ------------------------------------------------------------------------------------------------

def test_extends_merges_base_first(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()  # one repository holds both: a configuration extends files of its repository only
    shared = tmp_path / "shared"
    (shared / "policy").mkdir(parents=True)
    (shared / "base.yaml").write_text(
        "ignore: [PAL107]\n"
        "exclude: [vendor]\n"
        "fail-on: warning\n"
        "rule-dirs: [policy]\n"
        "rules:\n"
        "  PAL103: {severity: error, limit: 3}\n"
        "  PAL104: warning\n"
        "per-file-ignores:\n"
        "  'legacy/**': [PAL106]\n"
        "  'old/**': [PAL101]\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".palette-lint.yaml").write_text(
        "extends: ../shared/base.yaml\n"
        "ignore: [PAL108]\n"
        "rules:\n"
        "  PAL103: warning\n"
        "  harbor-with-provider-registry: 'off'\n"
        "per-file-ignores:\n"
        "  'legacy/**': [PAL101]\n")
    config = _load(repo / ".palette-lint.yaml")
    assert config.ignore == ("PAL108",), "a list the extending file writes replaces the base's"
    assert list(config.exclude.texts) == ["vendor"], "a setting it does not write is the base's"
    assert config.fail_on == "warning"
    assert config.rule_dirs == ((shared / "policy").resolve(),), "rule-dirs are relative to the file writing them"
    assert config.root == repo.resolve(), "patterns are relative to the configuration the run found"
    pal103 = config.rule_config("PAL103", "user-data-credentials-override")
    assert pal103.severity is Severity.WARNING and dict(pal103.options) == {"limit": 3}, "merged setting by setting"
    pal104 = config.rule_config("PAL104", "harbor-with-provider-registry")
    assert pal104.enabled is False, "an entry keyed by name, written later, wins over the base's id entry"
    assert dict((p.texts[0], ids) for p, ids in config.per_file_ignores) == {"legacy/**": ("PAL101",),
                                                                        "old/**": ("PAL101",)}
    assert [s.path for s in config.sources] == [(repo / ".palette-lint.yaml").resolve(),
                                                (shared / "base.yaml").resolve()]


def test_extends_a_pyproject_and_chains(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.palette-lint]\nignore = ["PAL001"]\nfail-on = "note"\n')
    (tmp_path / "middle.yaml").write_text("extends: pyproject.toml\nfail-on: warning\n")
    (tmp_path / "top.yaml").write_text("extends: middle.yaml\n")
    config = _load(tmp_path / "top.yaml")
    assert config.ignore == ("PAL001",) and config.fail_on == "warning"
    assert [s.form for s in config.sources] == ["yaml", "yaml", "pyproject"]


def test_extends_cycle_is_a_positioned_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text("ignore: [PAL001]\nextends: b.yaml\n")
    (tmp_path / "b.yaml").write_text("extends: ./a.yaml\n")
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path / "a.yaml")
    assert str(caught.value) == "b.yaml:1:10: extends: cycle: a.yaml -> b.yaml -> a.yaml"
    (tmp_path / "a.yaml").write_text("extends: a.yaml\n")
    with pytest.raises(ConfigError, match=r"^a.yaml:1:10: extends: cycle: a.yaml -> a.yaml$"):
        _load(tmp_path / "a.yaml")


def test_extends_missing_or_invalid_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "top.yaml").write_text("select: [PAL0]\nextends: base.yaml\n")
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path / "top.yaml")
    assert str(caught.value) == "top.yaml:2:10: extends: file not found: 'base.yaml' (a path relative to this file)"
    (tmp_path / "base.yaml").write_text("rules:\n  PAL001: loud\n")
    with pytest.raises(ConfigError, match=r"^base.yaml:2:11: rules.PAL001: "):
        _load(tmp_path / "top.yaml")


# ---- rule names -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("select: [PAL0, PAL1O6]\n", ".palette-lint.yaml:1:16: select[1]: unknown rule selector 'PAL1O6'"),
    ("ignore:\n  - token-auth\n", ".palette-lint.yaml:2:5: ignore[0]: unknown rule selector 'token-auth'"),
    ("rules:\n  PAL1: warning\n", ".palette-lint.yaml:2:3: rules.PAL1: unknown rule 'PAL1'"),
    ("per-file-ignores:\n  'a/**': [PAL106, nope]\n",
     ".palette-lint.yaml:2:20: per-file-ignores[\"a/**\"][1]: unknown rule selector 'nope'"),
])
def test_unknown_rule_names_are_positioned_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str,
                                                  expected: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".palette-lint.yaml").write_text(text)
    assert _error(tmp_path / ".palette-lint.yaml").startswith(expected)


def test_unknown_rule_in_a_base_points_into_the_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "base.yaml").write_text("ignore: [PAL001, PAL9999]\n")
    (tmp_path / ".palette-lint.yaml").write_text("extends: base.yaml\n")
    assert _error(tmp_path / ".palette-lint.yaml").startswith("base.yaml:1:18: ignore[1]: unknown rule selector")


# ---- per-file-ignores ---------------------------------------------------------------------------------------

def test_per_file_ignores_suppress_as_external(tmp_path: Path) -> None:
    for directory in ("legacy/site-a", "sites/b"):
        (tmp_path / directory).mkdir(parents=True)
        (tmp_path / directory / "os-layer.yaml").write_text(ECR_VALUES)
    (tmp_path / ".palette-lint.yaml").write_text("per-file-ignores:\n  'legacy/**': [token-auth-registry]\n")
    run = run_paths([tmp_path], root=tmp_path, select=("PAL106",))
    by_path = {f.location.path: f for f in run.findings}
    assert by_path["sites/b/os-layer.yaml"].suppression is None
    suppressed = by_path["legacy/site-a/os-layer.yaml"].suppression
    assert suppressed is not None and suppressed.kind == "external"
    assert suppressed.justification.startswith("per-file-ignores 'legacy/**' in ")
    assert suppressed.location is not None
    assert (suppressed.location.path, suppressed.location.span.line) == (".palette-lint.yaml", 2)
    assert [f.location.path for f in run.active_findings] == ["sites/b/os-layer.yaml"]
    assert run.failed(), "the finding that is not suppressed still fails the run"


def test_per_file_ignores_patterns_are_relative_to_the_configuration(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "legacy").mkdir(parents=True)
    (project / "legacy" / "os-layer.yaml").write_text(ECR_VALUES)
    (project / ".palette-lint.yaml").write_text("per-file-ignores:\n  'legacy/*.yaml': [PAL1]\n")
    run = run_paths([project / "legacy"], root=tmp_path, select=("PAL106",))
    assert [f.location.path for f in run.findings] == ["project/legacy/os-layer.yaml"]
    assert run.findings[0].suppression is not None and not run.failed()


# ---- the examples of docs/configuration.md ----------------------------------------------------------------

def test_the_documented_configuration_examples_load(tmp_path: Path) -> None:
    """Both forms docs/configuration.md shows are valid configurations, and the TOML one says the same as the
    YAML one where they overlap."""
    import re

    readme = (Path(__file__).resolve().parent.parent / "docs" / "configuration.md").read_text(encoding="utf-8")
    yaml_text = re.search(r"```yaml\n(# \.palette-lint\.yaml\n.*?)```", readme, re.S).group(1)
    toml_text = re.search(r"```toml\n(\[tool\.palette-lint\]\n.*?)```", readme, re.S).group(1)
    repo = tmp_path / "repo"
    (repo / "shared").mkdir(parents=True)
    (repo / "shared" / "palette-lint-base.yaml").write_text("ignore: [PAL101]\n")
    (repo / "palette-rules").mkdir(parents=True)
    (repo / ".palette-lint.yaml").write_text(yaml_text)
    (repo / "pyproject.toml").write_text(toml_text)
    from_yaml, from_toml = _load(repo / ".palette-lint.yaml"), _load(repo / "pyproject.toml")
    for config in (from_yaml, from_toml):
        check_rule_names(config, CATALOGUE)
        assert config.ignore == ("PAL107",) and config.now == "2026-06-01"
        assert config.rule_config("PAL103", "user-data-credentials-override").severity is Severity.WARNING
        assert len(config.sources) == 2
    assert from_toml.settings["per-file-ignores"]["legacy/**"] == from_yaml.settings["per-file-ignores"]["legacy/**"]


# ---- errors and merging, stated one by one (linter/config/load.py) ------------------------------------------------

@pytest.mark.parametrize("text, git, expected", [
    ("extends: ../../outside.yaml\n", False, ".palette-lint.yaml:1:10: extends: '../../outside.yaml' is outside the "
     "configuration's folder (.): a configuration extends files of its own repository only"),
    ("extends: ../outside.yaml\n", True, ".palette-lint.yaml:1:10: extends: '../outside.yaml' is outside the "
     "repository (.): a configuration extends files of its own repository only"),
    ("rule-dirs: [../elsewhere]\n", False, ".palette-lint.yaml:1:13: rule-dirs[0]: '../elsewhere' is outside the "
     "configuration's folder (.): rule modules are loaded from inside it only"),
    ("rule-dirs: [policy]\n", False,
     ".palette-lint.yaml:1:13: rule-dirs[0]: directory not found: 'policy' (a path relative to this file)"),
    ("fail-on: 3\n", False, '.palette-lint.yaml:1:10: fail-on: expected one of "error", "warning", "note", "never"'),
    ("select: {PAL1: x}\n", False, ".palette-lint.yaml:1:1: select: expected a list, found a mapping"),
    ("rules:\n  PAL203: {days: soon}\n", False, ".palette-lint.yaml:2:12: rules.PAL203.days: expected a whole number"),
    ("rules:\n  certificate-expires-soon: {dayz: 3}\n", False,
     ".palette-lint.yaml:2:30: rules.certificate-expires-soon.dayz: unknown option for PAL203 "
     "(certificate-expires-soon) (did you mean 'days'?); its options: days"),
    ("select: [PAL1O6]\n", False, ".palette-lint.yaml:1:10: select[0]: unknown rule selector 'PAL1O6' (did you mean "
     "'PAL106'?): use an id such as PAL106, an id prefix such as PAL1, or a rule name; `palette-lint rules` lists "
     "them"),
    ("select: [zzzzzz]\n", False, ".palette-lint.yaml:1:10: select[0]: unknown rule selector 'zzzzzz': use an id "
     "such as PAL106, an id prefix such as PAL1, or a rule name; `palette-lint rules` lists them"),
    ("rules:\n  token-auth-registy: warning\n", False, ".palette-lint.yaml:2:3: rules.token-auth-registy: unknown "
     "rule 'token-auth-registy' (did you mean 'token-auth-registry'?): rules are keyed by a rule id (PAL106) or "
     "name (token-auth-registry)"),
    ("rules:\n  pal1066: warning\n", False, ".palette-lint.yaml:2:3: rules.pal1066: unknown rule 'pal1066' (did you "
     "mean 'PAL106'?): rules are keyed by a rule id (PAL106) or name (token-auth-registry)"),
    ("clusters:\n  - files: [a]\n    nme: x\n", False,
     ".palette-lint.yaml:3:5: clusters[0]: unknown key 'nme' (did you mean 'name'?)"),
])
def test_each_configuration_error_says_where_and_what(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str,
                                                      git: bool, expected: str) -> None:
    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    if git:
        (folder / ".git").mkdir()
    monkeypatch.chdir(folder)
    (folder / ".palette-lint.yaml").write_text(text)
    assert _error(folder / ".palette-lint.yaml") == expected


def test_a_valid_configuration_passes_the_rule_name_check(tmp_path: Path) -> None:
    (tmp_path / ".palette-lint.yaml").write_text("select: [PAL1]\nrules:\n  PAL106: warning\n"
                                                 "  PAL203: {severity: error, days: 10}\n")
    check_rule_names(_load(tmp_path / ".palette-lint.yaml"), CATALOGUE)  # no per-file-ignores: nothing raised


def test_with_rule_dirs_declined_an_unknown_rule_may_be_theirs_and_the_next_is_still_checked(tmp_path: Path) -> None:
    (tmp_path / "policy").mkdir()
    (tmp_path / ".palette-lint.yaml").write_text(
        "rule-dirs: [policy]\nrules:\n  PAL800: warning\n  PAL203: {dayz: 3}\n")
    config = load_config(tmp_path / ".palette-lint.yaml", YamlParser(), SchemaStore())
    assert config.rule_dirs == () and config.declined_rule_dirs == ((tmp_path / "policy").resolve(),)
    with pytest.raises(ConfigError, match=r"rules\.PAL203\.dayz: unknown option for PAL203"):
        check_rule_names(config, CATALOGUE)


def test_rule_entries_severity_off_and_options(tmp_path: Path) -> None:
    """``off`` disables a rule and keeps its options; a severity enables it; options alone leave both unset; an
    entry written later that sets only an option keeps the earlier severity and state."""
    (tmp_path / ".palette-lint.yaml").write_text(
        "rules:\n  PAL203: {severity: 'off', days: 5}\n  PAL202: error\n  PAL204: {days: 3}\n"
        "  PAL101: {severity: warning}\n  single-provider-registry: {option: 1}\n")
    config = _load(tmp_path / ".palette-lint.yaml")
    assert config.rule_config("PAL203", "certificate-expires-soon") == RuleConfig(None, False, (("days", 5),))
    assert config.rule_config("PAL202", "certificate-expired") == RuleConfig(Severity.ERROR, True, ())
    assert config.rule_config("PAL204", "x") == RuleConfig(None, None, (("days", 3),))
    assert config.rule_config("PAL101", "single-provider-registry") == RuleConfig(Severity.WARNING, True,
                                                                                  (("option", 1),))


def test_merged_settings_and_defaults(tmp_path: Path) -> None:
    """``extends`` itself is no setting of the merged configuration; clusters without a name are numbered from 1;
    Markdown is read only when ``markdown`` is true; the settings' files are known, and a setting no file wrote
    has no origin."""
    (tmp_path / "base.yaml").write_text("fail-on: note\n")
    (tmp_path / ".palette-lint.yaml").write_text(
        "extends: base.yaml\nclusters:\n  - files: [a/**]\n  - name: store\n    files: [b/**]\n  - files: [c/**]\n")
    config = load_config(tmp_path / ".palette-lint.yaml", YamlParser(), SchemaStore())
    assert "extends" not in config.settings
    assert [c.name for c in config.clusters] == ["cluster-1", "store", "cluster-3"]
    assert config.markdown is False and config.declined_rule_dirs == ()
    assert config.origin(()) is None and config.origin(("select",)) is None
    assert str(config.error(("select",), "no file wrote it")) == "no file wrote it"
    assert load_config(None, YamlParser(), SchemaStore()) == Config()
    (tmp_path / "base.yaml").write_text("markdown: true\n")
    assert load_config(tmp_path / ".palette-lint.yaml", YamlParser(), SchemaStore()).markdown is True


def test_a_configuration_above_the_repository_is_not_found(tmp_path: Path) -> None:
    (tmp_path / ".palette-lint.yaml").write_text("ignore: [PAL001]\n")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "sites").mkdir()
    assert find_config(tmp_path / "repo" / "sites") is None
    assert find_config(tmp_path / "elsewhere.yaml") == tmp_path / ".palette-lint.yaml"


def test_deployed_and_new_patterns_and_rule_dirs_allowed_or_declined(tmp_path: Path) -> None:
    (tmp_path / "policy").mkdir()
    (tmp_path / ".palette-lint.yaml").write_text("deployed: [sites/**]\nnew: [staging/**]\nrule-dirs: [policy]\n")
    allowed = load_config(tmp_path / ".palette-lint.yaml", YamlParser(), SchemaStore(), allow_rule_dirs=True)
    declined = load_config(tmp_path / ".palette-lint.yaml", YamlParser(), SchemaStore())
    assert (allowed.deployed.texts, allowed.new.texts) == (("sites/**",), ("staging/**",))
    assert (allowed.rule_dirs, allowed.declined_rule_dirs) == (((tmp_path / "policy").resolve(),), ())
    assert (declined.rule_dirs, declined.declined_rule_dirs) == ((), ((tmp_path / "policy").resolve(),))
    assert _load_defaults(tmp_path).deployed.texts == ()


def _load_defaults(tmp_path: Path):
    (tmp_path / "empty").mkdir(exist_ok=True)
    (tmp_path / "empty" / ".palette-lint.yaml").write_text("ignore: []\n")
    return load_config(tmp_path / "empty" / ".palette-lint.yaml", YamlParser(), SchemaStore())
