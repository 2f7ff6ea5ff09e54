"""Questions handed over from the chat (tickets): API, store, inbox, notices."""
