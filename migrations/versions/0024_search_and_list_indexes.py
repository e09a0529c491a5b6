"""nominee names folded for the search (backfilled), trigram indexes on the folded columns on
PostgreSQL (pg_trgm), the dossier list's sort key indexed; process_step: the path steps whose tasks
left an instance's saved state

Revision ID: 0024
Revises: 0020
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

from engine.text import fold


revision = '0024'
down_revision = '0025'
branch_labels = None
depends_on = None

_BATCH = 5000


def _searchable(name: str, table: str, column: str) -> None:
    op.create_index(name, table, [column], unique=False, postgresql_using='gin',
                    postgresql_ops={column: 'gin_trgm_ops'})


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        # A trusted extension since PostgreSQL 13: the database owner may create it.
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')

    # NOT NULL with an empty default, filled below: SQLite cannot make a column NOT NULL afterwards
    # without rebuilding the table, which the foreign keys to nomination refuse.
    op.add_column('nomination', sa.Column('nominee_name_folded', sa.String(length=300), nullable=False,
                                          server_default=''))

    # The folded form is engine.text.fold (diacritics, đ, case, whitespace), which SQL cannot say.
    nomination = sa.table('nomination', sa.column('id', sa.Integer),
                          sa.column('nominee_name', sa.String), sa.column('nominee_name_folded', sa.String))
    last = 0
    while True:
        rows = bind.execute(sa.select(nomination.c.id, nomination.c.nominee_name)
                            .where(nomination.c.id > last).order_by(nomination.c.id).limit(_BATCH)).all()
        if not rows:
            break
        bind.execute(nomination.update().where(nomination.c.id == sa.bindparam('b_id'))
                     .values(nominee_name_folded=sa.bindparam('b_folded')),
                     [{'b_id': row.id, 'b_folded': fold(row.nominee_name)} for row in rows])
        last = rows[-1].id

    if bind.dialect.name == 'postgresql':  # SQLite keeps the default; every write sets the column anyway
        op.alter_column('nomination', 'nominee_name_folded', server_default=None)
    _searchable('ix_nomination_nominee_name_folded', 'nomination', 'nominee_name_folded')
    _searchable('ix_dossier_title_folded', 'dossier', 'title_folded')
    op.create_index('ix_dossier_created_at_id', 'dossier', ['created_at', 'id'], unique=False)

    op.create_table('process_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('finished_at', sa.Double(), nullable=False),
    sa.Column('process', sa.String(length=100), nullable=False),
    sa.Column('run', sa.String(length=40), nullable=False),
    sa.Column('caller', sa.String(length=40), nullable=True),
    sa.Column('element', sa.String(length=200), nullable=False),
    sa.Column('after', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'],
                            name=op.f('fk_process_step_instance_id_process_instance'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_step'))
    )
    op.create_index(op.f('ix_process_step_instance_id'), 'process_step', ['instance_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_process_step_instance_id'), table_name='process_step')
    op.drop_table('process_step')
    op.drop_index('ix_dossier_created_at_id', table_name='dossier')
    op.drop_index('ix_dossier_title_folded', table_name='dossier')
    op.drop_index('ix_nomination_nominee_name_folded', table_name='nomination')
    op.drop_column('nomination', 'nominee_name_folded')  # SQLite ≥ 3.35 drops an unindexed column in place
    # pg_trgm stays: other objects of the database may use it.
