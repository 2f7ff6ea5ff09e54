"""`python -m bot`: run the bot web service."""

import logging
import sys

from aiohttp import web

from bot.access_log import RedactingAccessLogger
from bot.app import create_app
from core.content import ContentError
from bot.settings import Settings


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env()
    try:
        app = create_app(settings)
    except (ContentError, ValueError) as error:
        print(error, file=sys.stderr)
        return 1
    web.run_app(app, host=settings.host, port=settings.port, print=None, access_log_class=RedactingAccessLogger)
    return 0


if __name__ == "__main__":
    sys.exit(main())
