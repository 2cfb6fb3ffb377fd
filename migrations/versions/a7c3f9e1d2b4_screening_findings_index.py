"""screening findings index: coverage counts findings from the screenings that have one

Revision ID: a7c3f9e1d2b4
Revises: ed500214c09c
Create Date: 2026-12-01 16:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a7c3f9e1d2b4"
down_revision = "ed500214c09c"
branch_labels = None
depends_on = None

FINDINGS = "contact AND (returnee OR fever OR key_person OR elderly_alone)"


def upgrade():
    with op.batch_alter_table("screening", schema=None) as batch_op:
        batch_op.create_index(
            "ix_screening_findings",
            [
                "sweep_id",
                "grid_id",
                "screened_at",
                "returnee",
                "fever",
                "key_person",
                "elderly_alone",
                "contact",
            ],
            unique=False,
            sqlite_where=sa.text(FINDINGS),
            postgresql_where=sa.text(FINDINGS),
        )


def downgrade():
    with op.batch_alter_table("screening", schema=None) as batch_op:
        batch_op.drop_index("ix_screening_findings")
