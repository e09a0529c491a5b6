"""the emulation year: annual plans and their tasks, movements and the units answering them,
registrations for titles, clusters (cụm, khối) by year with their scoring sheet and scores; a
nomination may name the movement it rewards

Revision ID: 0028
Revises: 0027
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa
import engine.db


revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def _id() -> sa.Column:
    return sa.Column('id', sa.Integer(), nullable=False)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f'{target}.id'], name=op.f(f'fk_{table}_{column}_{target}'))


def _index(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(op.f(f'ix_{table}_{column}'), table, [column], unique=False)


def upgrade() -> None:
    op.create_table('emulation_plan',
    _id(),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('document_number', sa.String(length=60), nullable=True),
    sa.Column('document_date', sa.Date(), nullable=True),
    sa.Column('registration_due_on', sa.Date(), nullable=True),
    sa.Column('file_sha256', sa.String(length=64), nullable=True),
    sa.Column('file_name', sa.String(length=255), nullable=True),
    sa.Column('file_type', sa.String(length=100), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    _fk('emulation_plan', 'created_by_id', 'app_user'),
    _fk('emulation_plan', 'unit_id', 'unit'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_emulation_plan')),
    sa.UniqueConstraint('unit_id', 'year', name='uq_emulation_plan_unit_year')
    )
    _index('emulation_plan', 'unit_id')
    op.create_table('emulation_plan_task',
    _id(),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('owner_unit_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    _fk('emulation_plan_task', 'owner_unit_id', 'unit'),
    _fk('emulation_plan_task', 'plan_id', 'emulation_plan'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_emulation_plan_task'))
    )
    _index('emulation_plan_task', 'owner_unit_id', 'plan_id')
    op.create_table('movement',
    _id(),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('regular', 'period', 'thematic', name='movement_kind', native_enum=False, length=20), nullable=False),
    sa.Column('theme', sa.String(length=500), nullable=False),
    sa.Column('content', sa.Text(), nullable=True),
    sa.Column('criteria', sa.Text(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on IS NULL OR ends_on >= starts_on', name=op.f('ck_movement_movement_ends_after_start')),
    sa.CheckConstraint('parent_id IS NULL OR parent_id <> id', name=op.f('ck_movement_movement_not_own_parent')),
    _fk('movement', 'created_by_id', 'app_user'),
    _fk('movement', 'parent_id', 'movement'),
    _fk('movement', 'unit_id', 'unit'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_movement'))
    )
    _index('movement', 'parent_id', 'unit_id')
    op.create_table('movement_response',
    _id(),
    sa.Column('movement_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('commitment', sa.Text(), nullable=True),
    sa.Column('registered_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('report', sa.Text(), nullable=True),
    sa.Column('reported_at', engine.db.UTCDateTime(timezone=True), nullable=True),
    _fk('movement_response', 'movement_id', 'movement'),
    _fk('movement_response', 'unit_id', 'unit'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_movement_response')),
    sa.UniqueConstraint('movement_id', 'unit_id', name='uq_movement_response_unit')
    )
    _index('movement_response', 'movement_id', 'unit_id')
    op.create_table('emulation_registration',
    _id(),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('nominee_kind', sa.Enum('individual', 'collective', name='awardee_kind', native_enum=False, length=20), nullable=False),
    sa.Column('nominee_name', sa.String(length=300), nullable=False),
    sa.Column('nominee_name_folded', sa.String(length=300), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=True),
    sa.Column('awardee_id', sa.Integer(), nullable=True),
    sa.Column('award_type', sa.String(length=40), nullable=False),
    sa.Column('movement_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    _fk('emulation_registration', 'awardee_id', 'awardee'),
    _fk('emulation_registration', 'created_by_id', 'app_user'),
    _fk('emulation_registration', 'movement_id', 'movement'),
    _fk('emulation_registration', 'unit_id', 'unit'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_emulation_registration')),
    sa.UniqueConstraint('unit_id', 'year', 'nominee_kind', 'nominee_name_folded', 'award_type',
                        name='uq_emulation_registration_title')
    )
    _index('emulation_registration', 'awardee_id', 'movement_id', 'unit_id')
    op.create_table('emulation_cluster',
    _id(),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.Enum('cluster', 'block', name='cluster_kind', native_enum=False, length=20), nullable=False),
    sa.Column('organiser_unit_id', sa.Integer(), nullable=False),
    sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    _fk('emulation_cluster', 'organiser_unit_id', 'unit'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_emulation_cluster'))
    )
    _index('emulation_cluster', 'organiser_unit_id')
    op.create_table('emulation_cluster_year',
    _id(),
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('head_unit_id', sa.Integer(), nullable=False),
    sa.Column('deputy_unit_id', sa.Integer(), nullable=True),
    sa.Column('members', sa.JSON(), nullable=False),
    sa.Column('pact_number', sa.String(length=60), nullable=True),
    sa.Column('pact_signed_on', sa.Date(), nullable=True),
    sa.Column('sheet', sa.JSON(), nullable=False),
    sa.Column('sheet_version', sa.Integer(), nullable=False),
    sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('deputy_unit_id IS NULL OR deputy_unit_id <> head_unit_id',
                       name=op.f('ck_emulation_cluster_year_head_not_deputy')),
    _fk('emulation_cluster_year', 'cluster_id', 'emulation_cluster'),
    _fk('emulation_cluster_year', 'deputy_unit_id', 'unit'),
    _fk('emulation_cluster_year', 'head_unit_id', 'unit'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_emulation_cluster_year')),
    sa.UniqueConstraint('cluster_id', 'year', name='uq_emulation_cluster_year')
    )
    _index('emulation_cluster_year', 'cluster_id')
    op.create_table('emulation_cluster_score',
    _id(),
    sa.Column('cluster_year_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('criterion', sa.String(length=40), nullable=False),
    sa.Column('self_points', sa.Numeric(precision=7, scale=2), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.Column('adjusted_points', sa.Numeric(precision=7, scale=2), nullable=True),
    sa.Column('adjust_reason', sa.Text(), nullable=True),
    sa.Column('sheet_version', sa.Integer(), nullable=False),
    sa.Column('scored_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('adjusted_at', engine.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('adjusted_points IS NULL OR adjust_reason IS NOT NULL',
                       name=op.f('ck_emulation_cluster_score_adjusted_with_reason')),
    _fk('emulation_cluster_score', 'cluster_year_id', 'emulation_cluster_year'),
    _fk('emulation_cluster_score', 'unit_id', 'unit'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_emulation_cluster_score')),
    sa.UniqueConstraint('cluster_year_id', 'unit_id', 'criterion', name='uq_emulation_cluster_score')
    )
    _index('emulation_cluster_score', 'cluster_year_id')
    # The nomination names the movement it rewards: a column with its reference, in place on SQLite.
    if _sqlite():
        op.execute('ALTER TABLE nomination ADD COLUMN movement_id INTEGER '
                   'CONSTRAINT fk_nomination_movement_id_movement REFERENCES movement (id)')
    else:
        op.add_column('nomination', sa.Column('movement_id', sa.Integer(), nullable=True))
        op.create_foreign_key('fk_nomination_movement_id_movement', 'nomination', 'movement', ['movement_id'], ['id'])
    op.create_index(op.f('ix_nomination_movement_id'), 'nomination', ['movement_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_nomination_movement_id'), table_name='nomination')
    if _sqlite():
        op.execute('ALTER TABLE nomination DROP COLUMN movement_id')
    else:
        op.drop_constraint('fk_nomination_movement_id_movement', 'nomination', type_='foreignkey')
        op.drop_column('nomination', 'movement_id')
    for table in ('emulation_cluster_score', 'emulation_cluster_year', 'emulation_cluster', 'emulation_registration',
                  'movement_response', 'movement', 'emulation_plan_task', 'emulation_plan'):
        op.drop_table(table)
