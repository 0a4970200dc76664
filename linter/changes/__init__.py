"""Comparing with a base revision: git (the only subprocess), what changed since the base, before/after pairs of
documents for change rules, and baseline files of accepted findings."""
