"""Whether a file read from disk or git is one to lint: its parsed documents, or why it cannot be linted and
whether that is worth reporting, and the secret values it holds. ``check`` (linter/engine/units.py) and
``verify`` (linter/verify/run.py) take every file through here."""

from __future__ import annotations

from typing import Optional

from msgspec import Struct

from linter.inputs import read_file
from linter.inputs.decode import SourceRead, looks_like_palette_text
from linter.inputs.kinds import UNKNOWN
from linter.inputs.reader import FileOpener, ParsedFile
from linter.palette.credentials import document_secrets, secrets_in_text
from linter.yaml.composer import ParseFailure, YamlParser
from linter.yaml.source import SourceFile

#: A file that is not a Palette file, named on the command line, is skipped with this warning.
NOT_PALETTE = ("not a Palette profile, OS-layer values or user-data file (the kind is read from the content); "
               "skipped")


class Admission(Struct):
    """What reading one file gave. ``parsed`` is the file to lint, or None. ``failures`` say why the file, or a
    part of it, cannot be linted; they are worth a PAL000 finding when ``reported``: always for a file that
    could not be read, decoded or sized within the limits; for one that does not parse, when it was named or
    looks meant for Palette (a walked Helm template is not). ``not_palette`` is a file that parsed but that no
    reader recognises."""

    parsed: Optional[ParsedFile]
    source: Optional[SourceFile]
    failures: tuple[ParseFailure, ...] = ()
    reported: bool = False
    complete: bool = True
    not_palette: bool = False
    secrets: frozenset[str] = frozenset()


def admit(parser: YamlParser, read: SourceRead, explicit: bool, absolute_path: str,
          parses: Optional[dict[SourceFile, ParsedFile]] = None, open_file: Optional[FileOpener] = None) -> Admission:
    """Parse the file ``read`` gave (once per text object: ``parses``) and say whether it is one to lint.
    ``open_file`` opens the files it reads as its parts (a Terraform profile's ``file()`` values)."""
    source, failure, sniff = read
    if source is None:  # not read, decoded or sized within the limits: never skipped in silence
        assert failure is not None
        return Admission(None, None, (failure,), reported=True, complete=False,
                         secrets=frozenset(secrets_in_text(sniff)))
    parsed = parses.get(source) if parses is not None else None
    if parsed is not None and open_file is not None \
            and any(open_file(joined.absolute_path) is not joined.source for joined in parsed.joined):
        parsed = None  # the file is unchanged but a file it reads is not: read it again with that one
    if parsed is None:
        parsed = read_file(parser, source, explicit, absolute_path, open_file)
        if parses is not None:
            parses[source] = parsed
    secrets = frozenset(secrets_of(parsed))
    failures = tuple(parsed.failures)
    if parsed.root is None:  # the file does not parse
        return Admission(None, source, failures, reported=explicit or looks_like_palette_text(source.text),
                         complete=False, secrets=secrets)
    if parsed.root.kind == UNKNOWN:
        return Admission(None, source, not_palette=True, secrets=secrets)
    return Admission(parsed, source, failures, reported=True, complete=not failures, secrets=secrets)


def secrets_of(parsed: ParsedFile) -> set[str]:
    """The secret values of a file: its credential fields, and its raw text where parts do not parse."""
    found: set[str] = set()
    for doc in parsed.documents:
        found.update(document_secrets(doc))
    if parsed.failures:
        found.update(secrets_in_text(parsed.source.text))
    return found
