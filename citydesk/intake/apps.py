from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "citydesk.intake"
    verbose_name = _("Intake")

    def ready(self):
        from citydesk.desk.signals import clarification_published

        from . import answers

        clarification_published.connect(answers.on_clarification_published, dispatch_uid="intake_followups")
