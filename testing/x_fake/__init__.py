"""An offline X API v2 for the channel tests: ``FakeX`` holds the scripted state, ``make_app`` serves it."""

from testing.x_fake.app import DUPLICATE, make_app
from testing.x_fake.oauth import Credentials
from testing.x_fake.state import FakeX, stamp

__all__ = ["DUPLICATE", "Credentials", "FakeX", "make_app", "stamp"]
