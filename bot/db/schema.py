"""Tables (SQLAlchemy Core). Times are stored in UTC without a zone."""

from sqlalchemy import (
    Boolean, Column, Date, DateTime, Float, ForeignKey, Integer, MetaData, String, Table, Text, UniqueConstraint, false,
)

metadata = MetaData()

bookings = Table(
    "bookings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(16), nullable=False, unique=True),
    Column("counsellor_id", String(64), nullable=False),
    Column("starts_at", DateTime, nullable=False),
    Column("minutes", Integer, nullable=False),
    Column("meeting_type", String(32), nullable=False),
    Column("interpreter", String(64)),
    Column("first_name", String(100), nullable=False),
    Column("contact", String(254), nullable=False),
    Column("calendar_token", String(64), nullable=False),
    Column("idempotency_key", String(100), unique=True),
    Column("created_at", DateTime, nullable=False),
    # What the walk-through learned (JSON: track, profession, levels, age), or None.
    Column("answers", Text),
    # A hash of the chat conversation it was booked in (core/conversation.py), or None.
    Column("conversation_key", String(32), index=True),
    Column("attendance", String(16)),  # None, "attended" or "no_show"
    # The counsellor's note: only the booking's counsellor and admins see it.
    Column("note", Text),
    Column("note_by", String(64)),
    Column("note_at", DateTime),
    # Two bookings of one counsellor at one time are impossible, whatever the code does.
    UniqueConstraint("counsellor_id", "starts_at", name="uq_bookings_counsellor_time"),
)

blocks = Table(
    "blocks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("counsellor_id", String(64), nullable=False, index=True),
    Column("starts_at", DateTime, nullable=False),
    Column("ends_at", DateTime, nullable=False),
    Column("note", Text),
    Column("created_at", DateTime, nullable=False),
)

interests = Table(
    "interests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(16), nullable=False, unique=True),
    Column("track_id", String(64), nullable=False, index=True),
    Column("first_name", String(100), nullable=False),
    Column("contact", String(254), nullable=False),
    # What the eligibility walk-through learned (JSON), so nobody asks twice.
    Column("answers", Text, nullable=False),
    Column("idempotency_key", String(100), unique=True),
    Column("created_at", DateTime, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),  # argon2
    Column("counsellor_id", String(64)),
    Column("is_admin", Boolean, nullable=False, server_default=false()),
    Column("created_at", DateTime, nullable=False),
    # A disabled account cannot log in and its sessions are gone (bot/accounts/cli.py).
    Column("disabled", Boolean, nullable=False, server_default=false()),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    # Only a hash of the cookie's token is stored.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("expires_at", DateTime, nullable=False),
)

calendar_feeds = Table(
    "calendar_feeds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("counsellor_id", String(64), nullable=False, unique=True),
    # The feed URL carries the token; only its hash is stored.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
)

tickets = Table(
    "tickets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(16), nullable=False, unique=True),
    Column("question", Text, nullable=False),
    Column("contact", String(254)),  # normalised phone or e-mail; None: the person gave none
    Column("summary", Text, nullable=False),  # JSON: what the bot knew (track, levels, age, profession)
    Column("transcript", Text, nullable=False),  # JSON: [{"from": "user"|"bot", "text": ...}]
    Column("conversation_id", String(64), index=True),  # the chat's sender id
    # Its hash (core/conversation.py): a booking from the same chat names the same.
    Column("conversation_key", String(32), index=True),
    Column("status", String(16), nullable=False, index=True),  # open, taken, answered, closed
    Column("taken_by", String(64)),
    Column("answer", Text),
    Column("answered_at", DateTime),
    Column("emailed_at", DateTime),
    Column("idempotency_key", String(100), unique=True),
    Column("created_at", DateTime, nullable=False),
)

followups = Table(
    "followups",
    metadata,
    Column("id", Integer, primary_key=True),
    # In the link a counsellor hands out: random and long enough not to be guessed.
    Column("code", String(32), nullable=False, unique=True),
    Column("track_id", String(64)),
    Column("topic", String(32)),
    Column("label", String(80)),  # who it is for: "SFI klass 3B" or a first name
    Column("created_by", String(64), nullable=False, index=True),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
)

# One-time codes that prove a person controls a phone number or e-mail address
# (bot/personal_data/proofs.py). Neither the contact nor the code is stored:
# only keyed hashes, so a copy of the table reveals neither.
contact_proofs = Table(
    "contact_proofs",
    metadata,
    Column("contact_key", String(64), primary_key=True),
    Column("code_hash", String(64), nullable=False),
    Column("expires_at", DateTime, nullable=False, index=True),
    Column("attempts", Integer, nullable=False),
)

# Who viewed or exported whose data in the dashboard (bot/accounts/audit.py).
# The subject names a record (a code, a track) or a masked contact, never a whole one.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("username", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("subject", String(128), nullable=False),
)

# Statistics (bot/statistics/): counts only, no personal data. One row per
# day, channel ("web", "tablet" or "" for the service's own records), measure
# and key (an intent name, or ""). Kept after the conversations are deleted.
stat_counts = Table(
    "stat_counts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("day", Date, nullable=False, index=True),
    Column("channel", String(16), nullable=False),
    Column("metric", String(32), nullable=False),
    Column("key", String(100), nullable=False),
    Column("value", Integer, nullable=False),
    UniqueConstraint("day", "channel", "metric", "key", name="uq_stat_counts"),
)

# The days the roll-up has counted: each is counted once (bot/statistics/rollup.py).
stat_days = Table(
    "stat_days",
    metadata,
    Column("day", Date, primary_key=True),
    Column("done_at", DateTime, nullable=False),
)

# Questions the bot failed, cleaned of personal data (core/privacy.clean_message,
# e-mail addresses masked); no conversation id. Deleted with the conversations.
failed_messages = Table(
    "failed_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("day", Date, nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("group_key", String(200), nullable=False, index=True),
    Column("intent", String(100)),
    Column("confidence", Float),
    Column("reason", String(16), nullable=False),
    Column("status", String(16), nullable=False),  # new, needs_content, assigned
    Column("assigned_intent", String(100)),
)

# "Hjälpte svaret?" in the chat: the topic (intent) and the thumb, nothing else.
feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("day", Date, nullable=False, index=True),
    Column("channel", String(16), nullable=False),
    Column("intent", String(100), nullable=False),
    Column("helpful", Boolean, nullable=False),
)
