"""Security rules of the bot web service, in one place.

- Headers on every response (on_response_prepare, so static files, errors
  and redirects get them too): a strict Content-Security-Policy, nosniff,
  no referrer, a Permissions-Policy; on dashboard pages also
  Cross-Origin-Opener-Policy and no caching; HSTS behind HTTPS.
- CORS for /api: only the configured sites get an Access-Control-Allow-Origin
  (never a wildcard, never credentials); preflights are answered here.
- Answers of the JSON endpoints are JSON with a Swedish message even when
  aiohttp itself refuses a request (no such path, wrong method, body too big),
  and an unexpected error is logged, not shown.
- Rate limits (token buckets per client address and per key) for looking
  up reference codes, the chat relay, the chat's answer polling and logins.
  The action server looks codes up for every chat user from one address;
  with the shared actions token it names the conversation, so one guesser in
  the chat does not block everybody else's lookups (lookup_buckets).
"""

from __future__ import annotations

import functools
import hmac
import ipaddress
import logging
import re
import time
from dataclasses import dataclass
from typing import Awaitable, Callable, Iterable, List, Optional, Tuple

from aiohttp import web
from yarl import URL

from bot.access_log import route_pattern
from bot.keys import CONTENT, SETTINGS
from core.conversation import conversation_key
from core.ratelimit import Clock, TokenBucket, retry_after_header
from bot.settings import Settings

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Pages that the widget shows in a frame on the municipality's site.
CHAT_PAGES = frozenset({"/", "/chat"})
# Paths whose answers are JSON (errors are turned into Swedish JSON too).
JSON_PREFIXES = ("/api/", "/chat/message", "/chat/answers", "/chat/feedback", "/chat/erase")
# Answers that can hold personal data are never cached.
NO_STORE_PREFIXES = ("/dashboard", "/api/", "/chat/message", "/chat/answers", "/chat/erase", "/calendar/")
STATIC_PREFIX = "/static/"
STATIC_CACHE = "no-cache"
CORS_METHODS = ("GET", "POST", "DELETE")
CORS_HEADERS = ("Content-Type", "Idempotency-Key")
CORS_MAX_AGE = 600
HSTS = "max-age=31536000"
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# An origin as it may appear in a header: scheme://host[:port], nothing else
# (a ';' or ',' from a setting must never reach the CSP header).
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.\-]+(:\d{1,5})?$|^https?://\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")


def valid_origins(origins: Iterable[str]) -> List[str]:
    kept = []
    for origin in origins:
        if _ORIGIN.match(origin):
            kept.append(origin)
        else:
            log.warning("Ignoring a configured origin that is not scheme://host[:port]: %r", origin)
    return kept


def socket_sources(url: str) -> List[str]:
    """The socket's origin in both forms a browser uses (polling, then WebSocket)."""
    parsed = URL(url)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        return []
    origin = str(parsed.origin())
    socket = ("wss" if parsed.scheme == "https" else "ws") + origin[len(parsed.scheme):]
    return [origin, socket] if _ORIGIN.match(origin) else []


def content_security_policy(connect: Iterable[str] = (), frame_ancestors: Iterable[str] = ("'none'",)) -> str:
    directives = [
        ("default-src", ["'self'"]),
        ("script-src", ["'self'"]),
        ("style-src", ["'self'"]),
        ("img-src", ["'self'", "data:"]),
        ("connect-src", ["'self'", *connect]),
        ("object-src", ["'none'"]),
        ("base-uri", ["'none'"]),
        ("form-action", ["'self'"]),
        ("frame-ancestors", list(frame_ancestors)),
    ]
    return "; ".join(f"{name} {' '.join(dict.fromkeys(values))}" for name, values in directives)


