"""The claims' search index entries (the desk's search), updated by a job that waits behind the tipline's
answers: modelsearch queues its index job at the default priority on every save of an indexed model, and
in a rumour surge every new text opens a claim, so those jobs took a worker's turn from the citizens
waiting for an answer. Claim opts out of modelsearch's handlers (search_auto_update = False) and these
do the same work at a lower priority: in a surge, the desk's search finds a new claim once the answers
are out (the inbox lists it at once)."""

from django.db.models.signals import post_delete, post_save
from modelsearch import index
from modelsearch.tasks import insert_or_update_object_task

# Below the answers (0) and below filing the reports of answered tips (intake.tipline.FILING_PRIORITY).
SEARCH_INDEX_PRIORITY = -60


def _saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    insert_or_update_object_task.using(priority=SEARCH_INDEX_PRIORITY).enqueue(
        instance._meta.app_label, instance._meta.model_name, str(instance.pk)
    )


def _deleted(sender, instance, **kwargs):
    index.remove_object(instance)


def connect_signals() -> None:
    """Called once from DeskConfig.ready."""
    from .models import Claim

    post_save.connect(_saved, sender=Claim, dispatch_uid="citydesk-claim-search-index-save")
    post_delete.connect(_deleted, sender=Claim, dispatch_uid="citydesk-claim-search-index-delete")
