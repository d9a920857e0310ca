"""End to end in headless Chromium: a training manager assigns the starter course to a unit; a
contributor of that unit reads the lessons and answers their quizzes, does each exercise type from
real data, passes, downloads the certificate; the unit's scorecard shows it.

With CITYDESK_SCREENSHOTS=<folder> the trainee's screens are saved at 390 px and 1280 px wide."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from citydesk.conftest import log_in
from citydesk.training.models import Completion, Exercise

WIDTHS = (390, 1280)


def shoot(page, name: str) -> None:
    folder = os.environ.get("CITYDESK_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
        page.wait_for_timeout(400)  # the admin's sidebar settles after a resize
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=width == 390)
    page.set_viewport_size(size)


def answer_right(page, questions, key) -> None:
    for question in questions:
        for option in key[question["id"]]["correct"]:
            page.check(f"input[name='q-{question['id']}'][value='{option}']")


@pytest.mark.browser
def test_manager_assigns_trainee_passes_everything_and_the_scorecard_shows_it(
    live_server, browser, manager, trainee, course, cases, directory
):
    from citydesk.training import services

    manager_page = log_in(browser, live_server.url, manager.username, "pw-quanlydaotao")
    manager_page.goto(f"{live_server.url}/admin/training/manage/")
    manager_page.select_option("#id_course", str(course.pk))
    manager_page.select_option("#id_unit", str(trainee.contributor_profile.unit_id))
    manager_page.fill("#id_due_date", (timezone.localdate() + timedelta(days=7)).isoformat())
    with manager_page.expect_navigation():
        manager_page.click("main button[type=submit]")
    expect(manager_page.locator(".messages")).to_contain_text("Đã giao khóa học")

    page = log_in(browser, live_server.url, trainee.username, "pw-congtacvien")
    page.goto(f"{live_server.url}/admin/training/")
    expect(page.locator("h1")).to_contain_text("Đào tạo của tôi")
    expect(page.locator("main")).to_contain_text("Được giao khóa đào tạo")
    expect(page.locator("main")).to_contain_text(course.title)
    shoot(page, "dao-tao-cua-toi")

    page.click(f"text={course.title}")
    for n, lesson in enumerate(course.lessons()):
        page.goto(f"{live_server.url}/admin/training/courses/{course.pk}/")
        page.click(f"text={lesson.title}")
        if n == 0:
            shoot(page, "dao-tao-bai-hoc")
        questions, key = services.lesson_questions(lesson)
        answer_right(page, questions, key)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        expect(page.locator("#attempt-score")).to_contain_text("Đạt.")
        if n == 0:
            shoot(page, "dao-tao-ket-qua")

    for label, name in (
        ("Có phải kênh chính thức?", "dao-tao-kenh-chinh-thuc"),
        ("Nhận diện lừa đảo", "dao-tao-nhan-dien-lua-dao"),
        ("Kiểm chứng nhận định", "dao-tao-kiem-chung"),
    ):
        page.goto(f"{live_server.url}/admin/training/courses/{course.pk}/")
        with page.expect_navigation():
            page.locator("tr", has_text=label).locator("button[type=submit]").click()
        expect(page.locator("h1")).to_contain_text(label)
        shoot(page, name)
        exercise = Exercise.objects.latest("pk")
        answer_right(page, exercise.questions, exercise.key)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        expect(page.locator("#attempt-score")).to_contain_text("Đạt.")
        if name == "dao-tao-kiem-chung":
            expect(page.locator("main")).to_contain_text("Kết luận đã đăng: Sai")
            shoot(page, "dao-tao-kiem-chung-ket-qua")

    page.goto(f"{live_server.url}/admin/training/courses/{course.pk}/")
    expect(page.locator("main")).to_contain_text("Đã hoàn thành khóa học.")
    with page.expect_download() as download:
        page.click("main a:has-text('Giấy chứng nhận (PDF)')")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    completion = Completion.objects.get(user=trainee, course=course)
    assert completion.score == 100 and completion.on_time
    page.goto(f"{live_server.url}/admin/training/")
    shoot(page, "dao-tao-hoan-thanh")
    page.context.close()

    manager_page.goto(f"{live_server.url}/admin/scorecards/?nam={timezone.localdate().year}")
    row = manager_page.locator("tr", has_text=trainee.contributor_profile.unit.name).first
    expect(row).to_contain_text("100,0%")
    manager_page.goto(f"{live_server.url}/admin/training/manage/")
    expect(manager_page.locator("main")).to_contain_text("hoàn thành")
    manager_page.context.close()

    reader = browser.new_context(locale="vi-VN").new_page()
    from citydesk.training import public

    public.refresh(seed=3)
    reader.set_viewport_size({"width": 390, "height": 844})
    reader.goto(f"{live_server.url}/kiem-tra-ky-nang/")
    expect(reader.locator("h1")).to_contain_text("Kiểm tra kỹ năng")
    shoot(reader, "kiem-tra-ky-nang")
    reader.context.close()
