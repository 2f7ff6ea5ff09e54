"""Counsellor meetings: configuration, free times and reference codes."""
