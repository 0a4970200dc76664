"""Generic YAML (JSON is YAML): source text and its line index, a composer that builds plain data and the
position of every node from libyaml's events, implicit scalar typing, position maps for text embedded in a
string, and YAML paths. Nothing here knows about Palette; the readers in ``linter/inputs/`` do."""
