"""Business actions as plain functions: check permission, change state, audit, flush; never commit."""
