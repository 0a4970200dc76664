"""palette-lint: a policy and lint engine for Spectro Cloud Palette Edge configuration."""

__version__ = "0.2.0"
