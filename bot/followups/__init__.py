"""Follow-up links a counsellor sends back to a person: API, store and pages."""
