"""What the processes agree on (application, Rasa, action server): reply kinds and payloads,
length limits per channel, department slugs and labels, text folding, log redaction.
Imports nothing of the project outside this package (the action server imports only it
and guichet.settings)."""
