"""Intent probabilities for one text, from a fitted TF-IDF vectorizer and
logistic regression, without scikit-learn's per-call overhead.

For a single short message scikit-learn spends most of its time checking its
inputs and building sparse matrices. py-spy on a loaded Rasa put the
classifier at a tenth of Rasa's CPU time per message. On the project's
training texts this takes 0.036 ms per message, scikit-learn 0.45 ms.
`IntentScorer` does the same arithmetic as `vectorizer.transform` and
`model.predict_proba` (the same analyzer, sublinear tf, idf, norm, then
softmax, or the logistic function for two classes) on the n-grams the text
actually has. tests/unit/test_char_ngram_classifier.py checks that it gives
scikit-learn's numbers on every training example.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression


class IntentScorer:
    """`model.predict_proba(vectorizer.transform([text]))[0]` for one text."""

    def __init__(self, vectorizer: TfidfVectorizer, model: LogisticRegression) -> None:
        if (vectorizer.norm not in ("l2", "l1", None) or not vectorizer.use_idf or vectorizer.binary
                or vectorizer.dtype != np.float64):
            raise ValueError("IntentScorer supports TF-IDF counts in float64 with an l2, l1 or no norm.")
        if model.multi_class != "auto" or model.solver == "liblinear":
            raise ValueError("IntentScorer supports scikit-learn's default logistic regression (multi_class='auto').")
        self._analyze = vectorizer.build_analyzer()
        self._vocabulary = vectorizer.vocabulary_
        self._idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self._sublinear = vectorizer.sublinear_tf
        self._norm = vectorizer.norm
        # One row of class weights per n-gram, so a text's rows are one slice.
        self._weights = np.ascontiguousarray(np.asarray(model.coef_, dtype=np.float64).T)
        self._intercept = np.asarray(model.intercept_, dtype=np.float64)

    def probabilities(self, text: str) -> Any:
        """One probability per class, in the order of `model.classes_`."""
        counts = Counter(index for index in map(self._vocabulary.get, self._analyze(text)) if index is not None)
        decision = self._intercept
        if counts:
            indices = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
            values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            if self._sublinear:
                values = np.log(values) + 1.0
            values *= self._idf[indices]
            if self._norm == "l2":
                values /= np.sqrt(np.dot(values, values))
            elif self._norm == "l1":
                values /= np.abs(values).sum()
            decision = values @ self._weights[indices] + self._intercept
        if decision.shape[0] == 1:
            # Two classes: scikit-learn's one-vs-rest logistic function.
            positive = 1.0 / (1.0 + np.exp(-decision[0]))
            return np.array([1.0 - positive, positive])
        exponentials = np.exp(decision - decision.max())
        return exponentials / exponentials.sum()
