"""PostgreSQL: the audit chain's lock taken and its head read in one statement, a function, so that recording
an event costs one round trip less and holds the chain's lock for one round trip less

Revision ID: 0052
Revises: 0051
Create Date: 2026-11-30
"""
from alembic import op

revision = '0052'
down_revision = '0051'
branch_labels = None
depends_on = None

# VOLATILE (the default): under READ COMMITTED each query of the function takes a fresh snapshot, so the
# head is read after the lock is granted and sees every event committed before it — what two statements
# (the lock, then the head) gave. engine/audit.py: _append calls it with the chain's lock key.
_CREATE = """
CREATE FUNCTION audit_chain_head_locked(lock_key bigint)
RETURNS TABLE (head_seq integer, head_hash varchar) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    RETURN QUERY SELECT e.seq, e.hash FROM audit_event AS e ORDER BY e.seq DESC LIMIT 1;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(_CREATE)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP FUNCTION audit_chain_head_locked(bigint)")
