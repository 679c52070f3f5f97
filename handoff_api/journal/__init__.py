"""The weekly *Journal des usagers*: what citizens asked, what the bot answered, what went wrong."""
