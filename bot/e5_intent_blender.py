"""A Rasa intent classifier placed after DIET: blends DIET's ranking with a logistic regression on e5.

Runs in .venv-rasa; named in bot/config.yml as ``bot.e5_intent_blender.E5IntentBlender``, after
``DIETClassifier`` and before ``FallbackClassifier``. DIET learns mostly from words and character n-grams
and is near-certain (confidence ~1.00) even when it is wrong on a phrasing it never saw; a multinomial
logistic regression on the e5 sentence embedding (bot/e5_featurizer.py) gives probabilities that reflect
how close the message is to each intent's examples. The intent is the argmax of
``weight * DIET + (1 - weight) * regression``, so the two must agree for a confident answer, and the
FallbackClassifier fires when neither is sure. bot/config.yml sets ``weight`` (0.35), chosen on the held-out
split over several retrainings (benchmarks/nlu_blend_sweep.py), never on a blind set.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

FEATURIZER = "E5SentenceFeaturizer"
PARAMETERS = "blender.npz"
CLASSES = "blender-classes.json"


def sentence_vector(message: Message) -> np.ndarray | None:
    """The e5 sentence feature of the message's text, or None when the message has none."""
    for feature in message.features:
        origins = [feature.origin] if isinstance(feature.origin, str) else list(feature.origin)
        if feature.attribute == TEXT and feature.type == "sentence" and any(FEATURIZER in o for o in origins):
            return np.asarray(feature.features, dtype=np.float64).reshape(-1)
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class E5IntentBlender(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"weight": 0.5, "C": 16.0}

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn"]

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 classes: list[str] | None = None, coef: np.ndarray | None = None,
                 intercept: np.ndarray | None = None) -> None:
        weight = config["weight"]
        if not isinstance(weight, int | float) or not 0 <= weight <= 1:
            raise ValueError(f"E5IntentBlender weight={weight!r}: expected a number between 0 and 1")
        self._config = config
        self._storage = model_storage
        self._resource = resource
        self._classes = classes or []
        self._coef = coef
        self._intercept = intercept

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> E5IntentBlender:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.linear_model import LogisticRegression

        rows, labels = [], []
        for message in training_data.intent_examples:
            vector = sentence_vector(message)
            if vector is None:
                raise ValueError(f"E5IntentBlender: no {FEATURIZER} sentence feature for {message.get(TEXT)!r}; "
                                 f"put {FEATURIZER} before it in the pipeline")
            rows.append(vector)
            labels.append(message.get(INTENT))
        model = LogisticRegression(C=float(self._config["C"]), max_iter=5000).fit(np.vstack(rows), labels)
        self._classes = [str(name) for name in model.classes_]
        self._coef, self._intercept = model.coef_, model.intercept_
        with self._storage.write_to(self._resource) as folder:
            np.savez(folder / PARAMETERS, coef=self._coef, intercept=self._intercept)
            (folder / CLASSES).write_text(json.dumps(self._classes))
        return self._resource

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> E5IntentBlender:
        with model_storage.read_from(resource) as folder:
            arrays = np.load(folder / PARAMETERS)
            classes = json.loads((folder / CLASSES).read_text())
            return cls(config, model_storage, resource, classes, arrays["coef"], arrays["intercept"])

    def _probabilities(self, vector: np.ndarray) -> dict[str, float]:
        assert self._coef is not None and self._intercept is not None
        scores = self._coef @ vector + self._intercept
        exp = np.exp(scores - scores.max())
        return dict(zip(self._classes, (exp / exp.sum()).tolist(), strict=True))

    def process(self, messages: list[Message]) -> list[Message]:
        if self._coef is None:
            return messages
        weight = float(self._config["weight"])
        for message in messages:
            vector = sentence_vector(message)
            ranking = message.get(INTENT_RANKING_KEY) or []
            if vector is None or not ranking:
                continue
            diet = {item[INTENT_NAME_KEY]: float(item[PREDICTED_CONFIDENCE_KEY]) for item in ranking}
            regression = self._probabilities(vector)
            blended = {name: weight * diet.get(name, 0.0) + (1 - weight) * regression.get(name, 0.0)
                       for name in set(diet) | set(regression)}
            ordered = sorted(blended.items(), key=lambda item: item[1], reverse=True)
            ranked = [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: value} for name, value in ordered]
            message.set(INTENT, ranked[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranked[:10], add_to_output=True)
        return messages
