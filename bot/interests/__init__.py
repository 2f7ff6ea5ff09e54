"""Interest registrations for a job track: API, store and pages."""
