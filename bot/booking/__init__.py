"""Counsellor meetings: the booking API, free times, the store, the calendar feed and the dashboard pages."""
