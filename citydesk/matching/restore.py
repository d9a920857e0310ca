"""Marks put back on text typed without them, learnt from the marked texts the index already holds.

e5 collapses on Vietnamese typed without tone and vowel marks (R@1 0.98 → 0.31 on vnPara), and
tipsters often type that way. The stored claims are written with marks, so they show which marked
word each bare syllable usually is ("tin" → "tin", "bao" → "bão" or "báo") and which word usually
follows which ("cơn bão", "tờ báo"). A bigram model over them and a Viterbi pass pick the most likely
marked sentence; e5 then reads that instead of the bare text.

Memory: one id per distinct marked word, its count, and the pair counts packed in sorted numpy arrays
(12 bytes a pair, with a dict of the pairs added since the last merge), so a million claims fit.
"""

import dataclasses
import re
from array import array

import numpy as np

from .normalize import Normalized, fold

_WORD = re.compile(r"[^\W\d_]+")  # letters only: numbers, URLs and punctuation stay as they are
START = 0  # the id of the sentence start
CHOICES = 6  # marked forms considered per bare syllable, the most frequent first
PRIOR = 0.5  # how much a word's own frequency weighs against what the previous word says (dev: 0.5 best)
MIN_KNOWN = 0.5  # marks are put back only if at least this share of the words is known


class _PairCounts:
    """Counts of (previous word, word) pairs as uint64 keys: sorted arrays plus a dict of recent ones."""

    def __init__(self):
        self._table = (np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.uint32))  # keys, counts: one swap
        self._recent: dict[int, int] = {}

    def add(self, key: int) -> None:
        self._recent[key] = self._recent.get(key, 0) + 1
        if len(self._recent) > max(200_000, len(self._table[0]) // 4):
            self._merge()

    def _merge(self) -> None:
        if not self._recent:
            return
        stored_keys, stored_counts = self._table
        keys = np.concatenate([stored_keys, np.fromiter(self._recent.keys(), np.uint64, len(self._recent))])
        counts = np.concatenate([stored_counts, np.fromiter(self._recent.values(), np.uint32, len(self._recent))])
        order = np.argsort(keys, kind="stable")
        keys, counts = keys[order], counts[order]
        starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
        self._table = (keys[starts], np.add.reduceat(counts, starts).astype(np.uint32))
        self._recent = {}

    def get(self, keys: np.ndarray) -> np.ndarray:
        """The count of each key (0 for pairs never seen)."""
        found = np.zeros(len(keys), dtype=np.float64)
        stored_keys, stored_counts = self._table
        if len(stored_keys):
            at = np.minimum(np.searchsorted(stored_keys, keys), len(stored_keys) - 1)
            hit = stored_keys[at] == keys
            found[hit] = stored_counts[at[hit]]
        recent = self._recent
        if recent:
            found += np.fromiter((recent.get(int(key), 0) for key in keys), np.float64, len(keys))
        return found


class Restorer:
    """learn(marked text) many times, then restore(bare text) -> (marked text, share of words known)."""

    def __init__(self):
        self._ids: dict[str, int] = {"": START}
        self._words: list[str] = [""]
        self._counts = array("Q", [0])  # occurrences of each word (as the previous word of a pair)
        self._choices: dict[str, dict[int, int]] = {}  # bare syllable -> {marked word id: count}
        self._pairs = _PairCounts()
        self.texts = 0  # texts learnt

    def __len__(self) -> int:
        return len(self._words) - 1

    def learn(self, text: str) -> None:
        """Count the words of a normalised text written with marks (texts without any are skipped)."""
        words = _WORD.findall(text)
        if not words or all(fold(word) == word for word in words):
            return
        self.texts += 1
        previous = START
        for word in words:
            word_id = self._ids.get(word)
            if word_id is None:
                word_id = self._ids[word] = len(self._words)
                self._words.append(word)
                self._counts.append(0)
            bare = fold(word)
            options = self._choices.setdefault(bare, {})
            options[word_id] = options.get(word_id, 0) + 1
            self._counts[previous] += 1
            self._pairs.add(previous << 32 | word_id)
            previous = word_id

    def restore(self, text: str) -> tuple[str, float]:
        """The text with its bare syllables replaced by the most likely marked words, and the share of
        its words that were known (a word never seen stays as typed)."""
        matches = list(_WORD.finditer(text))
        if not matches:
            return text, 0.0
        lattice = []  # per word: (candidate ids, log prior of each)
        known = 0
        for match in matches:
            options = self._choices.get(fold(match.group()))
            if not options:
                lattice.append(None)
                continue
            known += 1
            best = sorted(options.items(), key=lambda item: -item[1])[:CHOICES]
            total = sum(options.values())
            lattice.append((np.array([i for i, _ in best], dtype=np.uint64), np.array([c / total for _, c in best])))
        chosen = self._viterbi(lattice)
        out, end = [], 0
        for match, word_id in zip(matches, chosen, strict=True):
            out.append(text[end : match.start()])
            out.append(match.group() if word_id is None else self._words[word_id])
            end = match.end()
        out.append(text[end:])
        return "".join(out), known / len(matches)

    def restore_normalized(self, normalized: Normalized, min_known: float = MIN_KNOWN) -> Normalized:
        """A normalised text typed without marks, with marks put back (same folded form, URLs, phones and
        numbers); unchanged if it has marks or fewer than min_known of its words were ever seen."""
        if normalized.has_diacritics:
            return normalized
        text, known = self.restore(normalized.text)
        if known < min_known or text == normalized.text:
            return normalized
        return dataclasses.replace(normalized, text=text, has_diacritics=True, restored=True)

    def _viterbi(self, lattice: list) -> list[int | None]:
        chosen: list[int | None] = [None] * len(lattice)
        steps: list[tuple[int, np.ndarray, np.ndarray]] = []  # (position, candidate ids, back-pointers)
        previous_ids, previous_scores = np.array([START], dtype=np.uint64), np.zeros(1)
        for position, node in enumerate(lattice + [None]):
            if node is None:
                # An unknown word (or the end) breaks the chain: settle the best path so far.
                best = int(np.argmax(previous_scores))
                for step_position, ids, back in reversed(steps):
                    chosen[step_position] = int(ids[best])
                    best = int(back[best])
                steps = []
                previous_ids, previous_scores = np.array([START], dtype=np.uint64), np.zeros(1)
                continue
            ids, priors = node
            keys = (previous_ids[:, None] << np.uint64(32)) | ids[None, :]
            pairs = self._pairs.get(keys.ravel()).reshape(keys.shape)
            totals = np.array([self._counts[int(i)] for i in previous_ids], dtype=np.float64)
            # P(word | previous word), with the word's share among its marked forms as the prior.
            scores = previous_scores[:, None] + np.log((pairs + PRIOR * priors[None, :]) / (totals[:, None] + PRIOR))
            steps.append((position, ids, np.argmax(scores, axis=0)))
            previous_ids, previous_scores = ids, scores.max(axis=0)
        return chosen
