"""The Telegram tipline's auto-answer path over real HTTP, end to end.

    python bench/tipline.py --n 200
    python bench/tipline.py --surge [--db both|sqlite|postgres] [--duration 60] [--rate N]

--surge: a rumour wave through the webhook with the jobs queued for real (see surge() below).

Starts citydesk (waitress, a fresh SQLite file with the demo data) and a fake Telegram Bot API on
127.0.0.1, then posts N webhook updates one after another. Each update forwards one of the demo's
published claims the way people do (copy with a call to share, without diacritics, with a question),
so the answer needs matching, the same-claim decision, storing the report and the sendMessage call
before our webhook returns. Prints `name: value` lines: p50_ms / p99_ms of that path, how many were
answered, and the same figures for an ignored update (HTTP + JSON + secret check only) as the
baseline of this run.
"""

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOKEN, SECRET = "999:bench-token", "bench-secret"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def forwarded_forms(statement: str) -> list[str]:
    from citydesk.core.text import fold_diacritics

    return [
        f"{statement} Chia sẻ ngay cho người thân!!!",
        fold_diacritics(statement) + " moi nguoi chia se nhe",
        f"Nghe nói {statement[0].lower()}{statement[1:]}, có đúng không ạ?",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="webhook updates to send (default 200)")
    parser.add_argument("--surge", action="store_true", help="a rumour wave against the queued tipline")
    parser.add_argument("--db", choices=["both", "sqlite", "postgres"], default="both", help="with --surge")
    parser.add_argument("--duration", type=float, default=60, help="seconds of the wave (with --surge)")
    parser.add_argument("--rate", type=float, default=0, help="tips/s offered (default: 40 SQLite, 100 PostgreSQL)")
    parser.add_argument("--drain", type=float, default=120, help="seconds to wait for the last replies")
    args = parser.parse_args()
    if args.surge:
        if args.duration <= 0 or args.rate < 0:
            print("tipline: --duration must be positive and --rate not negative", file=sys.stderr)
            return 2
        from bench.tipline_surge import surge

        return surge(args)
    if args.n < 1:
        print("tipline: --n must be at least 1", file=sys.stderr)
        return 2

    from citydesk.core.processes import scratch_folders
    from citydesk.intake.tests.fakes import FakeTelegram

    workdir = Path(tempfile.mkdtemp(prefix="citydesk-bench-"))
    fake = FakeTelegram(TOKEN).__enter__()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "citydesk.settings.base",
            "CITYDESK_SQLITE_PATH": str(workdir / "bench.sqlite3"),
            **scratch_folders(workdir),
            "CITYDESK_TELEGRAM_BOT_TOKEN": TOKEN,
            "CITYDESK_TELEGRAM_WEBHOOK_SECRET": SECRET,
            "CITYDESK_TELEGRAM_API_URL": fake.url,
            # Enough for the messages of one chat (500 chats) and no more: on the database cache each
            # message reads one slot per allowed message (citydesk/core/ratelimit.py).
            "CITYDESK_CHAT_RATE_LIMIT": str(max(20, args.n // 500 + 2)),
            "CITYDESK_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    from citydesk.desk.models import Claim, ClaimStatus

    statements = list(Claim.objects.filter(status=ClaimStatus.PUBLISHED).values_list("statement", flat=True))
    texts = [form for statement in statements for form in forwarded_forms(statement)]

    import requests
    import waitress
    from django.core.wsgi import get_wsgi_application

    server = waitress.create_server(get_wsgi_application(), host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{server.effective_port}/intake/telegram/"
    session = requests.Session()
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}

    def post(update: dict) -> tuple[float, str]:
        started = time.perf_counter()
        response = session.post(url, data=json.dumps(update), headers=headers, timeout=30)
        elapsed = (time.perf_counter() - started) * 1000
        response.raise_for_status()
        return elapsed, response.json()["handled"]

    def message(update_id: int, text: str) -> dict:
        chat = {"id": 10_000 + update_id % 500, "type": "private"}
        return {"update_id": update_id, "message": {"message_id": update_id, "chat": chat, "date": 0, "text": text}}

    post(message(1, texts[0]))  # warm-up: loads the matcher and the e5 model, builds the index
    answer_ms, outcomes = [], []
    for i in range(args.n):
        elapsed, handled = post(message(100 + i, texts[i % len(texts)]))
        answer_ms.append(elapsed)
        outcomes.append(handled)
    ignored_ms = [post({"update_id": 900_000 + i, "edited_message": {}})[0] for i in range(args.n)]
    server.close()
    fake.__exit__(None, None, None)

    replies = sum(1 for call in fake.calls if call["method"] == "sendMessage")
    print(f"updates: {args.n}")
    print(f"published_claims: {len(statements)}")
    print(f"answered: {outcomes.count('answered')}")
    print(f"pointed_or_received: {args.n - outcomes.count('answered')}")
    print(f"replies_sent: {replies}")
    print(f"p50_ms: {statistics.median(answer_ms):.1f}")
    print(f"p99_ms: {percentile(answer_ms, 0.99):.1f}")
    print(f"max_ms: {max(answer_ms):.1f}")
    print(f"baseline_ignored_p50_ms: {statistics.median(ignored_ms):.1f}")
    print(f"baseline_ignored_p99_ms: {percentile(ignored_ms, 0.99):.1f}")
    print(f"ratio_p50_vs_baseline: {statistics.median(answer_ms) / statistics.median(ignored_ms):.1f}")
    print("target: p99_ms < 1000")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
