"""visits: the duplicate check uses the household index

The (worker, household, time) index served only the 10-minute duplicate check, which the
(household, time) index answers as well: a household has a handful of visits in any window.
Every visit written now updates one index fewer.

Revision ID: d1cf9797cd71
Revises: 38061324620c
Create Date: 2026-11-28 20:01:40.794888

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd1cf9797cd71'
down_revision = '38061324620c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_worker_household_time')


def downgrade():
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index(
            'ix_visit_worker_household_time',
            ['worker_id', 'household_id', 'visited_at'],
            unique=False,
        )