@dataclass(frozen=True)
class HeaderPolicy:
    """The headers, worked out once from the settings."""

    chat_csp: str
    other_csp: str
    chat_frame_options: Optional[str]
    cors_origins: frozenset
    hsts: bool
    # The sites in frame-ancestors besides 'self' (GET /chat/embed-check answers from them).
    embedders: Tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> "HeaderPolicy":
        connect = socket_sources(settings.public_socket_url)
        embedders = valid_origins([*settings.allowed_origins, *settings.embed_origins])
        return cls(
            chat_csp=content_security_policy(connect, ["'self'", *embedders]),
            other_csp=content_security_policy(connect, ["'none'"]),
            # X-Frame-Options cannot name other sites; frame-ancestors wins where both are known.
            chat_frame_options=None if embedders else "SAMEORIGIN",
            cors_origins=frozenset(valid_origins(settings.allowed_origins)),
            hsts=settings.secure_cookies,
            embedders=tuple(embedders),
        )


POLICY = web.AppKey("header_policy", HeaderPolicy)


async def set_headers(request: web.Request, response: web.StreamResponse) -> None:
    policy = request.app[POLICY]
    path = request.path
    headers = response.headers
    if path in CHAT_PAGES:
        headers["Content-Security-Policy"] = policy.chat_csp
        if policy.chat_frame_options:
            headers["X-Frame-Options"] = policy.chat_frame_options
    else:
        headers["Content-Security-Policy"] = policy.other_csp
        headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Permissions-Policy"] = PERMISSIONS
    if path.startswith("/dashboard"):
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if path.startswith(NO_STORE_PREFIXES) and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    elif path.startswith(STATIC_PREFIX) and "Cache-Control" not in headers:
        # The chat's script and styles: a browser asks again each time (a 304 when
        # unchanged), so after a deploy nobody runs yesterday's chat.js.
        headers["Cache-Control"] = STATIC_CACHE
    if policy.hsts:
        headers["Strict-Transport-Security"] = HSTS
    if path.startswith("/api/"):
        headers.add("Vary", "Origin")
        origin = request.headers.get("Origin")
        if origin in policy.cors_origins:
            headers["Access-Control-Allow-Origin"] = origin
            headers["Access-Control-Expose-Headers"] = "Retry-After"


def phrase(request: web.Request, key: str) -> str:
    return request.app[CONTENT].phrases.phrases[key]


def json_error(request: web.Request, status: int, key: str, headers: Optional[dict] = None) -> web.Response:
    text = phrase(request, key)
    body = {"error": key, "message": text}
    if request.path.startswith("/chat/"):
        body.update(error=text, messages=[{"text": text}])  # what the chat relay's callers read
    return web.json_response(body, status=status, headers=headers)


