"""The command line: the only module that prints or exits.

Exit codes: 0 no finding at or above the fail threshold; 1 findings at or above it; 2 usage, configuration or
internal error (a bad option, an unreadable configuration, a missing path, a rule that crashed).
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Optional

import click

from linter import __version__
from linter.engine.budget import DEFAULT_FILE_SECONDS
from linter.model import Severity
from linter.output import FORMATTERS
from linter.output.targets import ReportTarget, TargetType, plan_targets
from linter.validation.store import SCHEMA_NAMES

if TYPE_CHECKING:  # pragma: no cover
    from linter.changes.baseline import Baseline
    from linter.config.load import Config
    from linter.config.resolver import ConfigResolver

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMAT_NAMES = tuple(FORMATTERS)


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for value in values:
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return tuple(out)


def _fail(*messages: str) -> NoReturn:
    """Print each message as one ``palette-lint: error:`` line on standard error, and exit 2."""
    from linter.output.escape import one_line
    from linter.redact import redact

    for message in messages:
        click.echo(f"palette-lint: error: {one_line(redact(message))}", err=True)
    sys.exit(EXIT_ERROR)


def _notice_text(notice: Any) -> str:
    """A notice (or a plain text) as one line of standard error."""
    from linter.output.escape import one_line

    if isinstance(notice, str):
        return one_line(notice)
    return one_line(f"{notice.path}: {notice.message}" if notice.path else notice.message)


def use_colour(choice: str, stream: Any) -> bool:
    """Whether to colour what goes to ``stream``: ``--color always|never``, else NO_COLOR (no-color.org) turns it
    off, FORCE_COLOR (set and not 0) turns it on, and otherwise a terminal gets colour."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "0") not in ("", "0"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


class ProgressLine:
    """A one-line progress indicator on a terminal, drawn only once a run has taken more than DELAY seconds."""

    DELAY = 1.0

    def __init__(self, stream: Any) -> None:
        import time

        self._clock = time.monotonic
        self.stream = stream
        self.started = self._clock()
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        if self._clock() - self.started < self.DELAY or done >= total:
            return
        self.stream.write(f"\rpalette-lint: {done:,} of {total:,} files linted")
        self.stream.flush()
        self.drawn = True

    def clear(self) -> None:
        if self.drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _parse_now(text: str) -> _dt.datetime:
    try:
        value = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{text!r} is not an ISO 8601 date or date-time") from None
    return value if value.tzinfo else value.replace(tzinfo=_dt.timezone.utc)


def config_options(default_help: str) -> Any:
    """The options that say which configuration files a command reads: --config, --isolated and
    --allow-rule-dirs. ``default_help`` says which file is read without --config."""

    def decorate(command: Any) -> Any:
        command = click.option(
            "--allow-rule-dirs", is_flag=True,
            help="Import the rule modules of the configuration's rule-dirs: code from the repository, so only "
                 "for repositories you trust (a --config FILE you name loads its rule-dirs without this).")(command)
        command = click.option("--isolated", is_flag=True,
                               help="Read no configuration file: built-in defaults and the command line only.")(command)
        return click.option("--config", "config_path", type=click.Path(dir_okay=False),
                            help=f"The configuration file to read ({default_help}).")(command)

    return decorate


def _configs(config_path: Optional[str], isolated: bool, allow_rule_dirs: bool) -> ConfigResolver:
    """The configurations a command reads, as the command line chose them; exits 2 on a contradiction."""
    from linter.config.resolver import ConfigChoice, ConfigResolver
    from linter.validation.store import SchemaStore
    from linter.yaml.composer import YamlParser

    if isolated and config_path:
        raise click.UsageError("--isolated reads no configuration file: it cannot be given with --config")
    if config_path and not Path(config_path).is_file():
        _fail(f"configuration file not found: {config_path}")
    choice = ConfigChoice(Path(config_path) if config_path else None, isolated, allow_rule_dirs)
    return ConfigResolver(choice, YamlParser(), SchemaStore())


