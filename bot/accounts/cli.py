"""`python -m bot.accounts.cli add USERNAME [--counsellor ID] [--admin]`: create a
counsellor login. The password is read without echo (or from stdin)."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from typing import Optional

from bot.settings import Settings
from bot.accounts.store import AccountStore
from bot.db.engine import create_engine, upgrade


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="create a user")
    add.add_argument("username")
    add.add_argument("--counsellor", help="the counsellor id in content/booking.yml")
    add.add_argument("--admin", action="store_true", help="sees and manages every counsellor")
    args = parser.parse_args(argv)
    password = getpass.getpass("Lösenord: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    settings = Settings.from_env()

    async def run() -> None:
        upgrade(settings.database_url)
        engine = create_engine(settings.database_url)
        try:
            await AccountStore(engine).add_user(args.username, password, args.counsellor, args.admin)
        finally:
            await engine.dispose()

    try:
        asyncio.run(run())
    except ValueError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    print(f"User {args.username} created")
    return 0


if __name__ == "__main__":
    sys.exit(main())
