"""Job throughput of the one job API (django-tasks, database backend) with 1 and several workers, on
SQLite and on PostgreSQL (SELECT … FOR UPDATE SKIP LOCKED) in the same run.

    python bench/jobs.py [--jobs 2000] [--workers 4]

Each run: a fresh database, N `ping` jobs enqueued, then 1 or M `db_worker --batch` processes drain
the queue; prints jobs_per_s and checks every job ran exactly once (one SUCCESSFUL result each, each
claimed by one worker). docs/production.md uses these figures to choose the backend.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from citydesk.core import processes  # noqa: E402

CLEAR = "from django_tasks_db.models import DBTaskResult; DBTaskResult.objects.all().delete()"
ENQUEUE = "from citydesk.core.tasks import ping\nfor n in range({jobs}): ping.enqueue(n)"
# Throughput from the first job's start to the last job's finish (worker start-up not counted); each
# job must have one result, SUCCESSFUL, run by exactly one worker.
COUNT = """
from django.db.models import Count, Max, Min
from django_tasks_db.models import DBTaskResult
rows = DBTaskResult.objects.all()
span = rows.aggregate(first=Min("started_at"), last=Max("finished_at"))
statuses = dict(rows.values_list("status").annotate(n=Count("id")))
once = sum(1 for ids in rows.values_list("worker_ids", flat=True) if len(ids) == 1)
workers = len({ids[0] for ids in rows.values_list("worker_ids", flat=True) if ids})
print((span["last"] - span["first"]).total_seconds(), statuses.get("SUCCESSFUL", 0), once, workers)
"""


def manage(env: dict, *args: str) -> str:
    result = processes.manage(env, *args, timeout=1800)
    if result.returncode != 0:
        raise SystemExit(f"jobs: manage.py {args[0]} failed: {result.stderr.strip().splitlines()[-1:]}")
    return result.stdout.strip()


def drain(env: dict, jobs: int, workers: int) -> tuple[float, str]:
    manage(env, "shell", "-c", CLEAR)
    manage(env, "shell", "-c", ENQUEUE.format(jobs=jobs))
    command = [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--batch", "--no-reload",
               "--no-startup-delay", "--interval", "0.05"]  # fmt: skip
    running = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
                 for _ in range(workers)]  # fmt: skip
    for process in running:
        process.wait(timeout=1800)
    seconds, successful, once, seen = manage(env, "shell", "-c", COUNT).split()
    return jobs / float(seconds), f"successful={successful} run_once={once} workers_used={seen}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    if args.jobs < 1 or args.workers < 1:
        print("jobs: --jobs and --workers must be positive", file=sys.stderr)
        return 2
    print(f"jobs: {args.jobs}")
    for database in ("sqlite", "postgres"):
        workdir = Path(tempfile.mkdtemp(prefix=f"citydesk-jobs-{database}-"))
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "citydesk.settings.base",
               "CITYDESK_TASKS_BACKEND": "django_tasks_db.DatabaseBackend"}  # fmt: skip
        env.pop("DATABASE_URL", None)
        if database == "postgres":
            env["DATABASE_URL"] = processes.start_postgres(workdir / "pg")
        else:
            env["CITYDESK_SQLITE_PATH"] = str(workdir / "jobs.sqlite3")
        try:
            manage(env, "migrate", "--noinput", "-v", "0")
            for workers in sorted({1, args.workers}):
                rate, check = drain(env, args.jobs, workers)
                print(f"{database}_{workers}_workers_jobs_per_s: {rate:.0f}")
                print(f"{database}_{workers}_workers_check: {check}")
        finally:
            if database == "postgres":
                processes.stop_postgres(workdir / "pg")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
