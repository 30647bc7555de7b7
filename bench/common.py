"""Shared by the benchmarks: a production-like server on this machine, and statistics."""

import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def in_process_child(script: str, size: int, repeat: int, database_suffix: str) -> dict:
    """Run `script --child SIZE` in a fresh process with production settings and a fresh
    database of its own; returns the JSON it prints last (the in-process benchmarks)."""
    import json

    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "benchmark-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "SITE_URL": "http://testserver",
        "ZORGZAAM_DATA_DIR": tempfile.mkdtemp(prefix=f"zorgzaam-bench-{database_suffix}-"),
        "RATELIMIT_ENABLE": "0",
        "LOG_LEVEL": "WARNING",
    }
    env = fresh_database(env, database_suffix)
    output = subprocess.run(
        [PYTHON, script, "--child", str(size), "--repeat", str(repeat)],
        env={**env, "DJANGO_SETTINGS_MODULE": "zorgzaam.settings", "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def in_process_runs(doc: str, script: str, measure, default_sizes: list[int], prefix: str = ""):
    """The command line of an in-process benchmark: `--sizes`, `--repeat`, and `--child`
    (the measuring process itself, which prints its JSON). Returns (sizes, {size: result})
    in the parent, None in a child."""
    import argparse
    import json

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=default_sizes)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.repeat)))
        return None
    database = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite file (WAL)"
    print(f"Database: {database}")
    runs = {
        size: in_process_child(script, size, args.repeat, f"{prefix}{size}") for size in args.sizes
    }
    return args.sizes, runs


def fresh_database(env: dict, suffix: str) -> dict:
    """An empty database of this benchmark's own: on PostgreSQL beside DATABASE_URL's.

    `…/bench` becomes `…/bench_<suffix>`, dropped and created again, so every run starts
    from the same state and the database named in DATABASE_URL itself is never touched.
    """
    url = env.get("DATABASE_URL")
    if not url:
        return env
    if url.startswith("sqlite:"):
        # A SQLite URL (as on a mounted volume): a fresh file named the same way.
        path = Path(env["ZORGZAAM_DATA_DIR"]) / "volume" / f"{suffix}.sqlite3"
        return {**env, "DATABASE_URL": f"sqlite:///{path}"}
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_{suffix}"
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return {**env, "DATABASE_URL": parts._replace(path=f"/{name}").geturl()}


def production_env(port: int, name: str, **extra) -> dict:
    """DEBUG off, a fresh SQLite file (or PostgreSQL database), email queued for a worker."""
    data_dir = tempfile.mkdtemp(prefix="zorgzaam-bench-")
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "ZORGZAAM_DATA_DIR": data_dir,
        "TASKS_BACKEND": "database",
        "RATELIMIT_ENABLE": "0",  # every client comes from 127.0.0.1
        "LOG_LEVEL": "WARNING",
        **extra,
    }
    return fresh_database(env, name)


def database_label(env: dict) -> str:
    url = env.get("DATABASE_URL", "")
    if url.startswith("sqlite:"):
        return "SQLite file named by DATABASE_URL (WAL)"
    return f"PostgreSQL ({url.split('@')[-1]})" if url else "SQLite file (WAL)"


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout if capture else ""


def prepare(env: dict) -> None:
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")


def create_floor_table(env: dict) -> None:
    """The table the floor views of `bench/floor_wsgi.py` insert into."""
    manage(
        env,
        "shell",
        "-c",
        """
from django.db import connection
key = "INTEGER" if connection.vendor == "sqlite" else "SERIAL"
with connection.cursor() as cursor:
    cursor.execute(f"CREATE TABLE IF NOT EXISTS bench_floor (id {key} PRIMARY KEY, body TEXT)")
""",
    )


def start_gunicorn(env: dict, port: int, *, workers: int = 4, app: str = "zorgzaam.wsgi"):
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            app,
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**env, "PYTHONPATH": f"{ROOT}:{ROOT / 'bench'}"},
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/", timeout=5).read()
            return server
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def stop(server) -> None:
    server.terminate()
    server.wait(timeout=15)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def summary(times_ms: list[float]) -> str:
    return (
        f"p50 {statistics.median(times_ms):.0f} ms, p95 {percentile(times_ms, 0.95):.0f} ms, "
        f"p99 {percentile(times_ms, 0.99):.0f} ms"
    )