_STATUS_KEYS = {404: "api_no_such_path", 405: "api_bad_method", 413: "api_too_large", 415: "api_bad_content_type"}


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refusals on the JSON endpoints as Swedish JSON; CORS preflights answered."""
    if not request.path.startswith(JSON_PREFIXES):
        return await handler(request)
    if request.method == "OPTIONS" and request.path.startswith("/api/"):
        return preflight(request)
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status < 400 or error.content_type == "application/json":
            raise
        key = _STATUS_KEYS.get(error.status, "api_bad_request")
        headers = {"Allow": error.headers["Allow"]} if "Allow" in error.headers else None
        return json_error(request, error.status, key, headers)
    except Exception:  # noqa: BLE001 - log it; the caller gets a clear answer, not a trace
        # The route's pattern, never the path: paths carry codes and tokens.
        log.exception("Unexpected error on %s %s", request.method, route_pattern(request))
        return json_error(request, 500, "api_error")


def preflight(request: web.Request) -> web.Response:
    origin = request.headers.get("Origin")
    method = request.headers.get("Access-Control-Request-Method", "")
    if origin not in request.app[POLICY].cors_origins or method not in CORS_METHODS:
        return json_error(request, 403, "api_origin_refused")
    return web.Response(
        status=204,
        headers={
            "Access-Control-Allow-Methods": ", ".join(CORS_METHODS),
            "Access-Control-Allow-Headers": ", ".join(CORS_HEADERS),
            "Access-Control-Max-Age": str(CORS_MAX_AGE),
        },
    )


# ---- rate limits -------------------------------------------------------------


@dataclass
class Limits:
    """Every rate limit of the service. Capacities and windows are per key."""

    # Reference-code lookups that find nothing, per client: guessing codes.
    lookup_misses: TokenBucket
    # The same for all chat conversations together (the action server's lookups):
    # a guesser who starts a new conversation for every ten guesses is still slowed down.
    chat_lookup_misses: TokenBucket
    # The chat relay, per sender and per client address.
    chat_sender: TokenBucket
    chat_client: TokenBucket
    # The chat's polling for counsellors' answers, per conversation and per client.
    answers_conversation: TokenBucket
    answers_client: TokenBucket
    # Failed dashboard logins, per user name and per client.
    login_user: TokenBucket
    login_client: TokenBucket
    # One-time codes sent to a contact, per contact and per client.
    proof_contact: TokenBucket
    proof_client: TokenBucket
    # New bookings, interests and questions, per kind and per client (or chat
    # conversation), and for all chat conversations together: a flood cannot
    # bury real questions in the inbox.
    creations: TokenBucket
    chat_creations: TokenBucket
    enabled: bool = True

    @classmethod
    def default(cls, enabled: bool = True, clock: Clock = time.monotonic) -> "Limits":
        return cls(
            lookup_misses=TokenBucket(10, 60, clock),
            chat_lookup_misses=TokenBucket(CHAT_LOOKUP_MISSES_PER_MINUTE, 60, clock),
            chat_sender=TokenBucket(20, 20, clock),
            chat_client=TokenBucket(120, 60, clock),
            answers_conversation=TokenBucket(10, 60, clock),
            answers_client=TokenBucket(300, 60, clock),
            login_user=TokenBucket(5, 15 * 60, clock),
            login_client=TokenBucket(20, 15 * 60, clock),
            proof_contact=TokenBucket(3, 15 * 60, clock),
            proof_client=TokenBucket(10, 15 * 60, clock),
            creations=TokenBucket(CREATIONS_PER_10_MINUTES, 10 * 60, clock),
            chat_creations=TokenBucket(CHAT_CREATIONS_PER_10_MINUTES, 10 * 60, clock),
            enabled=enabled,
        )


LIMITS = web.AppKey("rate_limits", Limits)
# Bookings, interests or questions one client (or one chat conversation) may
# make in 10 minutes, of each kind; all chat conversations together may make more.
CREATIONS_PER_10_MINUTES = 10
CHAT_CREATIONS_PER_10_MINUTES = 300
# All chat conversations together; one conversation (or client address) has 10.
CHAT_LOOKUP_MISSES_PER_MINUTE = 100
# Sent by the action server with each code lookup it makes for a chat (actions/service_client.py,
# which names the conversation by a hash of its sender id).
ACTIONS_TOKEN_HEADER = "X-Vardvagen-Actions-Token"
CONVERSATION_HEADER = "X-Vardvagen-Conversation"
CONVERSATION_KEY = re.compile(r"[0-9a-f]{16,64}")


def client_address(request: web.Request) -> str:
    """The client's address: the peer, or for a trusted proxy the last address
    in X-Forwarded-For that is not a trusted proxy itself."""
    trusted = request.app[SETTINGS].trusted_proxies
    peer = request.remote or "unknown"
    if not trusted or peer not in trusted:
        return peer
    hops = [hop.strip() for hop in request.headers.get("X-Forwarded-For", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer
    return peer


class TooManyRequests(web.HTTPTooManyRequests):
    def __init__(self, request: web.Request, seconds: float) -> None:
        response = json_error(request, 429, "too_many_requests")
        super().__init__(
            text=response.text, content_type="application/json", headers={"Retry-After": retry_after_header(seconds)}
        )


def spend(request: web.Request, *pairs: Tuple[TokenBucket, str]) -> None:
    """Spend a token from each (bucket, key), or raise 429 (spending nothing more)."""
    limits = request.app[LIMITS]
    if not limits.enabled:
        return
    waits = [bucket.retry_after(key) for bucket, key in pairs]
    if max(waits, default=0) > 0:
        raise TooManyRequests(request, max(waits))
    for bucket, key in pairs:
        bucket.take(key)


def from_action_server(request: web.Request) -> bool:
    """The request carries the actions token (VARDVAGEN_ACTIONS_TOKEN) that
    only the action server has. Without a configured token nobody is."""
    token = request.app[SETTINGS].actions_token
    sent = request.headers.get(ACTIONS_TOKEN_HEADER, "")
    # Headers are decoded with surrogateescape: encode the same way, never raise.
    return bool(token) and hmac.compare_digest(sent.encode("utf-8", "surrogateescape"), token.encode())


def chat_conversation(request: web.Request) -> Optional[str]:
    """The hash of the chat conversation the action server speaks for (its
    header, believed only with the actions token), or None."""
    conversation = request.headers.get(CONVERSATION_HEADER, "")
    if CONVERSATION_KEY.fullmatch(conversation) and from_action_server(request):
        return conversation
    return None


def lookup_buckets(request: web.Request) -> List[Tuple[TokenBucket, str]]:
    """Whose failed lookups a request counts against.

    A client's own address, as for everything else. The action server looks
    codes up for every chat user, so its address alone would let one guesser
    in the chat block the lookups of everybody chatting. When it proves itself
    with the actions token and names the conversation (a hash of the sender
    id), that conversation has its own 10 misses a minute, and all chat
    conversations together have CHAT_LOOKUP_MISSES_PER_MINUTE. A conversation
    header without the right token is ignored: it buys no fresh allowance."""
    limits = request.app[LIMITS]
    conversation = chat_conversation(request)
    if conversation:
        return [(limits.lookup_misses, f"chat:{conversation}"), (limits.chat_lookup_misses, "chat")]
    return [(limits.lookup_misses, client_address(request))]


def holds_conversation(request: web.Request, conversation: str) -> bool:
    """The caller is the action server speaking for this very conversation: it
    has the actions token and names the conversation's hash in its header. A
    conversation id alone proves nothing: it is no password."""
    named = request.headers.get(CONVERSATION_HEADER, "")
    return from_action_server(request) and hmac.compare_digest(
        named.encode("utf-8", "surrogateescape"), conversation_key(conversation).encode()
    )


def spend_creation(request: web.Request, kind: str) -> None:
    """Count one new booking, interest or question against its maker, or 429."""
    limits = request.app[LIMITS]
    conversation = chat_conversation(request)
    if conversation:
        spend(request, (limits.creations, f"{kind}:chat:{conversation}"), (limits.chat_creations, kind))
    else:
        spend(request, (limits.creations, f"{kind}:{client_address(request)}"))


def miss(buckets: Iterable[Tuple[TokenBucket, str]]) -> None:
    for bucket, key in buckets:
        bucket.take(key)


def lookup_limited(handler: Handler) -> Handler:
    """A reference-code lookup: refused while this client has guessed wrong too often.

    Only lookups that find nothing (404) count: a guesser misses almost every
    time, while people behind one address (a classroom) and the action server
    mostly look up codes that exist."""

    @functools.wraps(handler)
    async def limited(request: web.Request) -> web.StreamResponse:
        limits = request.app[LIMITS]
        buckets = lookup_buckets(request)
        if limits.enabled:
            wait = max(bucket.retry_after(key) for bucket, key in buckets)
            if wait > 0:
                raise TooManyRequests(request, wait)
        try:
            response = await handler(request)
        except web.HTTPException as error:
            if error.status == 404:
                miss(buckets)
            raise
        if response.status == 404:
            miss(buckets)
        return response

    return limited


def setup(app: web.Application, settings: Settings, clock: Clock = time.monotonic) -> None:
    app[POLICY] = HeaderPolicy.from_settings(settings)
    app[LIMITS] = Limits.default(enabled=settings.rate_limits, clock=clock)
    # Outermost, so the inner database_down (bot/errors.py) answers a lost database first.
    app.middlewares.insert(0, json_errors)
    app.on_response_prepare.append(set_headers)
