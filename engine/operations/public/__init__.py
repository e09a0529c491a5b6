"""The public face (no login): lists under public disclosure and the comments citizens send about them,
issued decisions, award lookup, and the registry of exemplary people and models (docs/public.md)."""
from engine.operations.public import disclosure as disclosure  # registers the public_disclosure prefill
