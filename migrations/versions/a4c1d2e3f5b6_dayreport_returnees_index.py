"""daily report: an index of residents by registration time

The daily report counts the returnees registered on its day, and the period summary those of
its days: a range of resident.created_at, which had no index (500,000 residents on the zone).

Revision ID: a4c1d2e3f5b6
Revises: d77d025d96a5
Create Date: 2026-12-01 12:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a4c1d2e3f5b6'
down_revision = 'd77d025d96a5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.create_index('ix_resident_created', ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.drop_index('ix_resident_created')