def _load_project_config(resolver: ConfigResolver, target: str) -> Config:
    """The run's configuration: the one that governs ``target``; exits 2 when it cannot be used."""
    from linter.config.load import ConfigError

    try:
        return resolver.run_config(Path(target))
    except ConfigError as exc:
        _fail(str(exc))


def _declined_rule_dirs(resolver: ConfigResolver) -> None:
    """A warning for each configuration read whose rule-dirs were not loaded, and why."""
    for config in resolver.loaded:
        if not config.declined_rule_dirs:
            continue
        where = config.origin(("rule-dirs",))
        place = where.where(("rule-dirs",), "key") if where is not None else "rule-dirs"
        why = "their rules are code from the repository; pass --allow-rule-dirs to run them" \
            if resolver.is_run_config(config) else \
            "rule-dirs are read from the run's configuration only (the first path's, or --config)"
        click.echo(f"palette-lint: warning: {_notice_text(place)}: rule-dirs not loaded: {why}", err=True)


def _check_rule_names(configs: ConfigResolver, catalogue: list[Any]) -> None:
    """Check the configurations read so far, and those read later in the run, against the rules."""
    from linter.config.load import ConfigError

    try:
        configs.check_names_with(catalogue)
    except ConfigError as exc:
        _fail(str(exc))


def _load_catalogue(extra_dirs: tuple[Path, ...] = ()) -> list[Any]:
    from linter.engine.rule_loader import RuleLoadError, load_rules
    from linter.resources import rules_dir

    try:
        return load_rules((rules_dir(), *extra_dirs))
    except RuleLoadError as exc:
        _fail(str(exc))


def _verify_catalogue() -> list[Any]:
    """The rules of ``palette-lint verify`` (``rules/verify/``): listed and documented with the others, run only
    by ``verify``."""
    from linter.engine.contract import VERIFY_SCOPE
    from linter.engine.rule_loader import RuleLoadError, load_rules
    from linter.resources import verify_rules_dir

    try:
        return load_rules((verify_rules_dir(),), scopes=(VERIFY_SCOPE,))
    except RuleLoadError as exc:
        _fail(str(exc))


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", "-V", prog_name="palette-lint")
def cli() -> None:
    """Lint Spectro Cloud Palette Edge cluster profiles and EdgeForge user-data.

    palette-lint finds registry set-ups that Palette ignores or refuses (see "Deploy Cluster with a Private
    Provider Registry") and reports each at its line and column, as text, SARIF, JSON or a CI format.
    `check` never uses the network; `verify` checks the registries the files name.

    Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage, configuration or
    internal error.
    """


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "-f", "formats", type=TargetType(FORMAT_NAMES), multiple=True,
              help=f"Report format: {', '.join(FORMAT_NAMES)} (default: text). Repeat it for several reports in "
                   "one run; FORMAT=FILE writes that report to FILE, as in -f text -f sarif=palette-lint.sarif.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write the report of the format given without =FILE to this file instead of standard output.")
@click.option("--omit-suppressed", is_flag=True,
              help="Leave suppressed findings out of every report (GitHub code scanning ignores SARIF "
                   "suppressions and would show them as open alerts).")
@click.option("--skip-unknown", is_flag=True,
              help="Treat named files like files found in a directory: skip silently those that are not Palette "
                   "configuration and apply the configuration's exclude patterns (for pre-commit, which names "
                   "every staged YAML and JSON file).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "note", "never"]), default=None,
              help="Lowest severity that makes the exit code 1 (default: error, or the config's fail-on).")
@click.option("--select", multiple=True, metavar="RULES",
              help="Only these rules: ids (PAL106), id prefixes (PAL1) or names; comma-separated or repeated.")
@click.option("--ignore", multiple=True, metavar="RULES", help="Skip these rules (same forms as --select).")
@config_options("default: for each file, the nearest .palette-lint.yaml, or pyproject.toml with "
                "[tool.palette-lint], in its folder or above, up to the repository root")
