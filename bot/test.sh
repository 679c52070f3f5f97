#!/usr/bin/env bash
# Evaluate the trained model (run bash bot/train.sh first), from the project root:
#   bash bot/test.sh
# 1. NLU on the held-out examples (never used for training): intent macro F1 >= 0.92 and no
#    intent below 0.85 is the bar; the reports land in var/rasa-results/nlu.
# 2. Test stories end to end (--e2e: each message goes through NLU, its intent and entities
#    are checked, then the predicted actions); custom actions are not executed, so no action
#    server is needed. Fails if a story fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false
RASA="${RASA:-.venv-rasa/bin/rasa}"
MODEL="${MODEL:-$(ls -t var/rasa-models/*.tar.gz | head -1)}"
OUT=var/rasa-results
"$RASA" test nlu --model "$MODEL" --domain bot/domain.yml --nlu tests/bot/nlu_holdout.yml --out "$OUT/nlu" --no-plot
"$RASA" test core --e2e --model "$MODEL" --stories tests/bot/test_stories.yml --out "$OUT/stories" \
    --fail-on-prediction-errors --no-plot
.venv-rasa/bin/python - "$OUT/nlu/intent_report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
scores = {k: v["f1-score"] for k, v in report.items() if isinstance(v, dict) and "avg" not in k and k != "accuracy"}
macro = report["macro avg"]["f1-score"]
worst = min(scores, key=scores.get)
print(f"intent macro F1 {macro:.3f}; lowest {worst} {scores[worst]:.3f}")
sys.exit(0 if macro >= 0.92 and scores[worst] >= 0.85 else 1)
PY
