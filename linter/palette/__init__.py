"""What Palette means by the values of its files: credentials and placeholders, macros, image references and registry hosts.
Shared by the readers and the rules; no file handling here."""
