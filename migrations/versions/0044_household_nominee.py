"""a household (hộ gia đình) may be nominated: the nomination's CHECK `known_nominee_kind` admits
'household' (Gia đình văn hóa, Luật TĐKT 2022 Art. 2 and 31)

Revision ID: 0044
Revises: 0037
Create Date: 2026-11-30
"""
from alembic import op

revision = '0044'
down_revision = '0037'
branch_labels = None
depends_on = None

_NAME = 'ck_nomination_known_nominee_kind'
_OLD = "nominee_kind IN ('individual', 'collective')"
_NEW = "nominee_kind IN ('individual', 'collective', 'household')"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def _rewrite_sqlite_check(old: str, new: str) -> None:
    """SQLite cannot alter a CHECK; a copy of `nomination` would have to drop the table every vote,
    sitting and registry row refers to. The CHECK text is changed in the stored schema instead, the
    way SQLite documents for changes that leave the stored rows valid (sqlite.org/lang_altertable.html,
    "Making Other Kinds Of Table Schema Changes"): the rows already satisfy both forms (widening), and a
    downgrade is refused first while a household nomination exists."""
    bind = op.get_bind()
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'nomination'").scalar()
    assert sql is not None and sql.count(old) == 1, "the nomination table's CHECK is not the expected one"
    version = bind.exec_driver_sql('PRAGMA schema_version').scalar()
    bind.exec_driver_sql('PRAGMA writable_schema = ON')
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'nomination'",
                         (sql.replace(old, new),))
    bind.exec_driver_sql(f'PRAGMA schema_version = {int(version) + 1}')
    bind.exec_driver_sql('PRAGMA writable_schema = OFF')
    # The schema is read again (a full integrity_check would scan every row of a large register): the new
    # text must parse and name the constraint once.
    bind.exec_driver_sql('SELECT 1 FROM nomination LIMIT 0').all()
    reread = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'nomination'")
    assert reread.scalar().count(new) == 1


def upgrade() -> None:
    if _sqlite():
        _rewrite_sqlite_check(_OLD, _NEW)
    else:
        op.drop_constraint(op.f(_NAME), 'nomination', type_='check')
        op.create_check_constraint(op.f(_NAME), 'nomination', _NEW)


def downgrade() -> None:
    households = op.get_bind().exec_driver_sql(
        "SELECT count(*) FROM nomination WHERE nominee_kind = 'household'").scalar()
    if households:
        raise RuntimeError(f"{households} đề nghị khen thưởng hộ gia đình: không hạ được phiên bản cơ sở dữ liệu "
                           "khi còn dữ liệu này.")
    if _sqlite():
        _rewrite_sqlite_check(_NEW, _OLD)
    else:
        op.drop_constraint(op.f(_NAME), 'nomination', type_='check')
        op.create_check_constraint(op.f(_NAME), 'nomination', _OLD)
