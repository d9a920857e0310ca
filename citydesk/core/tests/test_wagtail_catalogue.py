"""The Wagtail admin in Vietnamese: every msgid of its apps translated, placeholders kept, ours in use."""

from django.urls import reverse
from django.utils import translation

from citydesk.core import catalogue


def test_every_wagtail_admin_string_has_a_vietnamese_translation():
    missing = catalogue.missing()
    assert not missing, f"{len(missing)} Wagtail strings without Vietnamese, e.g.: " + "; ".join(
        repr(msg.msgid) for msg in missing[:20]
    )


def test_every_translation_keeps_its_placeholders():
    assert catalogue.placeholder_mismatches() == []


def test_django_uses_our_catalogue_over_wagtails():
    # Looked up through variables, so that makemessages does not copy Wagtail's msgids into ours.
    expected = {"Save draft": "Lưu bản nháp", "Snippets": "Mục dùng chung", "Reports": "Báo cáo"}
    singular, plural = "Delete 1 page", "Delete %(counter)s pages"
    with translation.override("vi"):
        for msgid, vietnamese in expected.items():
            assert translation.gettext(msgid) == vietnamese  # Reports: Wagtail's menu; desk tips use a context
        assert translation.ngettext(singular, plural, 3) % {"counter": 3} == "Xóa 3 trang"


def test_the_editor_javascript_catalogue_is_vietnamese(admin_client):
    response = admin_client.get(reverse("wagtailadmin_javascript_catalog"), HTTP_ACCEPT_LANGUAGE="vi")
    body = response.content.decode()
    assert "Chèn một khối" in body or "Ch\\u00e8n m\\u1ed9t kh\\u1ed1i" in body
