"""Published pages go to the channels chosen for them, in the publishing transaction where there is one.

Clarifications: every approval (and re-approval after a correction) publishes the clarification page
inside the desk's transaction; accounts with "post every published clarification" get it then.
Articles: the accounts ticked on the article get it when it is first published (a later edit is not
re-posted); deliver_due also queues any live article whose queueing was lost (a crash just after the
page went live), so it is never skipped.
"""

from django.db import transaction

from . import services


def on_page_published(sender, instance, revision=None, **kwargs):
    from citydesk.desk.models import ClarificationPage
    from citydesk.newsroom.models import ArticlePage

    from .models import ChannelAccount, Publication

    page = instance.specific if hasattr(instance, "specific") else instance
    with transaction.atomic():
        if isinstance(page, ClarificationPage):
            accounts = list(ChannelAccount.objects.filter(is_active=True, auto_clarifications=True))
        elif isinstance(page, ArticlePage) and not Publication.objects.filter(page=page).exists():
            accounts = [account for account in page.channels.all() if account.is_active]
        else:
            return
        if accounts:
            services.queue_page(page, accounts)
