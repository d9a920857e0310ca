"""Cases from published clarifications, and the three exercises generated from real data."""

import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from citydesk.conftest import make_user
from citydesk.core import roles
from citydesk.desk import services as desk
from citydesk.desk.models import Channel
from citydesk.intake import official
from citydesk.intake import selectors as official_selectors
from citydesk.training import exercises, services
from citydesk.training.models import Case, ExerciseKind

pytestmark = pytest.mark.django_db


def test_desk_lead_turns_a_published_clarification_into_a_case_in_one_step(scam_claim, lead):
    case = services.case_create_from_claim(claim=scam_claim, actor=lead)
    assert case.rating == "false" and case.category == "scam"
    assert case.summary == "Tóm tắt kết luận của tổ kiểm chứng."
    assert case.report_count == 1 and case.channels == {"telegram": 1}
    assert case.evidence == [
        {
            "title": "Cổng thông tin: cảnh báo lừa đảo phí xét nghiệm",
            "url": "https://thanhpho.example.gov.vn/canh-bao-lua-dao",
            "type": "official",
        }
    ]
    assert case.hours_to_verdict is not None
    assert "chuyển khoản" in case.sample_message
    assert any("soyte-thanhpho.com" in note for note in [case.look_for])


def test_case_never_carries_tipster_data(scam_claim, lead):
    desk.report_receive(
        channel=Channel.WEB,
        text="Tôi là Nguyễn Văn A, email nguyenvana@mail.example, tôi nhận được tin này",
        claim=scam_claim,
        reply_handle="email:nguyenvana@mail.example",
    )
    case = services.case_create_from_claim(claim=scam_claim, actor=lead)
    stored = " ".join(str(getattr(case, f.attname)) for f in Case._meta.concrete_fields)
    for secret in ("987654321", "nguyenvana", "Nguyễn Văn A", "nguoi-gui.example"):
        assert secret not in stored


def test_edit_masks_email_addresses_typed_into_a_case(scam_claim, lead):
    case = services.case_create_from_claim(claim=scam_claim, actor=lead)
    services.case_update(case=case, actor=lead, look_for="Hỏi lại người gửi ban-doc@mail.example nếu cần")
    case.refresh_from_db()
    assert "ban-doc@mail.example" not in case.look_for and "[…]" in case.look_for


def test_contributor_cannot_make_a_case(scam_claim, contributor_user):
    with pytest.raises(PermissionDenied):
        services.case_create_from_claim(claim=scam_claim, actor=contributor_user)


def test_unpublished_claim_cannot_become_a_case(lead, verifier, directory):
    claim = desk.report_receive(channel=Channel.WEB, text="Tin chưa kiểm chứng xong").claim
    with pytest.raises(ValidationError):
        services.case_create_from_claim(claim=claim, actor=lead)


def test_a_claim_becomes_one_case_only(scam_claim, lead):
    services.case_create_from_claim(claim=scam_claim, actor=lead)
    with pytest.raises(ValidationError):
        services.case_create_from_claim(claim=scam_claim, actor=lead)


def test_look_alikes_are_never_genuine_entries(directory):
    genuine_keys = {account.key for account in directory}
    for seed, account in ((seed, account) for seed in range(25) for account in directory):
        rng = random.Random(seed)
        made = exercises.look_alikes(account, rng)
        assert made, account.kind
        for address, trick in made:
            assert trick
            assert official.parse_query(address).key not in genuine_keys
            assert official_selectors.lookup(address).official is False, address


def test_official_exercise_mixes_genuine_entries_and_look_alikes_with_a_correct_key(directory):
    questions, key = exercises.build_official(random.Random(3))
    truths = {q["prompt"]: key[q["id"]]["correct"] for q in questions}
    genuine = [p for p, c in truths.items() if c == ["official"]]
    fakes = [p for p, c in truths.items() if c == ["fake"]]
    assert genuine and fakes and len(questions) == exercises.OFFICIAL_ITEMS
    assert all(official_selectors.lookup(p).official for p in genuine)
    assert not any(official_selectors.lookup(p).official for p in fakes)


def test_genuine_entries_and_look_alikes_are_written_alike(directory):
    """Spacing, "www." or "@name" must not give the answer away: one written form per kind."""
    for seed in range(10):
        questions, _key = exercises.build_official(random.Random(seed))
        assert len({q["prompt"] for q in questions}) == len(questions)
        for question in questions:
            prompt = question["prompt"]
            assert " " not in prompt and "www." not in prompt and not prompt.startswith("@")
            assert prompt.startswith(("https://", "0")) or "@" in prompt


def test_official_exercise_needs_a_directory(db):
    with pytest.raises(exercises.NotEnoughData):
        exercises.generate(kind=ExerciseKind.OFFICIAL)