@click.option("--now", metavar="DATE", help="Fix the clock (ISO 8601) for certificate checks.")
@click.option("--base-ref", metavar="REF",
              help="Compare with the merge base of REF and HEAD: run the change rules and mark findings new or "
                   "unchanged (default under pre-commit: its from/to refs, else HEAD).")
@click.option("--staged", is_flag=True,
              help="Lint the staged content (the git index) instead of the working tree; compared with HEAD "
                   "unless --base-ref is given.")
@click.option("--new-only", is_flag=True,
              help="Report and fail only on findings that are not in the base revision (needs a base).")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False), metavar="FILE",
              help="Accept the findings listed in FILE: they do not fail the run and text output omits them.")
@click.option("--write-baseline", type=click.Path(dir_okay=False, writable=True), metavar="FILE",
              help="Write every current finding to FILE (JSON, to review in git) and exit 0.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), metavar="N",
              help="Worker processes (default: one per core; small inputs, and runs with a base or a baseline, "
                   "are linted in one process).")
@click.option("--no-cache", is_flag=True,
              help="Do not read or write the result cache (.palette-lint-cache/ at the repository root).")
@click.option("--color", "color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour the text report: auto colours it on a terminal unless NO_COLOR is set, or when "
                   "FORCE_COLOR is set (CI logs).")
@click.option("--file-time-limit", "file_seconds", type=click.FloatRange(min=0), default=DEFAULT_FILE_SECONDS,
              show_default=True, metavar="SECONDS",
              help="Stop the work on a file that takes longer, and report it as PAL000 (0: no limit).")
@click.option("--markdown", is_flag=True,
              help="Also read the fenced yaml and json blocks of the Markdown files found in directories (.md files "
                   "named are always read). Needs the markdown extra.")
@click.option("--quiet", "-q", is_flag=True,
              help="Print the findings and errors only: no summary line, notes, warnings or progress.")
@click.option("--fix", "fix", is_flag=True,
              help="Write the safe fixes into the files, then report what remains.")
@click.option("--unsafe-fixes", is_flag=True,
              help="With --fix or --diff, apply the unsafe fixes too (they may change what the file does: "
                   "review them).")
@click.option("--diff", "diff", is_flag=True,
              help="Print the fixes as a unified diff and write nothing; exit 1 when there is something to fix.")
