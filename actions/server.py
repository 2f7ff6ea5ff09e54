"""Start rasa-sdk's action server with our actions, and close their shared
HTTP session (actions/service_client.py) when the server stops.

`python -m rasa_sdk` has no shutdown hook for an action package, so its
aiohttp session was never closed and every stop logged "Unclosed client
session". This is the same server with the same command-line options
(`python -m actions.server --actions actions --port 5055`), with three
differences:

- it closes that session after the server has stopped;
- it listens on 127.0.0.1 unless VARDVAGEN_ACTIONS_HOST says otherwise
  (a container sets 0.0.0.0 and a network policy);
- it runs an action only for a caller that sends the actions token
  (VARDVAGEN_ACTIONS_TOKEN, in the header Rasa's action endpoint sends, see
  endpoints.yml), and refuses to start without one. The actions carry that
  token to the bot service, so an open action server would lend it to anyone.
"""

from __future__ import annotations

import hmac
import logging
import os
import sys
from typing import List, Optional

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app, create_argument_parser, create_ssl_context
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.request import Request

logger = logging.getLogger(__name__)

TOKEN_HEADER = "X-Vardvagen-Actions-Token"
# Paths anyone may call: the health check (no actions run there).
OPEN_PATHS = ("/health",)


async def close_service_client(_app: Sanic, _loop: object) -> None:
    # Imported when the server stops, not when this module loads: rasa-sdk
    # imports the action package itself, from the name on the command line.
    from actions.service_client import close_client

    await close_client()


def require_token(token: str):
    """A request middleware: only a caller with the token reaches an action."""

    async def check(request: Request):
        if request.path in OPEN_PATHS:
            return None
        sent = request.headers.get(TOKEN_HEADER, "")
        if not hmac.compare_digest(sent.encode(), token.encode()):
            return response.json({"error": "forbidden"}, status=403)
        return None

    return check


def build_app(actions: str, token: str, cors: object = None, auto_reload: bool = False) -> Sanic:
    # No CORS: browsers never call the action server, only Rasa does.
    app = create_app(actions, cors_origins=cors, auto_reload=auto_reload)
    app.register_middleware(require_token(token), "request")
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    app.register_listener(close_service_client, "after_server_stop")
    return app


def main(argv: Optional[List[str]] = None) -> None:
    args = create_argument_parser().parse_args(argv)
    logging.getLogger("matplotlib").setLevel(logging.WARN)
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), args.log_file, args.loglevel,
                                 args.logging_config_file)
    utils.update_sanic_log_level()
    token = os.environ.get("VARDVAGEN_ACTIONS_TOKEN", "")
    if len(token) < 16:
        sys.exit("VARDVAGEN_ACTIONS_TOKEN is not set (or shorter than 16 characters): the action server "
                 "runs actions only for callers with that token. `make run` and `make production` make one.")
    app = build_app(args.actions, token, None, args.auto_reload)
    ssl_context = create_ssl_context(args.ssl_certificate, args.ssl_keyfile, args.ssl_password)
    host = os.environ.get("VARDVAGEN_ACTIONS_HOST", "127.0.0.1")
    logger.info("Action endpoint is up and running on %s://%s:%s", "https" if ssl_context else "http", host, args.port)
    app.run(host, args.port, ssl=ssl_context, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
