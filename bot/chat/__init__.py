"""The web chat: its page, its settings, the embed script and the relay to Rasa."""
