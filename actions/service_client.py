"""The one async client that actions use to reach the bot web service.

One aiohttp ClientSession is shared by all actions for the life of the
action server (created on first use, never at import), with timeouts.

Code lookups name the conversation they are made for, with the actions token
(VARDVAGEN_ACTIONS_TOKEN) that the bot service shares with the action server:
the service then limits failed lookups per conversation, not per the action
server's address, which every chat user shares (bot/security.py).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
from typing import Any, Dict, List, Optional, Tuple

import aiohttp

from core.conversation import conversation_key

DEFAULT_URL = "http://127.0.0.1:8080"
TIMEOUT = aiohttp.ClientTimeout(total=5, connect=2)
# The bot service reads these (bot/security.py, lookup_buckets).
ACTIONS_TOKEN_HEADER = "X-Vardvagen-Actions-Token"
CONVERSATION_HEADER = "X-Vardvagen-Conversation"




class ServiceUnavailable(Exception):
    """The bot web service could not be reached or answered with an error."""


class TooManyTries(ServiceUnavailable):
    """The service refused for now (429): too many lookups from here."""


class ServiceClient:
    def __init__(
        self, base_url: Optional[str] = None, timeout: aiohttp.ClientTimeout = TIMEOUT, token: Optional[str] = None
    ) -> None:
        self.base_url = (base_url or os.environ.get("VARDVAGEN_SERVICE_URL", DEFAULT_URL)).rstrip("/")
        self._timeout = timeout
        self._token = token if token is not None else os.environ.get("VARDVAGEN_ACTIONS_TOKEN") or None
        self._session: Optional[aiohttp.ClientSession] = None

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def request(self, method: str, path: str, **kwargs: Any) -> Tuple[int, Dict[str, Any]]:
        """Every call goes through here: one error path for all failures.

        Answers below 500 are returned with their status (a 409 is an answer);
        a server error, a timeout or no connection raise ServiceUnavailable."""
        try:
            async with self._get_session().request(method, f"{self.base_url}{path}", **kwargs) as response:
                if response.status >= 500:
                    raise ServiceUnavailable(f"{method} {path}: HTTP {response.status}")
                if response.status == 429:
                    raise TooManyTries(f"{method} {path}: HTTP 429")
                data = await response.json() if response.status != 204 else {}
                return response.status, data
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            raise ServiceUnavailable(f"{method} {path}: {error!r}") from error

    def _for(self, conversation: Optional[str]) -> Dict[str, str]:
        """Headers that make a code lookup count against this conversation only."""
        if not (self._token and conversation):
            return {}
        return {ACTIONS_TOKEN_HEADER: self._token, CONVERSATION_HEADER: conversation_key(conversation)}

    async def health(self) -> Dict[str, Any]:
        return (await self.request("GET", "/health"))[1]

    async def free_slots(
        self, meeting_type: str, from_day: Optional[str] = None, after: Optional[str] = None, limit: int = 5
    ) -> List[Dict[str, Any]]:
        params = {"meeting_type": meeting_type, "limit": str(limit)}
        if from_day:
            params["from"] = from_day
        if after:
            params["after"] = after
        status, data = await self.request("GET", "/api/slots", params=params)
        if status != 200:
            raise ServiceUnavailable(f"slots: HTTP {status}: {data}")
        return data["slots"]

    def _making(self, conversation: Optional[str], *what: str) -> Dict[str, str]:
        """Headers of a request that makes something for a conversation: its
        creation limit is the conversation's, and a retry of the same request
        (same conversation, same `what`) finds the first result. The key is
        keyed with the actions token, so nobody who knows a conversation's id
        can rebuild it; the service also keeps it within the conversation."""
        material = "\x00".join((conversation or "", *what)).encode("utf-8", "surrogatepass")
        digest = hmac.new((self._token or "").encode(), material, hashlib.sha256).digest()
        # Base32, not hex: the service refuses a key with a personnummer's shape
        # (ten digits in a row), which hex makes in about 1 key of 400.
        key = base64.b32encode(digest).decode("ascii").rstrip("=").lower()[:40]
        return {"Idempotency-Key": key, **self._for(conversation)}

    async def book(self, booking: Dict[str, Any], conversation: str, *what: str) -> Tuple[int, Dict[str, Any]]:
        return await self.request("POST", "/api/bookings", json=booking, headers=self._making(conversation, "booking", *what))

    async def find_booking(self, reference: str, contact: str, conversation: Optional[str] = None) -> Optional[Dict[str, Any]]:
        status, data = await self.request(
            "POST", f"/api/bookings/{reference}/lookup", json={"contact": contact}, headers=self._for(conversation)
        )
        return data if status == 200 else None

    async def cancel_booking(self, reference: str, contact: str, conversation: Optional[str] = None) -> bool:
        status, _ = await self.request(
            "DELETE", f"/api/bookings/{reference}", json={"contact": contact}, headers=self._for(conversation)
        )
        return status == 204

    async def register_interest(self, interest: Dict[str, Any], conversation: str, *what: str) -> Tuple[int, Dict[str, Any]]:
        return await self.request("POST", "/api/interests", json=interest,
                                  headers=self._making(conversation, "interest", *what))

    async def create_ticket(self, ticket: Dict[str, Any], conversation: str, *what: str) -> Tuple[int, Dict[str, Any]]:
        return await self.request("POST", "/api/tickets", json=ticket, headers=self._making(conversation, "ticket", *what))

    async def get_ticket(self, reference: str, conversation: Optional[str] = None) -> Optional[Dict[str, Any]]:
        status, data = await self.request("GET", f"/api/tickets/{reference}", headers=self._for(conversation))
        return data if status == 200 else None

    async def get_followup(self, code: str, conversation: Optional[str] = None) -> Optional[Dict[str, Any]]:
        status, data = await self.request("GET", f"/api/followups/{code}", headers=self._for(conversation))
        return data if status == 200 else None

    async def erase(self, request: Dict[str, Any], conversation: Optional[str] = None) -> Tuple[int, Dict[str, Any]]:
        return await self.request("POST", "/api/erasure", json=request, headers=self._for(conversation))

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


_client: Optional[ServiceClient] = None


def get_client() -> ServiceClient:
    global _client
    if _client is None:
        _client = ServiceClient()
    return _client


async def close_client() -> None:
    """Close the shared session; the action server calls this when it stops (actions/server.py)."""
    global _client
    if _client is not None:
        await _client.close()
        _client = None
