"""Train the optional harassment/hate model on ViHSD train, locally, for this installation only.

    python manage.py train_moderation_model [--data ../shared/data/vihsd] [--out var/moderation/vihsd.joblib]

ViHSD's terms allow research use, so citydesk does not ship a model trained on it; an operator who
may use it trains one here (TF-IDF word 1–2-grams + logistic regression, about a minute on CPU).
When CITYDESK_MODERATION_MODEL points at the file, the moderation queue shows its score beside the
shipped classifier's score and the lexicon's spans.
"""

import csv
from pathlib import Path

import joblib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from tqdm import tqdm


class Command(BaseCommand):
    help = "Train the optional harassment/hate model on ViHSD train (kept on this machine, never shipped)."

    def add_arguments(self, parser):
        parser.add_argument("--data", default=str(Path(settings.CITYDESK_DATASETS) / "vihsd"))
        parser.add_argument("--out", default=settings.CITYDESK_MODERATION_MODEL)

    def handle(self, *args, data: str, out: str, **options):
        path = Path(data) / "train.csv"
        if not path.is_file():
            raise CommandError(f"no ViHSD train split at {path}")
        with path.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        texts = [row["free_text"] for row in rows]
        labels = [int(row["label_id"]) > 0 for row in rows]  # clean vs offensive or hateful
        model = make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
            LogisticRegression(max_iter=2000, class_weight="balanced"),
        )
        target = Path(out)
        with tqdm(
            total=2, desc="ViHSD model", unit="step", file=self.stderr._out, disable=options["verbosity"] == 0
        ) as bar:
            bar.set_postfix_str("fit")
            model.fit(texts, labels)
            bar.update()
            bar.set_postfix_str("save")
            target.parent.mkdir(parents=True, exist_ok=True)
            joblib.dump(model, target)
            bar.update()
        self.stdout.write(f"trained on {len(rows)} comments; written to {target}")