def check(paths: tuple[str, ...], formats: tuple[ReportTarget, ...], output: Optional[str],
          omit_suppressed: bool, skip_unknown: bool, fail_on: Optional[str], select: tuple[str, ...],
          ignore: tuple[str, ...], config_path: Optional[str], isolated: bool, allow_rule_dirs: bool,
          now: Optional[str], base_ref: Optional[str],
          staged: bool, new_only: bool, baseline_path: Optional[str], write_baseline: Optional[str],
          jobs: Optional[int], no_cache: bool, file_seconds: float, color: str, markdown: bool,
          quiet: bool, fix: bool = False, unsafe_fixes: bool = False, diff: bool = False) -> None:
    """Lint PATHS (files or directories; default: the current directory).

    Directories are walked for *.yaml, *.yml, *.json and files named user-data, skipping .git and the
    configuration's exclude patterns; the kind of each file is read from its content. A file named
    explicitly that is not a Palette file is reported and skipped (unless --skip-unknown).

    The report goes to standard output; errors, warnings and notes go to standard error, each line starting
    with "palette-lint:".

    Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it; 2 usage, configuration or
    internal error (a bad option, an unreadable configuration, a missing path, a report that cannot be
    written, a rule that crashed).
    """
    from linter.changes.history import request_from
    from linter.engine.pipeline import Engine
    from linter.engine.request import RunError, RunRequest
    from linter.engine.workers import WorkerDied
    from linter.output import render

    try:
        reports = plan_targets(formats, output)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    _check_fix_options(fix, unsafe_fixes, diff, staged, formats, output, write_baseline)
    targets = paths or (".",)
    configs = _configs(config_path, isolated, allow_rule_dirs)
    config = _load_project_config(configs, targets[0])
    threshold = Severity.ERROR if fail_on is None else None if fail_on == "never" else Severity.parse(fail_on)
    clock = _parse_now(now) if now else None
    if clock is None and config.now:
        try:
            clock = _parse_now(config.now)
        except click.BadParameter:
            _fail(f"{config.path}: now: not an ISO 8601 date or date-time")
    base = request_from(base_ref, staged, os.environ)
    if new_only and base is None:
        _fail("--new-only needs a base revision to compare with: give --base-ref REF (or run under pre-commit)")
    baseline = _read_baseline(baseline_path) if baseline_path else None
    engine = Engine(_load_catalogue(config.rule_dirs))
    _check_rule_names(configs, [*engine.catalogue, *_verify_catalogue()])
    from linter.engine.discover import find_root

    request = RunRequest(paths=targets, config=config, config_for=configs.governing,
                         select=_split(select) or None, ignore=_split(ignore),
                         fail_on=threshold, fail_on_fixed=fail_on is not None, now=clock, skip_unknown=skip_unknown, base=base, new_only=new_only,
                         baseline=baseline, jobs=jobs, cache_root=None if no_cache else find_root(Path.cwd()),
                         file_seconds=file_seconds, markdown=markdown)
    if request.opted_in:
        from linter.inputs.markdown import markdown_parser_available

        if not markdown_parser_available():
            _fail("reading Markdown needs markdown-it-py: install the markdown extra, "
                  "pip install 'palette-lint[markdown]'")
    for token in (*(request.select or ()), *request.ignore):
        from linter.config.load import did_you_mean
        from linter.engine.rule_loader import resolve

        if not resolve(token, engine.catalogue):
            names = [r.id for r in engine.catalogue] + [r.name for r in engine.catalogue]
            _fail(f"unknown rule selector {token!r}{did_you_mean(token, names)}: use an id such as PAL106, a "
                  "prefix such as PAL1, or a name")
    progress = None if quiet or not sys.stderr.isatty() else ProgressLine(sys.stderr)
    outcome = None
    try:
        if fix or diff:
            from linter.fix.loop import fix_until_stable

            outcome = fix_until_stable(lambda asked: engine.run(asked, progress), request, unsafe_fixes)
            run = outcome.run
        else:
            run = engine.run(request, progress)
    except RunError as exc:
        _fail(*exc.messages)
    except WorkerDied as exc:
        _fail(str(exc))
    finally:
        if progress is not None:
            progress.clear()
    if outcome is not None and diff:
        _print_diff(outcome, quiet)
    if outcome is not None:
        _write_fixes(outcome, quiet)
        from msgspec.structs import replace as _replace

        run = _replace(run, fixed=outcome.summary(written=True))
    colour = use_colour(color, sys.stdout)
    for report in sorted(reports, key=lambda r: r.path is None):  # files first, then standard output
        text = render(report.format, run, colour=colour and report.path is None, omit_suppressed=omit_suppressed,
                      summary=not quiet)
        if report.path is None:
            click.echo(text, nl=False, color=colour)  # click strips colour from a pipe unless told
            continue
        try:
            Path(report.path).write_text(text, encoding="utf-8")
        except OSError as exc:
            _fail(f"cannot write {report.path}: {(exc.strerror or str(exc)).lower()}")
    if write_baseline:
        from linter.changes.baseline import baseline_findings, dump_baseline
        from linter.redact import redact

        accepted = baseline_findings(run.findings, run.comparison)
        try:
            Path(write_baseline).write_text(redact(dump_baseline(accepted), run.secrets), encoding="utf-8")
        except OSError as exc:
            _fail(f"cannot write {write_baseline}: {(exc.strerror or str(exc)).lower()}")
        click.echo(f"palette-lint: wrote {len(accepted)} finding{'s' if len(accepted) != 1 else ''} to "
                   f"{write_baseline}", err=True)
    if not quiet:
        _declined_rule_dirs(configs)
    for notice in run.notices:
        if notice.level == "error" or not quiet:
            click.echo(f"palette-lint: {notice.level}: {_notice_text(notice)}", err=True)
    if run.internal_errors or any(n.level == "error" for n in run.notices):
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if run.failed() and not write_baseline else EXIT_OK)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "-f", "formats", type=TargetType(FORMAT_NAMES), multiple=True,
              help=f"Report format: {', '.join(FORMAT_NAMES)} (default: text); repeat it, FORMAT=FILE writes "
                   "that report to FILE, as with check.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write the report of the format given without =FILE to this file instead of standard output.")
