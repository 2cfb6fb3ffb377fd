"""duplicates and merges

Records merged into another (which went into which, by whom, what moved over), pairs a person
found not to be duplicates (never offered again), and the resolution of visits flagged as
possible duplicates (kept, or struck out of the counts, with a reason). New tables only: no
existing row changes.

Revision ID: a3d5c70ee127
Revises: d77d025d96a5
Create Date: 2026-12-01 12:10:24.435189

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3d5c70ee127'
down_revision = 'd77d025d96a5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('not_duplicate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('first_id', sa.Integer(), nullable=False),
    sa.Column('second_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('resident', 'household')", name=op.f('ck_not_duplicate_kind_known')),
    sa.CheckConstraint('first_id < second_id', name=op.f('ck_not_duplicate_ordered')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['worker.id'], name=op.f('fk_not_duplicate_decided_by_id_worker')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_not_duplicate')),
    sa.UniqueConstraint('kind', 'first_id', 'second_id', name='uq_not_duplicate_pair')
    )
    op.create_table('record_merge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('kept_id', sa.Integer(), nullable=False),
    sa.Column('merged_id', sa.Integer(), nullable=False),
    sa.Column('grid_id', sa.Integer(), nullable=False),
    sa.Column('merged_at', sa.DateTime(), nullable=False),
    sa.Column('merged_by_id', sa.Integer(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.CheckConstraint("kind IN ('resident', 'household')", name=op.f('ck_record_merge_kind_known')),
    sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=op.f('fk_record_merge_grid_id_grid')),
    sa.ForeignKeyConstraint(['merged_by_id'], ['worker.id'], name=op.f('fk_record_merge_merged_by_id_worker')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_merge')),
    sa.UniqueConstraint('kind', 'merged_id', name='uq_record_merge_merged')
    )
    with op.batch_alter_table('record_merge', schema=None) as batch_op:
        batch_op.create_index('ix_record_merge_kept', ['kind', 'kept_id'], unique=False)

    op.create_table('visit_resolution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('struck', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['worker.id'], name=op.f('fk_visit_resolution_decided_by_id_worker')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_visit_resolution_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_resolution')),
    sa.UniqueConstraint('visit_id', name=op.f('uq_visit_resolution_visit_id'))
    )
    with op.batch_alter_table('visit_resolution', schema=None) as batch_op:
        batch_op.create_index('ix_visit_resolution_struck', ['struck', 'visit_id'], unique=False)



def downgrade():
    with op.batch_alter_table('visit_resolution', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_resolution_struck')

    op.drop_table('visit_resolution')
    with op.batch_alter_table('record_merge', schema=None) as batch_op:
        batch_op.drop_index('ix_record_merge_kept')

    op.drop_table('record_merge')
    op.drop_table('not_duplicate')
