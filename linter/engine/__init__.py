"""The pipeline from files to a :class:`~linter.model.Run`: discover, read, group clusters, check, compare with the
base, suppress; with workers and the result cache. See ``docs/architecture.md``."""
