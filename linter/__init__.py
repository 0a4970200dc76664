"""palette-lint: a policy and lint engine for Spectro Cloud Palette Edge configuration."""

__version__ = "0.1.0"