@click.option("--macros", "macros_path", type=click.Path(dir_okay=False), metavar="FILE",
              help="A YAML file of macro values (NAME: value, var.NAME: value, system.PATH: value). Values are "
                   "also read from the environment, PALETTE_MACRO_<NAME>, which wins; never from the command "
                   "line, and never printed.")
@click.option("--arch", default="amd64", show_default=True, metavar="ARCH",
              help="The edge hosts' architecture the provider image must hold: amd64, arm64, arm/v7, ... "
                   "(the OS is linux).")
@click.option("--timeout", type=click.FloatRange(min=0.1, max=300), default=10.0, show_default=True,
              metavar="SECONDS", help="The bound for each connection and each answer.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "note", "never"]), default=None,
              help="Lowest severity that makes the exit code 1 (default: error, or the config's fail-on).")
@click.option("--select", multiple=True, metavar="RULES", help="Only these verify rules (ids, prefixes or names).")
@click.option("--ignore", multiple=True, metavar="RULES", help="Skip these verify rules (same forms as --select).")
@config_options("default: the nearest one above the first path; its rules: severities, off included, apply "
                "to the verify rules")
def verify(paths: tuple[str, ...], formats: tuple[ReportTarget, ...], output: Optional[str],
           macros_path: Optional[str], arch: str, timeout: float, fail_on: Optional[str], select: tuple[str, ...],
           ignore: tuple[str, ...], config_path: Optional[str], isolated: bool, allow_rule_dirs: bool) -> None:
    """Check PATHS against the registries they name, over the network (check never does).

    For every OS layer's provider image and every registry in the user-data (external registries and
    mapping rules included): connect with TLS verified against the certificates given for that registry
    (else the system trust store), read the authentication challenge, log in with the files' user name and
    password, and check that the provider image exists where the edge host pulls it from, for its
    architecture. Credentials are only sent to the registry they name. The standard proxy variables
    (HTTPS_PROXY, NO_PROXY, ...) apply. Needs the verify extra: pip install 'palette-lint[verify]'.

    Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it; 2 usage, configuration or
    internal error.
    """
    from linter.verify import http_client_available

    if not http_client_available():
        _fail("palette-lint verify needs httpx: install the verify extra, pip install 'palette-lint[verify]'")
    from linter.engine.rule_loader import resolve
    from linter.model import INTERNAL_ERROR_ID
    from linter.output import render
    from linter.verify.macro_values import MacroFileError, MacroValues
    from linter.verify.run import VerifyRequest
    from linter.verify.run import verify as run_verify

    try:
        reports = plan_targets(formats, output)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    targets = paths or (".",)
    configs = _configs(config_path, isolated, allow_rule_dirs)
    config = _load_project_config(configs, targets[0])
    verify_rules = _verify_catalogue()
    check_rules = _load_catalogue(config.rule_dirs)
    _check_rule_names(configs, [*check_rules, *verify_rules])
    _declined_rule_dirs(configs)
    rules = [r for r in verify_rules if config.rule_config(r.id, r.name).enabled is not False]
    if select:
        chosen = {r.id for token in _split(select) for r in resolve(token, verify_rules)}
        rules = [r for r in rules if r.id in chosen]
    for token in (*_split(select), *_split(ignore)):
        if not resolve(token, verify_rules):
            _fail(f"unknown verify rule selector {token!r} (`palette-lint rules` lists the rules of scope verify)")
    ignored = {r.id for token in _split(ignore) for r in resolve(token, verify_rules)}
    rules = [r for r in rules if r.id not in ignored]
    rules += [r for r in check_rules if r.id == INTERNAL_ERROR_ID]
    try:
        macros = MacroValues.load(os.environ, macros_path)
    except MacroFileError as exc:
        _fail(str(exc))
    threshold_name = fail_on or config.fail_on or "error"
    threshold = None if threshold_name == "never" else Severity.parse(threshold_name)
    platform = arch.strip().lower()
    if not platform or any(not part.isalnum() for part in platform.split("/")) or platform.count("/") > 1:
        raise click.BadParameter(f"{arch!r} is not an architecture such as amd64, arm64 or arm/v7",
                                 param_hint="--arch")
    request = VerifyRequest(paths=targets, config=config, macros=macros, platform=f"linux/{platform}",
                            timeout=timeout, fail_on=threshold)
    run = run_verify(request, rules)
    terminal = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    for report in sorted(reports, key=lambda r: r.path is None):
        text = render(report.format, run, colour=terminal and report.path is None)
        if report.path is None:
            click.echo(text, nl=False)
            continue
        try:
            Path(report.path).write_text(text, encoding="utf-8")
        except OSError as exc:
            _fail(f"cannot write {report.path}: {(exc.strerror or str(exc)).lower()}")
    if run.internal_errors or any(n.level == "error" for n in run.notices):
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if run.failed() else EXIT_OK)


