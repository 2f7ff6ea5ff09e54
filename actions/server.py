"""Start rasa-sdk's action server with our actions, and close their shared
HTTP session (actions/service_client.py) when the server stops.

`python -m rasa_sdk` has no shutdown hook for an action package, so its
aiohttp session was never closed and every stop logged "Unclosed client
session". This is the same server with the same command-line options
(`python -m actions.server --actions actions --port 5055`); it only adds
one listener after the server has stopped.
"""

from __future__ import annotations

import logging
import os
from typing import List, Optional

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app, create_argument_parser, create_ssl_context
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic

logger = logging.getLogger(__name__)


async def close_service_client(_app: Sanic, _loop: object) -> None:
    # Imported when the server stops, not when this module loads: rasa-sdk
    # imports the action package itself, from the name on the command line.
    from actions.service_client import close_client

    await close_client()


def build_app(actions: str, cors: object = "*", auto_reload: bool = False) -> Sanic:
    app = create_app(actions, cors_origins=cors, auto_reload=auto_reload)
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
    app = build_app(args.actions, args.cors, args.auto_reload)
    ssl_context = create_ssl_context(args.ssl_certificate, args.ssl_keyfile, args.ssl_password)
    host = os.environ.get("SANIC_HOST", "0.0.0.0")
    logger.info("Action endpoint is up and running on %s://%s:%s", "https" if ssl_context else "http", host, args.port)
    app.run(host, args.port, ssl=ssl_context, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
