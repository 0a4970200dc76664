"""JSON Schema validation of documents: the schemas compiled once, a fast yes/no check, and messages for the failures."""