def _check_fix_options(fix: bool, unsafe_fixes: bool, diff: bool, staged: bool, formats: tuple[Any, ...],
                       output: Optional[str], write_baseline: Optional[str]) -> None:
    """Exit 2 on a combination of --fix, --unsafe-fixes and --diff that cannot be honoured."""
    if unsafe_fixes and not (fix or diff):
        raise click.UsageError("--unsafe-fixes applies with --fix or --diff")
    if fix and diff:
        raise click.UsageError("--diff shows the fixes without writing them: give --fix or --diff, not both")
    if (fix or diff) and staged:
        raise click.UsageError("--fix and --diff change the working tree, not the staged content: drop --staged")
    if diff and (formats or output or write_baseline):
        raise click.UsageError("--diff prints a diff instead of a report: it takes no --format, --output or "
                               "--write-baseline")


def _print_diff(outcome: Any, quiet: bool) -> NoReturn:
    """``--diff``: the fixes as a unified diff on standard output, every secret scrubbed; exit 1 when there is
    something to fix, else 0."""
    from linter.output.escape import one_line
    from linter.redact import redact

    text = redact(outcome.diff(), outcome.secrets)
    click.echo(text, nl=False)
    if not quiet:
        count = len(outcome.applied)
        files = len(outcome.changed)
        remain = len(outcome.run.active_findings)
        click.echo(f"palette-lint: would fix {count} problem{'s' if count != 1 else ''} in {files} "
                   f"file{'s' if files != 1 else ''}; {remain} would remain", err=True)
        for applied in outcome.applied:
            if applied.fix.note:
                click.echo(f"palette-lint: note: {_notice_text(applied.finding.location.display_path)}: "
                           f"{one_line(redact(applied.fix.note, outcome.secrets))}", err=True)
    sys.exit(EXIT_FINDINGS if outcome.changed else EXIT_OK)


def _write_fixes(outcome: Any, quiet: bool) -> None:
    """``--fix``: write the fixed files, and say what each applied fix leaves to do (the macro to create)."""
    from linter.output.escape import one_line
    from linter.redact import redact

    failed = outcome.write()
    if failed:
        _fail(*[f"cannot write the fixes to {path}" for path in failed])
    for applied in outcome.applied:
        if applied.fix.note and not quiet:
            click.echo(f"palette-lint: note: {_notice_text(applied.finding.location.display_path)}: "
                       f"{one_line(redact(applied.fix.note, outcome.secrets))}", err=True)


@cli.command(name="server")
@config_options("default: for each file, the nearest .palette-lint.yaml, or pyproject.toml with "
                "[tool.palette-lint], in its folder or above, up to the repository root")
