"""One ``palette-lint verify`` run: the same discovery, readers and clusters as ``check``, then the registries
and provider images the files name (:mod:`linter.verify.targets`), checked over the network
(:mod:`linter.verify.checks`), the observations given to the verify rules (``rules/verify/``), and their issues
located, stamped and redacted by the engine's own collector, into one immutable :class:`~linter.model.Run` that
the existing formatters render."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Optional

from msgspec import Struct, field

from linter import __version__
from linter.config.load import Config
from linter.document import Document
from linter.engine.checks import apply_rule
from linter.engine.clusters import group_clusters
from linter.engine.contract import RuleContext
from linter.engine.discover import discover, find_root, is_excluded, relative_path
from linter.engine.findings import FindingCollector
from linter.inputs.admission import NOT_PALETTE, admit
from linter.inputs.decode import read_source
from linter.inputs.reader import ParsedFile
from linter.model import Notice, Rule, Run, Severity
from linter.redact import Secrets, redact_run
from linter.verify.checks import check_all
from linter.verify.macro_values import MacroValues
from linter.verify.observations import GAP, IMAGE, REGISTRY, Observation
from linter.verify.targets import Targets, find_targets
from linter.yaml.composer import YamlParser

DEFAULT_TIMEOUT = 10.0


class VerifyRequest(Struct, frozen=True):
    """What one verify run is asked to do."""

    paths: tuple[str, ...]
    config: Config = field(default_factory=Config)
    macros: MacroValues = field(default_factory=MacroValues)
    platform: str = "linux/amd64"  # the edge host's
    timeout: float = DEFAULT_TIMEOUT  # seconds, for each connection and each answer
    fail_on: Optional[Severity] = Severity.ERROR
    root: Optional[Path] = None


def read_files(request: VerifyRequest, notices: list[Notice], secrets: set[str]) -> list[ParsedFile]:
    """The Palette files of the request's paths, read and parsed as ``check`` reads them. A file that cannot be
    linted is a notice here (``check`` reports why); its secret values are collected all the same."""
    config = request.config
    root = request.root or find_root(Path.cwd())
    parser = YamlParser()
    found: list[ParsedFile] = []
    for candidate in discover(request.paths, lambda path: is_excluded(path, config), root, notices):
        read = read_source(candidate.absolute, relative_path(candidate.absolute, root), candidate.display)
        admission = admit(parser, read, candidate.explicit, candidate.absolute)
        secrets.update(admission.secrets)
        if admission.parsed is not None:
            found.append(admission.parsed)
        elif admission.not_palette and candidate.explicit:
            notices.append(Notice(NOT_PALETTE, path=candidate.display, level="warning"))
        elif admission.reported:
            notices.append(Notice("cannot be read or does not parse, so it was not verified; `palette-lint check` "
                                  "says why", path=candidate.display, level="warning"))
    return found


def observe(targets: Targets, platform: str, timeout: float) -> list[Observation]:
    """Every registry and image of ``targets`` checked, and every gap, as observations."""
    registry_outcomes, image_outcomes = check_all(targets.registries, targets.images, timeout)
    observations = [Observation(GAP, gap=gap, platform=platform) for gap in targets.gaps]
    observations += [Observation(REGISTRY, registry=r, outcome=registry_outcomes[id(r)], platform=platform)
                     for r in targets.registries]
    observations += [Observation(IMAGE, registry=i.registry, outcome=registry_outcomes[id(i.registry)], image=i,
                                 image_outcome=image_outcomes[id(i)], platform=platform) for i in targets.images]
    return observations


def _anchor(observation: Observation) -> Document:
    if observation.gap is not None:
        return observation.gap.place.doc
    if observation.image is not None:
        return observation.image.place.doc
    assert observation.registry is not None
    return observation.registry.place.doc


def verify(request: VerifyRequest, rules: Iterable[Rule]) -> Run:
    """Verify the request's files against their registries: one Run of the verify rules' findings."""
    rules = sorted(rules, key=lambda r: r.id)
    notices: list[Notice] = []
    secrets: set[str] = set(request.macros.secrets())
    files = read_files(request, notices, secrets)
    targets = find_targets(group_clusters(files, request.config), request.macros)
    secrets.update(r.credentials.password for r in targets.registries if r.credentials is not None)
    if not targets.registries and not targets.images and not targets.gaps:
        notices.append(Notice("no provider image or registry credentials to verify in these files"))
    observations = observe(targets, request.platform, request.timeout)
    catalogue = {rule.id: rule for rule in rules}
    collector = FindingCollector(request.config, catalogue, set(catalogue))
    for parsed in files:
        collector.sources[parsed.source.path] = parsed.source
    context = RuleContext()
    checking = [rule for rule in rules if rule.scope == "verify"]
    for observation in observations:
        for rule in checking:
            apply_rule(rule, _anchor(observation), collector,
                       lambda: rule.check(observation, context))  # noqa: B023 (called at once)
    findings = collector.stamp_line_hashes(collector.finish())
    run = Run(findings=findings, rules=tuple(rules), files_checked=len(files), notices=tuple(notices),
              tool_version=__version__, fail_on=request.fail_on)
    return redact_run(run, Secrets(secrets))
