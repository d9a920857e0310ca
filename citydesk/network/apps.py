from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "citydesk.network"
    verbose_name = _("Contributor network")

    def ready(self):
        from django.db.models.signals import post_save
        from wagtail.models import Comment
        from wagtail.signals import page_published, task_approved, task_submitted, workflow_rejected

        from . import signals

        task_submitted.connect(signals.on_task_submitted, dispatch_uid="network_task_submitted")
        workflow_rejected.connect(signals.on_workflow_rejected, dispatch_uid="network_workflow_rejected")
        task_approved.connect(signals.on_task_approved, dispatch_uid="network_task_approved")
        page_published.connect(signals.on_page_published, dispatch_uid="network_page_published")
        post_save.connect(signals.on_comment_saved, sender=Comment, dispatch_uid="network_comment_saved")
