"""What Rasa loads into its own process: channels and their guard, the
tracker and lock stores, the shared rate limit, the NLU classifier and the
version-guarded patches. Only Rasa imports this package."""
