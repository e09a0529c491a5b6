"""Importing the org-chart file: units, users and their roles, councils, and the registry's people.

`yaml_lines` reads YAML keeping line numbers, `validate` checks every row first, `writer` applies a
valid chart all-or-nothing and idempotently."""
