import pytest

from citydesk.desk import services
from citydesk.desk.models import Channel
from citydesk.matching.cli import main


def test_match_without_an_index_says_so_in_one_line(tmp_path, capsys):
    assert main(["match", "bão số 5", "--index", str(tmp_path / "none")]) == 2
    assert capsys.readouterr().err.count("\n") == 1


@pytest.mark.django_db
def test_reindex_then_match(tmp_path, capsys):
    storm = services.report_receive(channel=Channel.WEB, text="Bão số 5 sẽ đổ bộ Đà Nẵng đêm nay").claim
    services.report_receive(channel=Channel.WEB, text="Uống nước chanh nóng chữa khỏi sốt xuất huyết")
    assert main(["reindex", "--index", str(tmp_path)]) == 0
    assert "indexed: 2 claims" in capsys.readouterr().out
    assert main(["match", "bao so 5 do bo da nang", "-k", "1", "--index", str(tmp_path)]) == 0
    line = capsys.readouterr().out.strip()
    assert f"#{storm.pk}" in line
    assert "bão số 5" in line
