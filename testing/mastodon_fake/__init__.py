"""An offline Mastodon API for the channel tests: ``FakeMastodon`` holds the scripted state, ``make_app`` serves it."""

from testing.mastodon_fake.app import make_app
from testing.mastodon_fake.state import FakeMastodon

__all__ = ["FakeMastodon", "make_app"]
