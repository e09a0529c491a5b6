"""Operating the installation: backup and restore, and the check of workflows, forms, rules and hooks.

These stand above every domain (the check reads the helpers and hooks the domains register) and manage
their own transactions: a backup reads one snapshot, a restore runs migrations and loads in one commit.
"""
