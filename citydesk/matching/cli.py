"""The `citydesk` command: `citydesk match "text"` and `citydesk reindex`.

`match` needs no database: it reads the index that `reindex` wrote from the desk's claims.
"""

import argparse
import os
import sys
from pathlib import Path

from .index import ClaimIndex

CHECKOUT = Path(__file__).resolve().parents[2]
DEFAULT_INDEX = Path(os.environ.get("CITYDESK_MATCH_INDEX", CHECKOUT / "var" / "match-index"))
BATCH = 256


def _match(text: str, k: int, path: Path) -> int:
    if not (path / "claims.json.gz").exists():
        print(f"citydesk match: no index at {path}; run `citydesk reindex` first", file=sys.stderr)
        return 2
    index = ClaimIndex.load(path)
    results = index.search(text, k=k)
    if not results:
        print("no match")
    for claim_id, score in results:
        print(f"{score:.3f}  #{claim_id}  {index.text(claim_id)[:120]}")
    return 0


def _reindex(path: Path) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citydesk.settings.base")
    import django

    django.setup()
    from tqdm import tqdm

    from citydesk.desk.models import Claim, ClaimStatus

    claims = list(Claim.objects.exclude(status=ClaimStatus.DUPLICATE).order_by("pk").values_list("pk", "statement"))
    index = ClaimIndex()
    with tqdm(total=len(claims), unit="claim", desc="reindex", file=sys.stderr) as progress:
        for start in range(0, len(claims), BATCH):
            batch = claims[start : start + BATCH]
            index.add_many(batch)
            progress.update(len(batch))
    index.save(path)
    print(f"indexed: {len(claims)} claims in {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="citydesk", description="citydesk's claim matching")
    commands = parser.add_subparsers(dest="command", required=True)
    match = commands.add_parser("match", help="print the stored claims most like TEXT, with scores")
    match.add_argument("text")
    match.add_argument("-k", type=int, default=5, help="how many (default 5)")
    match.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    reindex = commands.add_parser("reindex", help="rebuild the index from the desk's claims")
    reindex.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    args = parser.parse_args(argv)
    if args.command == "match":
        return _match(args.text, args.k, args.index)
    return _reindex(args.index)


if __name__ == "__main__":
    sys.exit(main())
