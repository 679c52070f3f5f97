#!/usr/bin/env bash
# Train the Rasa model (NLU + dialogue) offline, from the project root:
#   bash bot/train.sh            -> var/rasa-models/guichet.tar.gz
# Equivalent command:
#   RASA_TELEMETRY_ENABLED=false .venv-rasa/bin/rasa train --config bot/config.yml \
#       --domain bot/domain.yml --data data --out var/rasa-models --fixed-model-name guichet
# Takes about 2 minutes of CPU (DIET: 60 epochs); wall time depends on the machine's load.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false
RASA="${RASA:-.venv-rasa/bin/rasa}"
"$RASA" data validate --config bot/config.yml --domain bot/domain.yml --data data --fail-on-warnings
"$RASA" train --config bot/config.yml --domain bot/domain.yml --data data \
    --out var/rasa-models --fixed-model-name guichet "$@"
