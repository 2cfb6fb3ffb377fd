"""notices

Notices (微网格群喊话) posted to a node of the tree: shown on the public page of every
micro-grid under it and on their workers' today lists until they expire or are withdrawn (who
and when are kept).

Revision ID: d717cf173eb3
Revises: d77d025d96a5
Create Date: 2026-12-01 12:09:54.933113

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd717cf173eb3'
down_revision = 'd77d025d96a5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grid_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=40), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('client_key', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['worker.id'], name=op.f('fk_notice_created_by_id_worker')),
    sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=op.f('fk_notice_grid_id_grid')),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['worker.id'], name=op.f('fk_notice_withdrawn_by_id_worker')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice')),
    sa.UniqueConstraint('client_key', name=op.f('uq_notice_client_key'))
    )
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.create_index('ix_notice_grid_expires', ['grid_id', 'expires_at'], unique=False)



def downgrade():
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_index('ix_notice_grid_expires')

    op.drop_table('notice')
