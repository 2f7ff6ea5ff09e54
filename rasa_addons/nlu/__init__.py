"""Custom Rasa NLU components (imported only by Rasa, which names them in config.yml)."""
