"""django-tasks' database worker, which also loads the claim matcher as it starts (not on the first tip)."""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from citydesk.desk.matcher import warm_in_background


class Command(DatabaseWorkerCommand):
    def handle(self, *args, batch: bool, **options) -> None:
        # A --batch run (tests, one-off catch-up) ends when the queue is empty: nothing to warm for.
        if not batch:
            warm_in_background("worker")
        super().handle(*args, batch=batch, **options)
