"""Certificates: PEM blocks in the strings of a document, and the X.509 fields the rules need (read by cryptography)."""
