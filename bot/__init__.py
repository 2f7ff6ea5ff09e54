"""Vårdvägen bot web service and shared content model."""
