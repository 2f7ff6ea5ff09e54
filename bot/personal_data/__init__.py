"""A person's own data: erasure, retention and the export page."""
