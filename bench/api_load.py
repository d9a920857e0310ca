"""Requests per second and p99 latency of the Open API's clarifications list and `check`, against the
same server's HTML clarification page, in the same run.

    python bench/api_load.py [--seconds 8] [--concurrency 8]

A fresh SQLite database with the demo data, one waitress process (8 threads) on 127.0.0.1, then
`--concurrency` client threads for `--seconds` per endpoint. `check` posts the demo's published
claims (each request runs the tipline's instant-answer search). Prints `name: value` lines; quote
the ratios, absolute figures depend on the machine (2 shared cores here).
"""

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.web_load import load, manage, percentile  # noqa: E402
from citydesk.core import processes  # noqa: E402
from citydesk.core.processes import free_port  # noqa: E402

CLAIMS = (
    "import json; from citydesk.desk.models import Claim; "
    "print(json.dumps(list(Claim.objects.filter(status='published').values_list('statement', flat=True))))"
)
PAGE = "from citydesk.desk.models import ClarificationPage; print(ClarificationPage.objects.live().first().url)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "citydesk.settings.base",
            **processes.scratch_folders(workdir),
            "CITYDESK_SQLITE_PATH": str(workdir / "api.sqlite3"),
            "CITYDESK_API_RATE_LIMIT": "100000000",
            "CITYDESK_ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
        env.pop("DATABASE_URL", None)
        print("api_load: preparing the demo database", file=sys.stderr)
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "load_demo", "-v", "0")
        manage(env, "collectstatic", "--noinput", "-v", "0")
        statements = json.loads(manage(env, "shell", "-c", CLAIMS))
        page_path = manage(env, "shell", "-c", PAGE)
        print("api_load: starting the server", file=sys.stderr)
        port = free_port()
        server = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "waitress",
                f"--listen=127.0.0.1:{port}",
                "--threads=8",
                "citydesk.wsgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        texts = itertools.cycle(statements or ["Tin đồn"])
        try:

            def html(session, url):
                return session.get(url, timeout=30).status_code == 200

            def listing(session, url):
                return session.get(url, timeout=30).status_code == 200

            def check(session, url):
                return session.post(url, json={"text": next(texts)}, timeout=60).status_code == 200

            deadline = time.monotonic() + 120
            while True:  # up, with its matcher and model loaded
                try:
                    if html(requests.Session(), base + page_path) and check(
                        requests.Session(), base + "/api/v1/check/"
                    ):
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit("api_load: the server did not start")
                time.sleep(0.5)
            print("api_load: measuring", file=sys.stderr)
            results = {}
            for name, path, request in [
                ("html_clarification", page_path, html),
                ("api_clarifications", "/api/v1/clarifications/", listing),
                ("api_check", "/api/v1/check/", check),
            ]:
                rps, latencies, errors = load([base + path], request, args.seconds, args.concurrency)
                results[name] = rps
                print(f"{name}_rps: {rps:.1f}")
                print(f"{name}_p99_ms: {percentile(latencies, 0.99):.1f}" if latencies else f"{name}_p99_ms: nan")
                print(f"{name}_errors: {errors}")
            for name in ("api_clarifications", "api_check"):
                print(f"{name}_vs_html_rps_ratio: {results[name] / results['html_clarification']:.2f}")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
