from django.core.management.base import BaseCommand

from citydesk.training.services import remind_due_training


class Command(BaseCommand):
    help = "Remind trainees, once, of courses due within two days that they have not completed."

    def handle(self, *args, **options):
        self.stdout.write(f"reminders: {remind_due_training()}")
