"""``personalize-local serve``: run the endpoint and print one ready line."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import signal
import sys
import threading

from .config import Settings
from .server import LocalServer

DEFAULT_PORT = 4580


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="personalize-local",
        description="A local, offline Amazon Personalize beside moto, on one endpoint.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the endpoint over HTTP")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 = free)"
    )
    serve.add_argument("--seed", type=int, default=None, help="seed for ids, ARNs and models")
    serve.add_argument(
        "--transition-seconds",
        type=float,
        default=None,
        help="seconds spent in each intermediate status (default 0.5)",
    )
    serve.add_argument(
        "--data-dir",
        default=None,
        help="keep all state (Personalize and moto) in this directory, across restarts "
        "and crashes (default: in memory; env PERSONALIZE_LOCAL_DATA_DIR)",
    )
    serve.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow binding an address other than loopback; turns on --verify-signatures, "
        "so it needs credentials",
    )
    serve.add_argument(
        "--verify-signatures",
        action="store_true",
        help="refuse any request not SigV4-signed with the credentials below (always on off "
        "loopback; env PERSONALIZE_LOCAL_VERIFY_SIGNATURES=1)",
    )
    serve.add_argument(
        "--access-key-id",
        default=None,
        help="access key id clients must sign with (env PERSONALIZE_LOCAL_ACCESS_KEY_ID)",
    )
    serve.add_argument(
        "--secret-access-key",
        default=None,
        help="its secret; prefer env PERSONALIZE_LOCAL_SECRET_ACCESS_KEY, as other users of "
        "this machine can read command lines",
    )
    serve.add_argument(
        "--enforce-iam",
        action="store_true",
        help="authorize every request against the caller's IAM user or role, as AWS does "
        "(env PERSONALIZE_LOCAL_ENFORCE_IAM=1)",
    )
    serve.add_argument(
        "--auth-log",
        default=None,
        metavar="FILE",
        help="with --enforce-iam, append every authorization decision to FILE as JSON lines "
        "(env PERSONALIZE_LOCAL_AUTH_LOG)",
    )
    return parser


def serve(args: argparse.Namespace) -> int:
    if not _is_loopback(args.host) and not args.allow_remote:
        print(
            f"personalize-local: refusing to bind {args.host}: it is not a loopback address; "
            "pass --allow-remote if you really mean it.",
            file=sys.stderr,
        )
        return 2
    settings = Settings(seed=args.seed)
    if args.transition_seconds is not None:
        settings.transition_seconds = args.transition_seconds
    if args.data_dir:
        settings.data_dir = args.data_dir
    if args.enforce_iam:
        settings.enforce_iam = True
    if args.auth_log:
        settings.auth_log = args.auth_log
    if not _signatures(args, settings):
        return 2
    server = LocalServer(args.host, args.port, settings)
    stopping = threading.Event()

    def shut_down(signum: int, frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, shut_down)
    signal.signal(signal.SIGINT, shut_down)
    url = server.start()
    if settings.data_dir:
        restored = ", ".join(f"{n} {kind}" for kind, n in server.restored.items())
        print(f"personalize-local restored {settings.data_dir}: {restored}", flush=True)
    print(f"personalize-local ready at {url}  (export AWS_ENDPOINT_URL={url})", flush=True)
    stopping.wait()
    server.stop()
    return 0


def _signatures(args: argparse.Namespace, settings: Settings) -> bool:
    """Apply the signature options; False (after saying why) when they cannot be met."""
    if args.access_key_id:
        settings.access_key_id = args.access_key_id
    if args.secret_access_key:
        settings.secret_access_key = args.secret_access_key
    if args.verify_signatures or not _is_loopback(args.host):
        settings.verify_signatures = True
    if not settings.verify_signatures:
        return True
    if not (settings.access_key_id and settings.secret_access_key):
        reason = "--allow-remote" if not _is_loopback(args.host) else "--verify-signatures"
        print(
            f"personalize-local: {reason} verifies request signatures, so it needs credentials: "
            "set PERSONALIZE_LOCAL_ACCESS_KEY_ID and PERSONALIZE_LOCAL_SECRET_ACCESS_KEY "
            "(or pass --access-key-id and --secret-access-key).",
            file=sys.stderr,
        )
        return False
    # The key id only: the secret is never printed.
    print(
        f"personalize-local: verifying SigV4 signatures for access key {settings.access_key_id}",
        file=sys.stderr,
        flush=True,
    )
    return True


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
