"""The conversation gateway: every citizen message is stored, routed to Rasa or a person, answered
and delivered (the outbox) on its channel (gateway.channels)."""
