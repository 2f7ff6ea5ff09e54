"""The Vårdvägen web service (aiohttp): one folder per feature, db/ for the schema.

It never imports Rasa or rasa-sdk (checked by import-linter, see .importlinter).
"""
