"""Parse messages with a trained Rasa model and keep the two rankings the intent blender mixes.

Runs in .venv-rasa: ``.venv-rasa/bin/python bot/nlu_components.py MODEL.tar.gz OUT.json < texts.json``.
Writes a JSON list of ``{"text", "diet", "regression"}``: DIET's full intent ranking and the e5 logistic
regression's probabilities, as bot/e5_intent_blender.py receives them, so that the blend weight and the
fallback thresholds can be replayed for any setting without retraining (benchmarks/nlu_blend_sweep.py).
The blender's ``process`` is wrapped in this process only to read its inputs; the parse itself is unchanged.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


async def components(model: str, texts: list[str]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent
    from rasa.shared.nlu.constants import INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT

    from bot import e5_intent_blender

    seen: dict[str, dict[str, Any]] = {}
    blend = e5_intent_blender.E5IntentBlender.process

    def keep_inputs(self: e5_intent_blender.E5IntentBlender, messages: list[Any]) -> list[Any]:
        for message in messages:
            vector = e5_intent_blender.sentence_vector(message)
            ranking = message.get(INTENT_RANKING_KEY) or []
            if vector is not None and ranking:
                seen[message.get(TEXT)] = {
                    "diet": {item[INTENT_NAME_KEY]: float(item[PREDICTED_CONFIDENCE_KEY]) for item in ranking},
                    "regression": self._probabilities(vector)}
        return blend(self, messages)

    e5_intent_blender.E5IntentBlender.process = keep_inputs  # type: ignore[method-assign]
    agent = Agent.load(model)
    results = []
    for text in texts:
        await agent.parse_message(text)
        if text not in seen:
            raise RuntimeError(f"{model}: the intent blender saw no ranking for {text!r} (is it in the pipeline?)")
        results.append({"text": text, **seen[text]})
    return results


def main(argv: list[str]) -> int:
    from bot.nlu_parse import run_script

    return run_script(argv, name="nlu_components.py", out_name="OUT.json", run=components)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: the project's root
    sys.exit(main(sys.argv[1:]))
