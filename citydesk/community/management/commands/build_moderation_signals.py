"""Rebuild what the harassment signal ships with, from ViHOS train (MIT), with a fixed seed.

    python manage.py build_moderation_signals [--data /path/to/shared/data] [--seed 20261201]

Writes citydesk/community/data/offensive_terms.json (the lexicon, with its `ordinary` terms measured on
clean text) and citydesk/community/data/comment_classifier.{npz,json} (the classifier and the hold
threshold chosen on ViHOS dev). Same data and seed, same bytes. See citydesk/community/training.py.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from citydesk.community import classifier, training


class Command(BaseCommand):
    help = "Rebuild the offensive-terms lexicon and the comment classifier from ViHOS train (MIT)."

    def add_arguments(self, parser):
        parser.add_argument("--data", default=settings.CITYDESK_DATASETS, help="folder holding vihos/ and vnpara/")
        parser.add_argument("--seed", type=int, default=training.SEED)
        parser.add_argument("--out", default=str(classifier.DATA), help="folder the artefacts are written to")

    def handle(self, *args, data: str, seed: int, out: str, **options):
        vihos, vnpara = Path(data) / "vihos", Path(data) / "vnpara"
        for needed in (vihos / "train.csv", vihos / "dev.csv", vnpara / "dev.jsonl"):
            if not needed.is_file():
                raise CommandError(f"missing {needed} (set --data or CITYDESK_DATASETS)")
        target = Path(out)
        target.mkdir(parents=True, exist_ok=True)
        # About a minute and a half on two cores: one step at a time on stderr (off with -v 0).
        with tqdm(
            total=3, desc="moderation", unit="step", file=self.stderr._out, disable=options["verbosity"] == 0
        ) as bar:
            bar.set_postfix_str("lexicon")
            lexicon = training.build_lexicon(vihos=vihos, vnpara=vnpara)
            training.write_lexicon(lexicon, target / training.LEXICON.name)
            bar.update()
            bar.set_postfix_str("classifier")
            model, meta = training.train_classifier(vihos=vihos, vnpara=vnpara, seed=seed)
            bar.update()
            bar.set_postfix_str("save")
            training.save_classifier(model, meta, path=target / classifier.MODEL.name)
            bar.update()
        self.stdout.write(
            f"lexicon: {len(lexicon['terms'])} terms, {len(lexicon['ordinary'])} ordinary (never fire alone); "
            f"classifier: C={meta['C']}, hold threshold {meta['hold_threshold']} "
            f"(ViHOS dev false holds {meta['dev']['false_hold_at_threshold']:.2%}); written to {target}"
        )
