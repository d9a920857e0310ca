"""Only http(s) links are stored on reports and published as a claim's appearances."""

import pytest

from citydesk.desk import services
from citydesk.desk.models import Channel, Report
from citydesk.desk.selectors import appearance_urls


@pytest.mark.django_db
def test_a_javascript_link_is_never_stored_nor_published_as_an_appearance():
    report = services.report_receive(
        channel=Channel.WEB, text="Tin đồn có đường dẫn lạ", url="javascript:alert(document.cookie)"
    )
    assert report.url == ""
    good = services.report_receive(
        channel=Channel.WEB, text="Tin đồn có đường dẫn lạ", url=" https://tin.example/bai ", claim=report.claim
    )
    assert good.url == "https://tin.example/bai"
    # A row stored before intake filtered schemes is left out of the published ClaimReview.
    Report.objects.filter(pk=report.pk).update(url="javascript:alert(1)")
    assert appearance_urls(report.claim) == ["https://tin.example/bai"]
