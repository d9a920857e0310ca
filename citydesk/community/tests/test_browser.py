"""In headless Chromium: a reader signs in by link, submits a story with a photo, a moderator approves
it, and it appears in the community gallery."""

import re

import pytest
from django.core import mail
from PIL import Image

from citydesk.community.models import Story
from citydesk.conftest import log_in, make_user
from citydesk.core import roles

TITLE = "Bình minh trên biển Mỹ Khê"


@pytest.mark.browser
def test_reader_story_with_photo_is_moderated_into_the_gallery(live_server, browser, tmp_path, settings):
    # Photos on disk (the suite keeps media in memory), where the live server's /media/ serves them.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": settings.MEDIA_ROOT},
        },
    }
    photo = tmp_path / "my-khe.jpg"
    Image.new("RGB", (320, 200), (250, 160, 60)).save(photo, "JPEG")
    make_user("dieuphoi", roles.MODERATOR)

    reader = browser.new_context(locale="vi-VN").new_page()
    reader.goto(f"{live_server.url}/cong-dong/dang-nhap/")
    reader.fill("#id_email", "ban.doc@example.vn")
    reader.fill("#id_display_name", "Hải Âu")
    with reader.expect_navigation():
        reader.click("main form button[type=submit]")
    assert "Hãy kiểm tra e-mail" in reader.content()
    link = re.search(r"/cong-dong/vao/[^\s]+/", mail.outbox[-1].body).group()
    reader.goto(live_server.url + link)
    with reader.expect_navigation():  # opening the link shows a button; pressing it signs in
        reader.click("main form button[type=submit]")
    reader.click("text=Chia sẻ câu chuyện")
    reader.fill("#id_title", TITLE)
    reader.fill("#id_text", "Sáng nay biển lặng, người dân tập thể dục từ 5 giờ.")
    reader.fill("#id_place", "Bãi biển Mỹ Khê")
    reader.set_input_files("#id_photo", str(photo))
    reader.check("#id_consent")
    with reader.expect_navigation():
        reader.click("main form button[type=submit]")
    assert "Người điều phối sẽ đọc trước" in reader.content()
    reader.goto(f"{live_server.url}/cong-dong/")
    assert TITLE not in reader.content()  # a new member's story waits for a moderator

    moderator = log_in(browser, live_server.url, "dieuphoi", "pw-dieuphoi")
    moderator.goto(f"{live_server.url}/admin/community/")
    story = Story.objects.get(title=TITLE)
    item = moderator.locator(f"#story-{story.pk}")
    assert item.locator("img").count() == 1
    with moderator.expect_navigation():
        item.locator("button:has-text('Duyệt')").click()
    assert "Đã ghi nhận quyết định" in moderator.content()
    moderator.context.close()

    reader.goto(f"{live_server.url}/cong-dong/")
    card = reader.locator("article.story", has_text=TITLE)
    assert card.count() == 1 and "Hải Âu" in card.inner_text()
    card.locator("img").scroll_into_view_if_needed()
    reader.wait_for_function(  # the photo is served and decodes
        "() => [...document.querySelectorAll('article.story img')].some(i => i.complete && i.naturalWidth > 0)"
    )
    reader.context.close()
