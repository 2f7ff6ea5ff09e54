"""Pure code every process may use: the content model and loader, codes,
contacts, personnummer, Swedish dates, text folding, readability, iCalendar
and rate-limit primitives. It imports nothing of the other packages, Rasa,
rasa-sdk or aiohttp (checked by import-linter, see .importlinter)."""