@click.option("--now", metavar="DATE", help="Fix the clock (ISO 8601) for certificate checks.")
def server(config_path: Optional[str], isolated: bool, allow_rule_dirs: bool, now: Optional[str]) -> None:
    """Run the language server: LSP over standard input and output, for editors.

    Diagnostics are check's (the same rules, configuration and suppressions), on open, change and save, with
    the cluster of each file; code actions apply the fixes and add suppression comments; hover shows the
    rule's documentation. The configuration is found as check finds it, and its rule-dirs are imported only
    with --allow-rule-dirs or a --config FILE you name. Needs the server extra:
    pip install 'palette-lint[server]'.

    Exit codes: 0 the client ended the session; 2 the server extra is missing or an option is wrong.
    """
    from linter.server import available

    if not available():
        _fail("palette-lint server needs pygls: install the server extra, pip install 'palette-lint[server]'")
    if isolated and config_path:
        raise click.UsageError("--isolated reads no configuration file: it cannot be given with --config")
    if config_path and not Path(config_path).is_file():
        _fail(f"configuration file not found: {config_path}")
    clock = _parse_now(now) if now else None
    from linter.config.resolver import ConfigChoice
    from linter.server.protocol import build_server
    from linter.server.session import Session

    choice = ConfigChoice(Path(config_path) if config_path else None, isolated, allow_rule_dirs)
    language_server: Any = None

    def warn(message: str) -> None:
        from lsprotocol import types

        if language_server is not None:
            language_server.window_show_message(types.ShowMessageParams(
                type=types.MessageType.Warning, message=f"palette-lint: {message}"))

    session = Session(choice, warn)
    session.now = clock
    language_server = build_server(session)
    language_server.start_io()


def _read_baseline(path: str) -> Baseline:
    from linter.changes.baseline import BaselineError, parse_baseline

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"cannot read the baseline {path}: {(getattr(exc, 'strerror', None) or str(exc)).lower()}")
        raise AssertionError("unreachable")
    try:
        return parse_baseline(text, path)
    except BaselineError as exc:
        _fail(str(exc))
        raise AssertionError("unreachable")


CONFIG_FOR_RULES = config_options("default: the nearest one above the current directory; its rule-dirs add rules")


@cli.command(name="rules")
@click.option("--format", "-f", "output_format", type=click.Choice(["text", "markdown"]), default="text",
              show_default=True, help="A plain listing, or the Markdown table the README carries.")
@CONFIG_FOR_RULES
def list_rules(output_format: str, config_path: Optional[str], isolated: bool, allow_rule_dirs: bool) -> None:
    """List every rule: id, name, default severity, scope and summary.

    The built-in rules (those of scope verify run only in `palette-lint verify`) and those of the
    configuration's rule-dirs. Exit codes: 0 listed; 2 the
    configuration or a rule module cannot be loaded.
    """
    configs = _configs(config_path, isolated, allow_rule_dirs)
    config = _load_project_config(configs, ".")
    _declined_rule_dirs(configs)
    catalogue = sorted([*_load_catalogue(config.rule_dirs), *_verify_catalogue()], key=lambda r: r.id)
    if output_format == "markdown":
        from linter.output.rule_table import markdown_table

        click.echo(markdown_table(catalogue), nl=False)
        return
    width = max(len(r.name) for r in catalogue)
    for item in catalogue:
        click.echo(f"{item.id}  {item.name:<{width}}  {item.severity.label:<7}  {item.scope:<8}  {item.doc.summary}")


@cli.command(name="rule")
@click.argument("rule_id")
@CONFIG_FOR_RULES
def show_rule(rule_id: str, config_path: Optional[str], isolated: bool, allow_rule_dirs: bool) -> None:
    """Show the documentation of one rule, built-in or from the configuration's rule-dirs.

    RULE_ID is an id (PAL106) or a name (token-auth-registry). `palette-lint rules` lists them, and
    docs/rules.md holds them all.

    Exit codes: 0 shown; 2 no such rule, or the configuration or a rule module cannot be loaded.
    """
    from linter.engine.rule_loader import resolve

    configs = _configs(config_path, isolated, allow_rule_dirs)
    config = _load_project_config(configs, ".")
    _declined_rule_dirs(configs)
    catalogue = [*_load_catalogue(config.rule_dirs), *_verify_catalogue()]
    matches = [r for r in resolve(rule_id, catalogue) if r.id == rule_id.upper() or r.name == rule_id.lower()]
    if not matches:
        _fail(f"no rule {rule_id!r}; `palette-lint rules` lists them")
    found = matches[0]
    click.echo(f"# {found.id} {found.name}\n")
    click.echo(f"Default severity: {found.severity.label}. Scope: {found.scope}. "
               f"Applies to: {', '.join(sorted(found.kinds))}.\n")
    click.echo(found.doc.markdown)