def test_spot_the_scam_uses_the_desks_scam_cases_and_reveals_their_signals(cases):
    with translation.override("en"):
        questions, key = exercises.build_scam(random.Random(1))
    scams = [q for q in questions if key[q["id"]]["correct"] == ["scam"]]
    assert [q["prompt"] for q in scams] == [cases[0].sample_message]
    signals = key[scams[0]["id"]]["signals"]
    assert any("soyte-thanhpho.com" in s for s in signals)  # link not in the directory
    assert any("urgency" in s or "at once" in s for s in signals)
    assert any("money" in s for s in signals)
    genuine = [q for q in questions if key[q["id"]]["correct"] == ["genuine"]]
    assert genuine and all(not any("not one of" in s for s in key[q["id"]]["signals"]) for q in genuine)


def test_scam_signals_name_links_phones_urgency_and_requests_for_codes(directory):
    with translation.override("vi"):
        assert "gấp gáp" in " ".join(exercises.scam_signals("KHẨN: chuyển khoản ngay"))
    with translation.override("en"):
        found = exercises.scam_signals("KHẨN: gọi 0905 123 456 và đọc mã OTP, xem https://facebook.com/soyte.thanhpho")
    assert any("+84905123456" in s for s in found)
    assert any("facebook.com/soyte.thanhpho" in s and "is in the verified" in s for s in found)
    assert any("urgency" in s for s in found) and any("code" in s for s in found)


def test_distractor_sources_never_include_the_cases_real_evidence(cases):
    for seed, case in ((seed, case) for seed in range(20) for case in cases):
        distractors = exercises.distractor_sources(case, random.Random(seed), n=10)
        assert distractors
        own_urls = {e["url"] for e in case.evidence}
        own_titles = {e["title"].casefold() for e in case.evidence}
        for source in distractors:
            assert source.get("url") not in own_urls or not source.get("url")
            assert source["title"].casefold() not in own_titles


def test_distractors_skip_another_cases_copy_of_the_same_source(cases):
    scam, health = cases
    health.evidence = health.evidence + [dict(scam.evidence[0])]
    health.save()
    for seed in range(10):
        for source in exercises.distractor_sources(scam, random.Random(seed), n=10):
            assert source["url"] != scam.evidence[0]["url"]


def test_verify_exercise_key_has_the_real_evidence_and_the_published_rating(cases):
    questions, key, case = exercises.build_verify(random.Random(0), cases[1])
    sources = questions[0]
    real = {o["id"] for o in sources["options"] if o["label"] in {e["title"] for e in case.evidence}}
    assert set(key["sources"]["correct"]) == real and len(real) == 2
    assert len(sources["options"]) > len(real)
    assert key["rating"]["correct"] == ["false"]
    assert case.reasoning in key["rating"]["reveal"]


def test_scoring_counts_a_question_right_only_with_every_right_option_and_no_other():
    questions = [
        {"id": "a", "multiple": True, "options": [{"id": "1"}, {"id": "2"}, {"id": "3"}]},
        {"id": "b", "multiple": False, "options": [{"id": "x"}, {"id": "y"}]},
        {"id": "c", "multiple": False, "options": [{"id": "x"}, {"id": "y"}]},
    ]
    key = {"a": {"correct": ["1", "2"]}, "b": {"correct": ["x"]}, "c": {"correct": ["y"]}}
    assert exercises.score(questions, key, {"a": ["1", "2"], "b": ["x"], "c": ["y"]}).score == 3
    assert exercises.score(questions, key, {"a": ["1"], "b": ["x"], "c": ["y"]}).score == 2
    assert exercises.score(questions, key, {"a": ["1", "2", "3"], "b": ["x"], "c": ["y"]}).score == 2
    # Two answers to a single-choice question, or options that do not exist, are wrong.
    result = exercises.score(questions, key, {"a": ["1", "2", "9"], "b": ["x", "y"], "c": []})
    assert result.score == 1 and result.max_score == 3
    assert result.per_question["b"] == {"right": False, "chosen": [], "correct": ["x"]}


def test_generated_exercise_stores_questions_and_key_apart(cases, directory):
    for kind in ExerciseKind.values:
        exercise = exercises.generate(kind=kind, seed=5)
        assert exercise.questions and exercise.key
        for question in exercise.questions:
            assert "correct" not in question and "reveal" not in question


def test_desk_lead_may_make_cases_and_verifier_may_not(scam_claim, verifier):
    other_lead = make_user("truongnhom2", roles.DESK_LEAD)
    assert other_lead.has_perm("training.add_case") and not verifier.has_perm("training.add_case")
