"""`formlang serve`: run the form service on a library with uvicorn (the outermost stage).

Registered on the `formlang` group by `formlang.cli`. Checks what can be
checked before starting (the folder, the database URL, the port), prints the
address, and runs until Ctrl-C. With `--workers 2` uvicorn starts two
processes; each builds the application from the configuration in the
environment (`formlang.service.config.ENV`).
"""

from __future__ import annotations

import gc
import os
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

import click


@click.command()
@click.argument("library", required=False, type=click.Path(file_okay=False), default=None)
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--db",
    default="sqlite:///formlang-service.db",
    show_default=True,
    help="sqlite:///path (WAL mode) or postgresql://user@host/db.",
)
@click.option(
    "--token",
    "tokens",
    multiple=True,
    envvar="FORMLANG_API_TOKEN",
    help="A bearer token of the back-office API (repeatable; env FORMLANG_API_TOKEN).",
)
@click.option(
    "--token-file",
    "token_files",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True),
    help="A file with back-office tokens, one per line.",
)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option("--reload", is_flag=True, help="Re-read the library when a file changes (authors).")
@click.option("--draft-days", default=30, show_default=True, type=click.IntRange(1, 365))
@click.option("--max-upload-mb", default=10, show_default=True, type=click.IntRange(1, 500))
@click.option("--public-url", default="", help="The address citizens see (for resume links).")
@click.option("--secure-cookies", is_flag=True, help="Mark cookies Secure (behind HTTPS).")
@click.option("--access-log", is_flag=True, help="Log each request (route, status, time).")
@click.option(
    "--rate-limit",
    default=0,
    show_default=True,
    type=click.IntRange(0, 1_000_000),
    help="Posts a minute per client address (0: no limit); more get 429.",
)
def serve(
    library: str | None,
    host: str,
    port: int,
    db: str,
    tokens: Sequence[str],
    token_files: Sequence[str],
    workers: int,
    reload: bool,
    draft_days: int,
    max_upload_mb: int,
    public_url: str,
    secure_cookies: bool,
    access_log: bool,
    rate_limit: int,
) -> None:
    """Serve the forms of LIBRARY (default: the library formlang ships) over HTTP.

    \b
    Examples:
      formlang serve library/
      formlang serve library/ --port 8080 --db sqlite:///var/formlang.db --token-file tokens.txt
      formlang serve library/ --db postgresql://formlang@db/formlang --workers 2
      formlang serve library/ --reload          re-read forms as you edit them

    SIGHUP re-reads the library without a restart.
    """
    from formlang._data import library_root
    from formlang.service.config import ENV, MB, Config, tokens_from
    from formlang.service.storage import StorageError, open_storage

    folder = Path(library) if library else library_root()
    if not folder.is_dir():
        _fail(f"no library folder at {folder}")
    config = Config(
        library=folder.resolve(),
        db=db,
        api_tokens=tokens_from(tuple(tokens), tuple(token_files)),
        draft_days=draft_days,
        max_upload=max_upload_mb * MB,
        reload=reload,
        public_url=public_url,
        secure_cookies=secure_cookies,
        access_log=access_log,
        rate_limit=rate_limit,
    )
    try:
        storage = open_storage(db)
        storage.migrate()
        storage.close()
    except StorageError as exc:
        _fail(str(exc))
    except Exception as exc:
        _fail(f"cannot use the database {db}: {type(exc).__name__}: {exc}")
    gc.enable()  # `formlang` turns the collector off for short commands; a server runs long
    os.environ[ENV] = config.to_env()
    if not config.api_tokens:
        click.echo("note: no --token given: the back-office API refuses every request", err=True)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"formlang: serving {folder} at http://{shown}:{port}/ (Ctrl-C stops)", err=True)
    sys.stderr.flush()
    run_uvicorn("formlang.service.app:app_from_env", host, port, workers, factory=True)


def run_uvicorn(app: str, host: str, port: int, workers: int, factory: bool = False) -> None:
    """Runs the ASGI application `app` ("module:name") with uvicorn, in `workers` processes.

    With several workers the listening socket is made here, as a TCP socket proper:
    uvicorn's own is made without the protocol number, and asyncio then leaves Nagle's
    algorithm on for every connection, which costs 40 ms per response on Linux (the
    delayed ACK), with the baseline of benchmarks/serve.py as much as with the service.
    uvicorn picks httptools and uvloop (dependencies) over its pure-Python h11 and asyncio's
    loop: 40-60 % more submissions per second (benchmarks/README.md).
    """
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(
        app,
        factory=factory,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        server_header=False,
        log_level="warning",
        timeout_graceful_shutdown=10,
    )
    server = uvicorn.Server(config)
    if workers == 1:
        server.run()
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        _fail(f"cannot listen on {host}:{port}: {exc.strerror}")
    sock.set_inheritable(True)
    Multiprocess(config, sockets=[sock]).run()


def _fail(message: str) -> None:
    click.echo(f"formlang: error: {message}", err=True)
    sys.exit(2)
