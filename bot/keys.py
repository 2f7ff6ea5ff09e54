"""Typed keys for what the aiohttp app holds."""

import aiohttp
from aiohttp import web

from core.content import Content
from bot.mail import Mailer
from bot.sms import SmsSender
from bot.settings import Settings
from bot.accounts.store import AccountStore
from bot.booking.store import BookingStore
from bot.booking.feeds_store import FeedStore
from bot.followups.store import FollowupStore
from bot.interests.store import InterestStore
from bot.tickets.store import TicketStore

SETTINGS = web.AppKey("settings", Settings)
CONTENT = web.AppKey("content", Content)
HTTP = web.AppKey("http", aiohttp.ClientSession)
STORE = web.AppKey("booking_store", BookingStore)
INTERESTS = web.AppKey("interest_store", InterestStore)
ACCOUNTS = web.AppKey("account_store", AccountStore)
FEEDS = web.AppKey("feed_store", FeedStore)
TICKETS = web.AppKey("ticket_store", TicketStore)
FOLLOWUPS = web.AppKey("followup_store", FollowupStore)
# Only there when an SMTP host is configured: without it nothing is e-mailed.
MAILER = web.AppKey("mailer", Mailer)
# Only there when an SMS outbox (or gateway) is configured (bot/sms.py).
SMS = web.AppKey("sms", SmsSender)
