"""`summarizer serve`: its arguments and runner (uvicorn with the app factory, one model per process)."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import sys
from pathlib import Path

from .settings import PRIVATE_URLS_ENV, ROOT_ENV, SEED_ENV, default_root

__all__ = ["add_serve_parser", "run_serve"]

logger = logging.getLogger(__name__)

FACTORY = "summarizer.service.app:app_from_env"


def add_serve_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``serve`` command to a CLI's subparsers; its runner is :func:`run_serve`."""
    p = subparsers.add_parser("serve", help="serve collections over HTTP (JSON API, OpenAI chat format)",
                              description="Serve named collections over HTTP: one process loads the model once. "
                                          "API keys come from $SUMMARIZER_API_KEYS or --key-file.")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--root", type=Path, default=None, metavar="DIR",
                   help=f"folder holding one store folder a collection (default: ${ROOT_ENV}, else {default_root()})")
    p.add_argument("--workers", type=int, default=1,
                   help="server processes on the root (default 1; each loads the model)")
    p.add_argument("--key-file", type=Path, default=None, help="API keys, one a line: KEY (read-write) or KEY:ro")
    p.add_argument("--allow-remote-without-keys", action="store_true",
                   help="bind to a non-local address even without API keys")
    p.add_argument("--allow-private-urls", action="store_true",
                   help="also fetch links to loopback, private and link-local addresses")
    p.add_argument("--no-seeds", action="store_true", help="a new root starts empty, without the 'seeds' collection")
    p.add_argument("--log-level", default="info", choices=("critical", "error", "warning", "info", "debug"))
    p.set_defaults(run=run_serve)
    return p


def _is_local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run_serve(args: argparse.Namespace) -> int:
    """Check the options, put them in the environment for the app factory, and run uvicorn until stopped."""
    import uvicorn

    from .keys import KEY_FILE_ENV, load_keys

    root = (args.root or default_root()).expanduser().resolve()
    if args.key_file is not None:
        os.environ[KEY_FILE_ENV] = str(args.key_file.expanduser().resolve())
    try:
        keys = load_keys()
    except (OSError, ValueError) as exc:
        print(f"summarizer serve: error: API keys: {exc}", file=sys.stderr)
        return 2
    if keys is None and not _is_local(args.host) and not args.allow_remote_without_keys:
        print(f"summarizer serve: error: no API keys, so the server binds to localhost only: set "
              f"$SUMMARIZER_API_KEYS (or --key-file), or pass --allow-remote-without-keys to serve {args.host} openly",
              file=sys.stderr)
        return 2
    if args.workers < 1:
        print("summarizer serve: error: --workers must be at least 1", file=sys.stderr)
        return 2
    root.mkdir(parents=True, exist_ok=True)
    os.environ[ROOT_ENV] = str(root)
    os.environ[SEED_ENV] = "0" if args.no_seeds else "1"
    os.environ[PRIVATE_URLS_ENV] = "1" if args.allow_private_urls else "0"
    print(f"summarizer: serving {root} on http://{args.host}:{args.port} "
          f"({'with' if keys else 'without'} API keys, {args.workers} worker(s))", file=sys.stderr)
    uvicorn.run(FACTORY, factory=True, host=args.host, port=args.port, workers=args.workers, log_level=args.log_level)
    return 0
