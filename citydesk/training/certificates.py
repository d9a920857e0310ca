"""The certificate of completion as PDF, made with WeasyPrint like the annual report."""

from django.template.loader import render_to_string
from django.utils import timezone

from .models import Completion


def pdf(completion: Completion) -> bytes:
    from weasyprint import HTML  # needs Debian's Pango (installed with Chromium by .ci/run)

    profile = getattr(completion.user, "contributor_profile", None)
    html = render_to_string(
        "training/certificate_pdf.html",
        {
            "completion": completion,
            "name": profile.name if profile else (completion.user.get_full_name() or completion.user.username),
            "unit": completion.unit,
            "date": timezone.localtime(completion.completed_at),
        },
    )
    return HTML(string=html).write_pdf()
