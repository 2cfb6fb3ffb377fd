"""rate limit counters

The rate limits' counters when there is no Redis (webapp/limits_storage.py): with the limiter's
memory storage every gunicorn process counted on its own, so three processes let three times
the sign-in limit through. One row per limit and address or phone, for its current window; the
index on the expiry lets the app prune what has expired. A new table: nothing to fill.

Revision ID: fbd71f51be4b
Revises: f90311d07536
Create Date: 2026-12-01 10:35:59.777946

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fbd71f51be4b'
down_revision = 'f90311d07536'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rate_limit_counter',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_limit_counter'))
    )
    with op.batch_alter_table('rate_limit_counter', schema=None) as batch_op:
        batch_op.create_index('ix_rate_limit_counter_expires_at', ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('rate_limit_counter', schema=None) as batch_op:
        batch_op.drop_index('ix_rate_limit_counter_expires_at')

    op.drop_table('rate_limit_counter')
