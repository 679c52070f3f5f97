"""What a citizen gets for each blind message, end to end: the real app, Rasa server and action server.

Run: ``.venv/bin/python -m benchmarks.nlu_outcomes [--set ANY/SET.yml]`` (starts the stack of tests/e2e on
free ports with the trained model for the current data, var/rasa-models/guichet-<fingerprint>.tar.gz, named
in the output; a few minutes). Each message is the first of a fresh web chat conversation; its replies are
sorted into an outcome: an FAQ answer, a clarification, the report form, the status lookup (asks the
reference or gives a status), a handoff (and to which department), a small-talk reply (which one), a
request to rephrase. The table per written intent goes to docs/benchmarks-nlu.md, next to the intent
figures of the same set.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import yaml

from actions import texts
from benchmarks.nlu_blind import load_set, write
from benchmarks.report import header, table
from guichet.settings import PROJECT_ROOT
from handoff_api.rasa_model import model_path
from handoff_api.stack import Stack
from testing.stack import stack_settings

DISCLOSURE = re.compile(r"^\([^)]*\) ")
BENCH_LIMITS = {"webchat_messages_per_minute": 100_000, "webchat_address_messages_per_minute": 1_000_000,
                "webchat_conversations_per_hour": 1_000_000}
STATUS_FORM = {texts.ASK_REFERENCE, texts.STATUS_BAD_REFERENCE}
REPORT_FORM = {texts.ASK_PROBLEM_TYPE, texts.ASK_PLACE, texts.ASK_PROBLEM_DETAILS, texts.REPORT_ASK_TYPE_AGAIN,
               texts.REPORT_ASK_PLACE_AGAIN}
# the outcome each written intent should reach (several are right for a question or a report)
EXPECTED = {"greet": {"smalltalk greet"}, "goodbye": {"smalltalk goodbye"}, "thank": {"smalltalk thank"},
            "affirm": {"smalltalk affirm"}, "deny": {"smalltalk deny"},
            "bot_challenge": {"smalltalk bot_challenge"}, "insult": {"insult reply"},
            "ask_question": {"answer", "clarify"}, "check_status": {"status lookup"},
            "report_problem": {"report form"}, "request_human": {"handoff"}}


def smalltalk_texts() -> dict[str, str]:
    """Text of each small-talk response of the domain -> the intent it answers."""
    domain = yaml.safe_load((PROJECT_ROOT / "bot" / "domain.yml").read_text())
    found = {}
    for name, variants in domain["responses"].items():
        for variant in variants:
            text = (variant.get("custom") or {}).get("text") or variant.get("text")
            if text and name.startswith("utter_"):
                found[text] = name.removeprefix("utter_")
    return found


def outcome(replies: list[dict[str, Any]], smalltalk: dict[str, str]) -> tuple[str, str | None]:
    """(outcome, department of a handoff or None) of the replies to one message."""
    kinds = [reply.get("kind") for reply in replies]
    for reply in replies:
        if reply.get("kind") == "handoff":
            return "handoff", (reply.get("handoff") or {}).get("department") or "-"
    for reply in replies:
        text = reply.get("text", "")
        if reply.get("kind") == "form":
            # the status form asks for a G- reference; every other form question belongs to the report form
            if text in STATUS_FORM or "G-" in text:
                return "status lookup", None
            return "report form", None
        if reply.get("kind") == "info" and "G-" in text:
            return "status lookup", None
    if "answer" in kinds:
        return "answer", None
    if "clarify" in kinds:
        return "clarify", None
    for reply in replies:
        # the first bot message of a conversation says it is automatic: "(Assistant automatique) ..."
        text = DISCLOSURE.sub("", reply.get("text", ""), count=1)
        if text == texts.PROMPT_REPHRASE:
            return "rephrase", None
        if text == texts.INSULT_FIRST:
            return "insult reply", None
        if text in smalltalk:
            return f"smalltalk {smalltalk[text]}", None
    return ("no reply" if not replies else "other " + ",".join(str(kind) for kind in kinds)), None


def run(base: str, pairs: list[tuple[str, str]], replies: Path | None) -> list[tuple[str, str, str | None]]:
    smalltalk = smalltalk_texts()
    results, raw = [], []
    with httpx.Client(base_url=base, timeout=60) as client:
        for text, intent in pairs:
            body = client.post("/api/webchat/conversations").json()
            response = client.post(f"/api/webchat/conversations/{body['conversation_id']}/messages",
                                   json={"text": text}, headers={"Authorization": f"Bearer {body['token']}"})
            response.raise_for_status()
            name, department = outcome(response.json()["replies"], smalltalk)
            results.append((intent, name, department))
            raw.append({"text": text, "written": intent, "outcome": name, "replies": response.json()["replies"]})
    if replies:
        replies.write_text(json.dumps(raw, ensure_ascii=False, indent=1))
    return results


def render(set_path: Path, results: list[tuple[str, str, str | None]], command: str, model: str) -> str:
    intents = sorted({intent for intent, _, _ in results})
    outcomes = sorted({name for _, name, _ in results})
    counts = Counter((intent, name) for intent, name, _ in results)
    right = {intent: sum(counts[intent, name] for name in EXPECTED.get(intent, set())) for intent in intents}
    totals = Counter(intent for intent, _, _ in results)
    departments = Counter(department for intent, name, department in results
                          if intent == "report_problem" and name == "handoff")
    rows = [(intent, f"{right[intent]} / {totals[intent]}", *(counts[intent, name] or "." for name in outcomes))
            for intent in intents]
    lines = [header(f"End to end on blind set `{set_path.name}`", command).replace("## ", "### ", 1),
             "Each message opens a fresh web chat conversation (real app, Rasa server and action server). "
             "Expected outcome: small talk of the same intent, the insult reply, an answer or a clarification "
             "for a question, the report form for a problem, the status lookup for a status, a handoff for "
             f"a person. Model: `{model}`.\n",
             f"**{sum(right.values())} / {len(results)} messages reach the expected outcome.**\n",
             table(["written intent", "expected outcome", *outcomes], rows)]
    if departments:
        lines.append("Reports handed off at once, by department: "
                     + ", ".join(f"{name} {count}" for name, count in departments.most_common()) + ".\n")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", type=Path, default=PROJECT_ROOT / "tests" / "bot" / "nlu_blind_1.yml")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--replies", type=Path, help="also write every message with its replies (JSON)")
    args = parser.parse_args()
    pairs = load_set(args.set)
    with tempfile.TemporaryDirectory() as folder:
        settings = stack_settings(Path(folder), service_token="bench-token", **BENCH_LIMITS)
        stack = Stack(settings, logs=Path(folder) / "logs")
        try:
            stack.start()
            stack.wait_healthy(timeout=900)
            results = run(settings.resolved_api_url, pairs, args.replies)
        finally:
            stack.stop()
    text = render(args.set, results, f".venv/bin/python -m benchmarks.nlu_outcomes --set {args.set.name}",
                  model_path(settings).name)
    print(text)
    if not args.no_write:
        write(text)


if __name__ == "__main__":
    main()
