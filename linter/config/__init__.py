"""The project configuration: finding and reading the files (``.palette-lint.yaml``, ``pyproject.toml``), merging
``extends``, path patterns, rule options, and showing the effective configuration."""
