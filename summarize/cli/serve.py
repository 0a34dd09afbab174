"""``serve``: the models loaded once behind an HTTP API — LibreTranslate's, so its clients work
unchanged, and ours for summaries, digest jobs and the archive (``summarize.service``)."""
from __future__ import annotations

import argparse

from summarize.cli.options import model_options, positive_int, settings_from, summary_options, translation_options


def add_parsers(commands, common: argparse.ArgumentParser) -> None:
    serve = commands.add_parser(
        "serve", parents=[common], help="serve translation, summaries and digests over HTTP",
        description="Load the models once and answer HTTP requests: LibreTranslate's API (POST /translate, /detect, "
                    "GET /languages) for its clients, POST /summarize, digest jobs (POST /digest, GET /digest/ID), "
                    "/health, /metrics, API docs at /docs, and the archive's pages at / with --archive. "
                    "Ctrl-C or SIGTERM stops it, letting requests in flight finish.")
    group = serve.add_argument_group("service")
    group.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0 for every interface)")
    group.add_argument("--port", type=int, default=5000, help="port (default: 5000, LibreTranslate's; 0: any free one)")
    group.add_argument("--archive", metavar="DIR",
                       help="serve DIR's digests at / (read-only), and file digest jobs sent with archive=true there")
    group.add_argument("--api-keys", metavar="FILE",
                       help="keys that may call the API, one a line ('KEY [req_limit=N] [char_limit=N]'); requests "
                            "without a valid key are refused (default: no key needed)")
    group.add_argument("--req-limit", type=int, metavar="N", help="requests a minute per key, or per client address "
                                                                   "without keys (default: 0, no limit)")
    group.add_argument("--char-limit", type=int, metavar="N",
                       help="characters one request may send (default: 0, no limit)")
    group.add_argument("--batch-limit", type=int, metavar="N", help="texts one batch q may hold (default: 0, no limit)")
    group.add_argument("--body-limit", type=positive_int, metavar="BYTES",
                       help="largest request body (default: 1000000); bigger ones are refused with 413 unread")
    group.add_argument("--digest-body-limit", type=positive_int, metavar="BYTES",
                       help="largest POST /digest body (default: 20000000)")
    group.add_argument("--cors", metavar="ORIGINS",
                       help="origins browsers may call the API from, comma-separated, or '*' (default: none)")
    model_options(serve, per_language=True)
    translation_options(serve)
    summary_options(serve)
    serve.set_defaults(run=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    from summarize.errors import UserError

    if not 0 <= args.port <= 65535:
        raise UserError(f"--port must be 0 to 65535, not {args.port}")
    settings = settings_from(args)
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise UserError(f"summarize serve needs {exc.name}: pip install 'summarize[serve]' "
                        "(or pip install -r requirements.txt)") from None
    from summarize.service.server import serve

    return serve(settings, host=args.host, port=args.port)
