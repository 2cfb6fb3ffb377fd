"""printing: a job's outcome and whether a retry can help

A finished job keeps what it did (a batch of cards: how many cards it issued, how many it
printed), which its progress page ends with; a failed one says whether running it again could
help: a refusal for a reason in its selection (no worker matches, the area is gone) fails the
same way every time, so no retry is offered. Jobs failed before this revision keep the retry.

Revision ID: a3c1e2f4b5d6
Revises: b7e2c4d6f8a1
Create Date: 2026-12-01 12:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3c1e2f4b5d6'
down_revision = 'b7e2c4d6f8a1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column('retryable', sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_column('retryable')
        batch_op.drop_column('outcome')
