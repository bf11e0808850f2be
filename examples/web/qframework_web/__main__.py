"""``python -m qframework_web``: serve the web tool, or manage its database.

- ``python -m qframework_web --db assessments.sqlite`` (or ``serve …``): serve on 127.0.0.1:8000;
- ``create-admin --db … --username office [--name …]``: the first account of the coordination office
  (the password is asked for, or read from standard input with ``--password-stdin``);
- ``add-kommune --db … --name …``: a Kommune for the directory (the admin pages do the same);
- ``export --db … > all.json``, ``import --db … all.json``: everything as qframework JSON documents;
- ``forget-name --db … --rater ID``: remove a rater's name from every stored version and their account;
- ``upgrade --db …``: bring the schema up to date (every other command does this too).

``--db`` is an SQLite file or a database URL (``postgresql://user@host/dbname``), else ``$QFRAMEWORK_WEB_DB``.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

COMMANDS = ("serve", "create-admin", "add-kommune", "export", "import", "forget-name", "upgrade")


def main(argv: list[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    if not args_in or (args_in[0] not in COMMANDS and args_in[0] not in ("-h", "--help")):
        args_in.insert(0, "serve")
    parser = argparse.ArgumentParser(prog="python -m qframework_web", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    sub = parser.add_subparsers(dest="command", required=True)
    db_help = "an SQLite file or a database URL (default: $QFRAMEWORK_WEB_DB, else assessments.sqlite)"
    default_db = os.environ.get("QFRAMEWORK_WEB_DB", "assessments.sqlite")
    commands = {name: sub.add_parser(name) for name in COMMANDS}
    for command in commands.values():
        command.add_argument("--db", default=default_db, help=db_help)
    serve = commands["serve"]
    serve.add_argument("--host", default="127.0.0.1", help="address (default: this machine only)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--https", action="store_true", help="mark the session cookie Secure (served over HTTPS)")
    serve.add_argument("--workers", type=int, default=1, help="processes (more than one: uvicorn's supervisor)")
    admin = commands["create-admin"]
    admin.add_argument("--username", required=True)
    admin.add_argument("--name", default="")
    admin.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    kommune = commands["add-kommune"]
    kommune.add_argument("--name", required=True)
    kommune.add_argument("--id", default="", help="default: made from the name (Göttingen → goettingen)")
    kommune.add_argument("--regionalschluessel", default=None)
    commands["import"].add_argument("file", help="a file written by export")
    commands["forget-name"].add_argument("--rater", required=True, help="the rater's id (their user name)")
    args = parser.parse_args(args_in)

    if args.command == "serve":
        import uvicorn

        from .app import create_app
        from .server import uvicorn_config

        if args.workers > 1:  # each worker builds the app from the environment (app_from_env)
            os.environ["QFRAMEWORK_WEB_DB"] = args.db
            os.environ["QFRAMEWORK_WEB_HTTPS"] = "1" if args.https else ""
            from .store import Store

            Store(args.db).close()  # the schema upgraded once, before the workers start
            config = uvicorn_config(
                "qframework_web.app:app_from_env", args.host, args.port, factory=True, workers=args.workers
            )
            from uvicorn.supervisors import Multiprocess

            Multiprocess(config, sockets=[config.bind_socket()]).run()
            return 0
        uvicorn.Server(uvicorn_config(create_app(args.db, https_only=args.https), args.host, args.port)).run()
        return 0

    from qframework.model import is_slug

    from .store import MIN_PASSWORD, Conflict, Store

    store = Store(args.db)
    try:
        if args.command == "create-admin":
            if not (is_slug(args.username) and len(args.username) <= 32):
                parser.error(f"not a valid user name: {args.username!r} (lower-case letters, digits, - _ .)")
            if args.password_stdin:
                password = sys.stdin.readline().rstrip("\n")
            else:
                password = getpass.getpass("Password: ")
                if getpass.getpass("Again: ") != password:
                    parser.error("the passwords differ")
            if len(password) < MIN_PASSWORD:
                parser.error(f"a password has at least {MIN_PASSWORD} characters")
            try:
                store.create_account(args.username, args.name or args.username, "admin", None, password)
            except Conflict:
                parser.error(f"the user name {args.username!r} is taken")
            print(f"admin account {args.username!r} created")
        elif args.command == "add-kommune":
            try:
                entry = store.add_kommune(args.name, args.id, args.regionalschluessel)
            except Conflict as exc:
                parser.error(f"a Kommune with the id {exc} exists")
            print(entry.id)
        elif args.command == "export":
            json.dump(store.export(), sys.stdout, ensure_ascii=False, indent=1)
            print()
        elif args.command == "import":
            data = json.loads(Path(args.file).read_text(encoding="utf-8"))
            try:
                count = store.import_(data)
            except (Conflict, ValueError) as exc:
                parser.error(str(exc))
            print(f"{count} versions imported")
        elif args.command == "forget-name":
            print(f"the name removed from {store.forget_name(args.rater)} versions")
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
