"""Queries and time per tipline message, per kind of tip of the surge's wave, in one process.

    DATABASE_URL=postgres://postgres@127.0.0.1:54361/citydesk python bench/tipline_queries.py [--n 20]

Makes a fresh database (`<name>_tq` next to DATABASE_URL's, or a temporary SQLite file without it) with
the demo data, the database cache and the database job queue, as the surge runs them; warms the matcher
up; then for each kind of tip of the wave (bench/tipline_surge.py: a forwarded copy of a published
claim, a copy of the new rumour after its first one, an unrelated tip) posts --n webhook updates,
each from its own chat, through Django's test client, and runs the job queue the way `db_worker` does
until it is empty. Prints, per kind: the webhook's queries per message, the worker's queries per
message (all its jobs: the tipline's and those the message queued, e.g. a search index update), the
jobs per message, and the worker's milliseconds (wall and CPU) per message (this process alone, no HTTP).
"""

import argparse
import itertools
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOKEN, SECRET = "999:queries-token", "queries-secret"


def fresh_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        os.environ["CITYDESK_SQLITE_PATH"] = str(Path(tempfile.mkdtemp(prefix="citydesk-tq-")) / "tq.sqlite3")
        return
    import psycopg

    base, _, name = url.rpartition("/")
    name = f"{name}_tq"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = f"{base}/{name}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20, help="messages per kind of tip (default 20)")
    parser.add_argument("--profile", default="", help="write a cProfile of the worker's part to this file")
    args = parser.parse_args()

    from citydesk.core.processes import scratch_folders
    from citydesk.intake.tests.fakes import FakeTelegram

    workdir = Path(tempfile.mkdtemp(prefix="citydesk-tq-"))
    fresh_database()
    fake = FakeTelegram(TOKEN, keep_alive=True).__enter__()  # as the Bot API: connections are kept
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "citydesk.settings.base",
            **scratch_folders(workdir),
            "CITYDESK_TELEGRAM_BOT_TOKEN": TOKEN,
            "CITYDESK_TELEGRAM_WEBHOOK_SECRET": SECRET,
            "CITYDESK_TELEGRAM_API_URL": fake.url,
            "CITYDESK_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "CITYDESK_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        }
    )
    import django

    django.setup()
    import io

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    from bench.tipline_surge import NEW_RUMOUR
    from citydesk.desk.models import Claim, ClaimStatus

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    statements = list(Claim.objects.filter(status=ClaimStatus.PUBLISHED).values_list("statement", flat=True))
    client = Client()
    headers = {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": SECRET}
    update_ids = itertools.count(1)

    def post(text: str) -> None:
        update_id = next(update_ids)
        chat = {"id": 1_000_000 + update_id, "type": "private"}
        message = {"message_id": update_id, "chat": chat, "date": 0, "text": text}
        response = client.post(
            "/intake/telegram/",
            data=json.dumps({"update_id": update_id, "message": message}),
            content_type="application/json",
            **headers,
        )
        if response.status_code != 200:
            raise SystemExit(f"tipline_queries: the webhook answered {response.status_code}")

    per_task: dict[str, list[float]] = {}  # task path → [CPU seconds, queries] of its jobs

    class MeasuredWorker(Worker):
        def run_task(self, db_task_result) -> None:
            cpu, queries = time.process_time(), len(connection.queries_log)
            super().run_task(db_task_result)
            totals = per_task.setdefault(db_task_result.task_path, [0.0, 0])
            totals[0] += time.process_time() - cpu
            totals[1] += len(connection.queries_log) - queries
            if os.environ.get("TQ_SHOW"):  # each job's statements
                print(f"  job {db_task_result.task_path}:")
                for query in list(connection.queries_log)[queries:]:
                    print("   ", query["sql"][:160])

    def drain() -> int:
        jobs = DBTaskResult.objects.count()
        worker = MeasuredWorker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="tq",
            excluded_queue_names=[],
        )
        worker.run()
        return DBTaskResult.objects.count() - jobs

    kinds = {
        "forwarded_copy_of_published_claim": (
            f"{s} Chia sẻ ngay cho người thân!!!" for s in itertools.cycle(statements)
        ),
        "copy_of_open_rumour": itertools.repeat(NEW_RUMOUR + "!!!"),
        "unrelated_tip": (
            f"Phường {n % 47 + 1} có người phát tờ rơi mời mua bảo hiểm giá {n * 7 % 900 + 100} nghìn, có phải lừa đảo?"
            for n in itertools.count(1)
        ),
    }
    # Warm-up: the matcher and its model loaded, the rumour's first copy stored (its claim open), and one
    # copy of every published claim answered (their fingerprints kept), as early in a wave.
    for text in [NEW_RUMOUR + "!!!", *(f"{s} Chia sẻ ngay cho người thân!!!" for s in statements)]:
        post(text)
    drain()
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    for kind, texts in kinds.items():
        with CaptureQueriesContext(connection) as webhook:
            for _ in range(args.n):
                post(next(texts))
        per_task.clear()
        with CaptureQueriesContext(connection) as worker:
            started, cpu = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            jobs = drain()
            if profiler:
                profiler.disable()
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"{kind}_webhook_queries_per_message: {len(webhook) / args.n:.1f}")
        print(f"{kind}_worker_queries_per_message: {len(worker) / args.n:.1f}")
        print(f"{kind}_jobs_queued_by_the_worker_per_message: {jobs / args.n:.2f}")
        print(f"{kind}_worker_ms_per_message: {elapsed * 1000 / args.n:.1f}")
        print(f"{kind}_worker_cpu_ms_per_message: {cpu * 1000 / args.n:.1f} (this process, not the database's)")
        # Split by job: the answer (process_task: up to the reply) and what runs after it (file_task: the
        # report of a tip found by its fingerprint; other jobs, e.g. the search index).
        for path, (task_cpu, task_queries) in sorted(per_task.items()):
            name = path.rpartition(".")[2]
            print(f"{kind}_{name}_cpu_ms_per_message: {task_cpu * 1000 / args.n:.1f}")
            print(f"{kind}_{name}_queries_per_message: {task_queries / args.n:.1f}")
    replies = sum(1 for call in fake.calls if call["method"] == "sendMessage")
    print(f"replies_sent: {replies} (of {3 * args.n + len(statements) + 1})")
    if profiler:
        profiler.dump_stats(args.profile)
    fake.__exit__(None, None, None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
