"""The counsellor dashboard: server-rendered pages behind a login.

Each feature keeps its own pages (bot/<feature>/pages.py) and their Jinja2
templates (bot/<feature>/templates/<feature>/); this package holds what they
share: login checks and CSRF (common.py), the template setup with autoescape
(rendering.py) and the base layout (templates/dashboard/base.html).
"""


def routes() -> list:
    """Every dashboard page, from the features that own them."""
    from bot.accounts import audit, login
    from bot.booking import blocks, calendar_feed, meeting_actions
    from bot.booking import pages as bookings
    from bot.dashboard import start, theme
    from bot.followups import pages as followup
    from bot.interests import pages as interests
    from bot.personal_data import pages as person
    from bot.tickets import inbox

    return [
        *login.routes(),
        *theme.routes(),
        *start.routes(),
        *audit.routes(),
        *bookings.routes(),
        *meeting_actions.routes(),
        *inbox.routes(),
        *interests.routes(),
        *blocks.routes(),
        *calendar_feed.routes(),
        *person.routes(),
        *followup.routes(),
    ]
