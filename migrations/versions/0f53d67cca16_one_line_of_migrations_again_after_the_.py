"""one line of migrations again after the field-day, duplicates, notices and requests work

Revision ID: 0f53d67cca16
Revises: 2f7baa7dbb1d, 3c5e0f1ab7d2, a3d5c70ee127, a4c1d2e3f5b6, d717cf173eb3
Create Date: 2026-12-01 12:36:16.097740

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0f53d67cca16'
down_revision = ('2f7baa7dbb1d', '3c5e0f1ab7d2', 'a3d5c70ee127', 'a4c1d2e3f5b6', 'd717cf173eb3')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
