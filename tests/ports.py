"""Ports for the tests' own servers."""

import socket


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now: for a server to start
    on, or as an address where nothing answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# An address where nothing answers (a Rasa or SMTP server that is down).
closed_port = free_port
