"""How the action server names a chat conversation to the web service.

The service never needs the sender id itself to rate-limit or check a
conversation: a hash of it is enough, and a hash in a header or a log line
does not let anyone continue or read the conversation.
"""

import hashlib


def conversation_key(sender_id: str) -> str:
    return hashlib.sha256(sender_id.encode("utf-8", "surrogatepass")).hexdigest()[:32]
