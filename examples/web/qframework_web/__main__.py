"""``python -m qframework_web --db assessments.sqlite``: serve the web tool on 127.0.0.1."""

from __future__ import annotations

import argparse


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="qframework-web", description=__doc__)
    parser.add_argument("--db", default="assessments.sqlite", help="the SQLite file (created if missing)")
    parser.add_argument("--host", default="127.0.0.1", help="address (default: this machine only)")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    import uvicorn

    from .app import create_app

    uvicorn.run(create_app(args.db), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
