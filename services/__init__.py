"""What the web app, the console and the gateway do to a conversation, one way each: send a reply,
open, claim, resolve a handoff, return a conversation to the bot."""
