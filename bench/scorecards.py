"""The yearly report for 50 units, 100,000 reports and 5,000 articles: how long it takes to compute
and render (dashboard figures, xlsx, PDF). Target: under 10 s on this machine.

    python bench/scorecards.py [--units 50 --reports 100000 --articles 5000]

Builds a fresh SQLite database in a temporary folder (articles as real Wagtail pages; claims,
reports, verdicts and channel deliveries bulk-inserted with dates spread over the year in Hanoi time),
then times the same calls the admin makes. Prints `name: value` lines.
"""

import argparse
import io
import os
import random
import sys
import tempfile
import time
from contextlib import redirect_stdout
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=5_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="citydesk-scorecards-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "citydesk.settings.base",
            "CITYDESK_SQLITE_PATH": str(folder / "bench.sqlite3"),
            "CITYDESK_MEDIA_ROOT": str(folder / "media"),
            "CITYDESK_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "CITYDESK_MATCHING": "0",
        }
    )
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    from citydesk.channels.models import ChannelAccount, Delivery, Publication
    from citydesk.core.models import Unit
    from citydesk.desk.models import Claim, Report, Verdict
    from citydesk.newsroom.models import HomePage, TopicPage
    from citydesk.scorecards import exports, metrics
    from citydesk.scorecards.report import build, chart_svg

    rng = random.Random(7)
    started = time.perf_counter()
    with redirect_stdout(io.StringIO()):
        call_command("migrate", verbosity=0)
    year_start = datetime(2026, 1, 1, tzinfo=HANOI)

    def when() -> datetime:
        return year_start + timedelta(seconds=rng.randrange(365 * 24 * 3600))

    with transaction.atomic():
        units = Unit.objects.bulk_create(
            [
                Unit(name=f"Đơn vị {i:02d}", short_name=f"DV{i:02d}", kind=Unit.Kind.DEPARTMENT)
                for i in range(args.units)
            ]
        )
        users = get_user_model().objects.bulk_create(
            [get_user_model()(username="kiemchung"), get_user_model()(username="truongnhom")]
        )
        home = HomePage.objects.first()
        topic = home.add_child(instance=TopicPage(title="Tin tức", slug="tin-tuc", live=True))
        from citydesk.newsroom.models import ArticlePage

        for i in range(args.articles):
            first = when()
            topic.add_child(
                instance=ArticlePage(
                    title=f"Bài viết {i}", slug=f"bai-{i}", lead="Tóm tắt.", body=[], unit=rng.choice(units),
                    live=True, first_published_at=first, last_published_at=first,
                )
            )  # fmt: skip
            topic.refresh_from_db(fields=["numchild"])
        claims = Claim.objects.bulk_create(
            [
                Claim(
                    statement=f"Nhận định {i}",
                    unit=rng.choice(units),
                    first_seen_at=year_start,
                    last_seen_at=year_start,
                )
                for i in range(args.reports // 5)
            ]
        )
        reports, first_seen = [], {}
        for i in range(args.reports):
            claim = rng.choice(claims)
            received = when()
            first_seen[claim.pk] = min(first_seen.get(claim.pk, received), received)
            reports.append(
                Report(
                    claim=claim, text=f"Tin {i}", channel="web", received_at=received, answered_automatically=i % 4 == 0
                )
            )
        Report.objects.bulk_create(reports, batch_size=5000)
        for claim in claims:
            claim.first_seen_at = first_seen.get(claim.pk, year_start)
        Claim.objects.bulk_update(claims, ["first_seen_at"], batch_size=5000)
        verdicts = []
        for claim in rng.sample(claims, len(claims) // 4):
            approved = claim.first_seen_at + timedelta(hours=rng.uniform(1, 96))
            rating = rng.choice(["false", "misleading", "unproven", "true"])
            verdicts.append(
                Verdict(claim=claim, rating=rating, summary="…", explanation="…", verifier=users[0],
                        proposed_at=approved, approver=users[1], approved_at=approved)
            )  # fmt: skip
        Verdict.objects.bulk_create(verdicts, batch_size=5000)
        accounts = ChannelAccount.objects.bulk_create(
            [ChannelAccount(name=f"Kênh {u.short_name}", kind="email", target="a@x.vn", unit=u) for u in units]
        )
        publications = Publication.objects.bulk_create(
            [
                Publication(page=home, title=f"Tin {i}", summary="", link="https://x.vn/", scheduled_at=when())
                for i in range(args.articles)
            ]
        )
        Delivery.objects.bulk_create(
            [
                Delivery(
                    publication=p,
                    account=rng.choice(accounts),
                    status="sent",
                    next_attempt_at=p.scheduled_at,
                    sent_at=p.scheduled_at,
                )
                for p in publications
            ],
            batch_size=5000,
        )
        # Contributor network: one writer per unit, 40 assignments each, a third of them late.
        from citydesk.core.models import ContributorProfile
        from citydesk.network.models import Assignment

        writers = ContributorProfile.objects.bulk_create(
            [ContributorProfile(name=f"Cộng tác viên {u.short_name}", unit=u) for u in units]
        )
        assignments = []
        for i in range(len(writers) * 40):
            deadline = when()
            submitted = deadline + timedelta(hours=rng.uniform(-72, 36))
            assignments.append(
                Assignment(title=f"Đặt bài {i}", brief="…", deadline=deadline, contributor=rng.choice(writers),
                           topic=topic, status="done", first_submitted_at=submitted, done_at=submitted)
            )  # fmt: skip
        Assignment.objects.bulk_create(assignments, batch_size=5000)
    print(f"units: {args.units}")
    print(f"reports: {args.reports}")
    print(f"articles: {args.articles}")
    print(f"assignments: {len(assignments)}")
    print(f"setup_s: {time.perf_counter() - started:.1f}")

    period = metrics.period(2026)
    t = time.perf_counter()
    rows = build(period)
    chart_svg(rows)
    metrics.by_contributor(period)
    dashboard_s = time.perf_counter() - t
    t = time.perf_counter()
    xlsx = exports.xlsx(period, rows)
    xlsx_s = time.perf_counter() - t
    t = time.perf_counter()
    pdf = exports.pdf(period, rows)
    pdf_s = time.perf_counter() - t
    total = dashboard_s + xlsx_s + pdf_s
    print(f"dashboard_s: {dashboard_s:.2f}")
    print(f"xlsx_s: {xlsx_s:.2f} ({len(xlsx) // 1024} KB)")
    print(f"pdf_s: {pdf_s:.2f} ({len(pdf) // 1024} KB)")
    print(f"yearly_report_s: {total:.2f}")
    print(f"reports_counted: {int(rows[-1].values.get('reports', 0))}")
    print("target: yearly_report_s < 10")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
