"""The counsellor dashboard: server-rendered pages behind a login."""

from bot.dashboard import blocks, bookings, calendar_feed, followup, inbox, interests, login, person


def routes() -> list:
    return [
        *login.routes(),
        *bookings.routes(),
        *inbox.routes(),
        *interests.routes(),
        *blocks.routes(),
        *calendar_feed.routes(),
        *person.routes(),
        *followup.routes(),
    ]
