"""Counsellor and admin accounts: the store, the command line and the login pages."""
