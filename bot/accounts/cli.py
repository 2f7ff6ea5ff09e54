"""Dashboard accounts from the command line.

    python -m bot.accounts.cli add USERNAME (--counsellor ID | --admin)
    python -m bot.accounts.cli reset-password USERNAME
    python -m bot.accounts.cli disable USERNAME
    python -m bot.accounts.cli enable USERNAME
    python -m bot.accounts.cli list

A password is read without echo (or from stdin). Disabling an account or
changing its password ends its sessions at once.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from typing import Optional

from bot.accounts.store import AccountStore
from bot.db.engine import create_engine, upgrade
from bot.settings import Settings
from core.content import load_content


def read_password() -> str:
    return getpass.getpass("Lösenord: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")


def parser() -> argparse.ArgumentParser:
    parse = argparse.ArgumentParser(prog="python -m bot.accounts.cli", description=__doc__,
                                    formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parse.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="create an account")
    add.add_argument("username")
    role = add.add_mutually_exclusive_group(required=True)
    role.add_argument("--counsellor", help="the counsellor id in content/booking.yml: sees only their own")
    role.add_argument("--admin", action="store_true", help="sees and manages every counsellor")
    for name, text in (("reset-password", "set a new password"), ("disable", "stop an account from logging in"),
                       ("enable", "let a disabled account log in again")):
        sub.add_parser(name, help=text).add_argument("username")
    sub.add_parser("list", help="every account, its role and whether it is disabled")
    return parse


async def run(args: argparse.Namespace, settings: Settings) -> str:
    upgrade(settings.database_url)
    engine = create_engine(settings.database_url)
    store = AccountStore(engine, [c.id for c in load_content(settings.content_dir).booking.counsellors])
    try:
        if args.command == "add":
            await store.add_user(args.username, read_password(), args.counsellor, args.admin)
            return f"User {args.username.lower()} created"
        if args.command == "reset-password":
            await store.set_password(args.username, read_password())
            return f"Password of {args.username.lower()} changed; its sessions have ended"
        if args.command in ("disable", "enable"):
            await store.set_disabled(args.username, args.command == "disable")
            return f"User {args.username.lower()} {args.command}d"
        rows = await store.list_users()
        return "\n".join(f"{name}\t{role}\t{'disabled' if disabled else 'active'}" for name, role, disabled in rows)
    finally:
        await engine.dispose()


def main(argv: Optional[list] = None) -> int:
    args = parser().parse_args(argv)
    try:
        print(asyncio.run(run(args, Settings.from_env())))
    except ValueError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