@cli.command(name="config")
@click.argument("path", required=False, type=click.Path())
@config_options("default: the nearest .palette-lint.yaml, or pyproject.toml with [tool.palette-lint], in "
                "PATH's folder or above, up to the repository root")
@click.option("--format", "-f", "output_format", type=click.Choice(["yaml", "json"]), default="yaml",
              show_default=True, help="YAML (itself a valid configuration, with origins as comments) or JSON.")
def show_config(path: Optional[str], config_path: Optional[str], isolated: bool, allow_rule_dirs: bool,
                output_format: str) -> None:
    """Print the effective configuration for PATH (default: the current directory).

    That is every setting once `extends` is merged and defaults are filled in, each with the file, line and
    column it comes from, the files read, and the rules `palette-lint check PATH` would run. The
    configuration is validated as `check` validates it.

    Exit codes: 0 printed; 2 the configuration cannot be used (the message gives its file, line and key),
    the file named by --config does not exist, or a rule module cannot be loaded.
    """
    from linter.config.view import render_json, render_yaml
    from linter.engine.request import RunRequest, enabled_rules

    configs = _configs(config_path, isolated, allow_rule_dirs)
    config = _load_project_config(configs, path or ".")
    _declined_rule_dirs(configs)
    catalogue = _load_catalogue(config.rule_dirs)
    _check_rule_names(configs, [*catalogue, *_verify_catalogue()])
    enabled = enabled_rules(catalogue, RunRequest(paths=(path or ".",), config=config))
    render = render_json if output_format == "json" else render_yaml
    click.echo(render(config, enabled), nl=False)


@cli.command(name="schema")
@click.argument("name", type=click.Choice(SCHEMA_NAMES))
def show_schema(name: str) -> None:
    """Print the JSON Schema NAME, the file palette-lint itself validates with.

    os-layer: an OS layer's values (BYOOS pack); user-data: EdgeForge user-data; profile: a profile export
    JSON or packs-list YAML; config: palette-lint's configuration. Save one and point an editor at it, e.g.
    `palette-lint schema os-layer > .schemas/os-layer.json` and, in the YAML file, the comment line
    `# yaml-language-server: $schema=../.schemas/os-layer.json` (a path relative to the YAML file); or
    validate with check-jsonschema.

    Exit codes: 0 printed; 2 NAME is not one of the schemas.
    """
    from linter.validation.store import schema_path

    click.echo(schema_path(name).read_text(encoding="utf-8"), nl=False)


def main() -> None:
    """The console script: every error is one ``palette-lint: error:`` line on standard error, exit 2; never a
    traceback."""
    try:
        cli.main(prog_name="palette-lint", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        hint = ""
        if isinstance(exc, click.UsageError) and exc.ctx is not None:
            hint = f" (see '{exc.ctx.command_path} --help')"
        message = exc.format_message()
        from linter.output.escape import one_line

        click.echo(f"palette-lint: error: {one_line(message[:1].lower() + message[1:] + hint)}", err=True)
        sys.exit(EXIT_ERROR)
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("palette-lint: error: interrupted", err=True)
        sys.exit(EXIT_ERROR)
    except Exception as exc:  # never a traceback; the type and place are enough to report it
        import traceback

        frames = traceback.extract_tb(exc.__traceback__)
        where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
        click.echo(f"palette-lint: error: internal error: {type(exc).__name__}{where}; please report it", err=True)
        sys.exit(EXIT_ERROR)
