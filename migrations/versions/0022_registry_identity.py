"""the registry tells people apart (birth date, gender, keyed hash of the national ID, units over
time), records decisions, yearly grades, history imports and reversible merges; each existing person
gets a membership in their current unit

Revision ID: 0022
Revises: 0020
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa
import engine.db


revision = '0022'
down_revision = '0024'
branch_labels = None
depends_on = None


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def add_column(table: str, column: sa.Column) -> None:
    op.add_column(table, column)


def add_reference(table: str, column: str, target: str) -> None:
    """A nullable integer column referencing `target.id`, with its named foreign key."""
    name = f'fk_{table}_{column}_{target}'
    if _sqlite():  # SQLite adds a column with its reference in place; it cannot add a constraint later
        op.execute(f'ALTER TABLE {table} ADD COLUMN {column} INTEGER CONSTRAINT {name} REFERENCES {target} (id)')
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(name, table, target, [column], ['id'])


def drop_column(table: str, column: str, constraint: str | None = None) -> None:
    if _sqlite():
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
        return
    if constraint is not None:
        op.drop_constraint(constraint, table, type_='foreignkey')
    op.drop_column(table, column)


def upgrade() -> None:
    op.create_table('history_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('previewed', 'imported', name='import_status', native_enum=False, length=20), nullable=False),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('rows_bad', sa.Integer(), nullable=False),
    sa.Column('added', sa.JSON(), nullable=True),
    sa.Column('problems', sa.JSON(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('imported_at', engine.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_history_import_created_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_history_import'))
    )
    with op.batch_alter_table('history_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_history_import_sha256'), ['sha256'], unique=False)

    op.create_table('awardee_membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('awardee_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('from_date', sa.Date(), nullable=True),
    sa.Column('to_date', sa.Date(), nullable=True),
    sa.Column('position', sa.String(length=200), nullable=True),
    sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['awardee_id'], ['awardee.id'], name=op.f('fk_awardee_membership_awardee_id_awardee')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_awardee_membership_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awardee_membership'))
    )
    with op.batch_alter_table('awardee_membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_awardee_membership_awardee_id'), ['awardee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_awardee_membership_unit_id'), ['unit_id'], unique=False)

    op.create_table('awardee_merge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kept_id', sa.Integer(), nullable=False),
    sa.Column('merged_id', sa.Integer(), nullable=False),
    sa.Column('moved', sa.JSON(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('merged_by_id', sa.Integer(), nullable=True),
    sa.Column('merged_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('undone_at', engine.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['kept_id'], ['awardee.id'], name=op.f('fk_awardee_merge_kept_id_awardee')),
    sa.ForeignKeyConstraint(['merged_by_id'], ['app_user.id'], name=op.f('fk_awardee_merge_merged_by_id_app_user')),
    sa.ForeignKeyConstraint(['merged_id'], ['awardee.id'], name=op.f('fk_awardee_merge_merged_id_awardee')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awardee_merge'))
    )
    with op.batch_alter_table('awardee_merge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_awardee_merge_kept_id'), ['kept_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_awardee_merge_merged_id'), ['merged_id'], unique=False)

    op.create_table('registry_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('issuer', sa.String(length=300), nullable=False),
    sa.Column('issuer_folded', sa.String(length=300), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['history_import.id'], name=op.f('fk_registry_decision_import_id_history_import')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registry_decision')),
    sa.UniqueConstraint('number', 'signed_on', 'issuer_folded', name='uq_registry_decision_key')
    )
    with op.batch_alter_table('registry_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registry_decision_import_id'), ['import_id'], unique=False)

    op.create_table('yearly_grade',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('awardee_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=9), nullable=True),
    sa.Column('grade', sa.Enum('excellent', 'good', 'done', 'not_done', name='task_grade', native_enum=False, length=20), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['awardee_id'], ['awardee.id'], name=op.f('fk_yearly_grade_awardee_id_awardee')),
    sa.ForeignKeyConstraint(['import_id'], ['history_import.id'], name=op.f('fk_yearly_grade_import_id_history_import')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_yearly_grade')),
    sa.UniqueConstraint('awardee_id', 'year', name='uq_yearly_grade_awardee_year')
    )
    with op.batch_alter_table('yearly_grade', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_yearly_grade_import_id'), ['import_id'], unique=False)

    # Columns added in place, never by copying a table that other tables' rows reference (SQLite refuses
    # to drop a referenced table that has rows).
    add_column('awardee', sa.Column('birth_date', sa.Date(), nullable=True))
    add_column('awardee', sa.Column('gender', sa.Enum('male', 'female', name='gender', native_enum=False,
                                                      length=10), nullable=True))
    add_column('awardee', sa.Column('national_id_hash', sa.String(length=64), nullable=True))
    add_reference('awardee', 'merged_into_id', 'awardee')
    op.create_index(op.f('ix_awardee_merged_into_id'), 'awardee', ['merged_into_id'], unique=False)
    op.create_index('ix_awardee_name_birth', 'awardee', ['name_folded', 'birth_date'], unique=False)
    op.create_index(op.f('ix_awardee_national_id_hash'), 'awardee', ['national_id_hash'], unique=False)

    add_reference('granted_award', 'registry_decision_id', 'registry_decision')
    add_column('granted_award', sa.Column('period', sa.String(length=9), nullable=True))
    add_reference('granted_award', 'import_id', 'history_import')
    op.create_index(op.f('ix_granted_award_import_id'), 'granted_award', ['import_id'], unique=False)
    op.create_index(op.f('ix_granted_award_registry_decision_id'), 'granted_award', ['registry_decision_id'],
                    unique=False)

    add_reference('initiative', 'import_id', 'history_import')
    op.create_index(op.f('ix_initiative_import_id'), 'initiative', ['import_id'], unique=False)

    add_column('nomination', sa.Column('nominee_birth_date', sa.Date(), nullable=True))

    # Backfill: everyone in the registry is a member of their current unit, since an unknown date.
    op.execute("INSERT INTO awardee_membership (awardee_id, unit_id, from_date, to_date, position, created_at) "
               "SELECT id, unit_id, NULL, NULL, position, created_at FROM awardee WHERE unit_id IS NOT NULL")


def downgrade() -> None:
    drop_column('nomination', 'nominee_birth_date')
    op.drop_index(op.f('ix_initiative_import_id'), table_name='initiative')
    drop_column('initiative', 'import_id', 'fk_initiative_import_id_history_import')
    op.drop_index(op.f('ix_granted_award_registry_decision_id'), table_name='granted_award')
    op.drop_index(op.f('ix_granted_award_import_id'), table_name='granted_award')
    drop_column('granted_award', 'import_id', 'fk_granted_award_import_id_history_import')
    drop_column('granted_award', 'period')
    drop_column('granted_award', 'registry_decision_id', 'fk_granted_award_registry_decision_id_registry_decision')
    op.drop_index(op.f('ix_awardee_national_id_hash'), table_name='awardee')
    op.drop_index('ix_awardee_name_birth', table_name='awardee')
    op.drop_index(op.f('ix_awardee_merged_into_id'), table_name='awardee')
    drop_column('awardee', 'merged_into_id', 'fk_awardee_merged_into_id_awardee')
    drop_column('awardee', 'national_id_hash')
    drop_column('awardee', 'gender')
    drop_column('awardee', 'birth_date')

    with op.batch_alter_table('yearly_grade', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_yearly_grade_import_id'))

    op.drop_table('yearly_grade')
    with op.batch_alter_table('registry_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registry_decision_import_id'))

    op.drop_table('registry_decision')
    with op.batch_alter_table('awardee_merge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_awardee_merge_merged_id'))
        batch_op.drop_index(batch_op.f('ix_awardee_merge_kept_id'))

    op.drop_table('awardee_merge')
    with op.batch_alter_table('awardee_membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_awardee_membership_unit_id'))
        batch_op.drop_index(batch_op.f('ix_awardee_membership_awardee_id'))

    op.drop_table('awardee_membership')
    with op.batch_alter_table('history_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_history_import_sha256'))

    op.drop_table('history_import')
