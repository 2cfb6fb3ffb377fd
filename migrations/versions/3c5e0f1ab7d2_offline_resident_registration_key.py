"""offline: the sending key of a resident registration

A registration made on a phone without signal waits in its outbox and may be sent twice (the
first answer lost); the key it carries makes the second copy answer as the first instead of
registering anyone again or refusing the number as taken.

Revision ID: 3c5e0f1ab7d2
Revises: d77d025d96a5
Create Date: 2026-12-01 13:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c5e0f1ab7d2'
down_revision = 'd77d025d96a5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_key', sa.String(length=40), nullable=True))
        batch_op.create_unique_constraint('uq_resident_client_key', ['client_key'])


def downgrade():
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.drop_constraint('uq_resident_client_key', type_='unique')
        batch_op.drop_column('client_key')
