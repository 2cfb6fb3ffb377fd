"""household and resident moves

Households moved between micro-grids and residents moved between households, with who moved
them and when: the daily report of a past day counts a household in the micro-grid it was in
that day (and an observation with the household its resident was in), which the moves made
after that day say; the household's history shows them. Moves made before this revision were
not kept, so the reports of the days before it count those households where they are now, as
they always did.

Revision ID: d77d025d96a5
Revises: 8e7fcb2e83d5
Create Date: 2026-12-01 10:47:44.798936

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd77d025d96a5'
down_revision = '8e7fcb2e83d5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('household_move',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('from_grid_id', sa.Integer(), nullable=False),
    sa.Column('to_grid_id', sa.Integer(), nullable=False),
    sa.Column('moved_at', sa.DateTime(), nullable=False),
    sa.Column('moved_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['from_grid_id'], ['grid.id'], name=op.f('fk_household_move_from_grid_id_grid')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_household_move_household_id_household')),
    sa.ForeignKeyConstraint(['moved_by_id'], ['worker.id'], name=op.f('fk_household_move_moved_by_id_worker')),
    sa.ForeignKeyConstraint(['to_grid_id'], ['grid.id'], name=op.f('fk_household_move_to_grid_id_grid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_move'))
    )
    with op.batch_alter_table('household_move', schema=None) as batch_op:
        batch_op.create_index('ix_household_move_household', ['household_id', 'moved_at'], unique=False)
        batch_op.create_index('ix_household_move_time', ['moved_at', 'household_id', 'from_grid_id'], unique=False)

    op.create_table('resident_move',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('from_household_id', sa.Integer(), nullable=False),
    sa.Column('to_household_id', sa.Integer(), nullable=False),
    sa.Column('observation_id', sa.Integer(), nullable=True),
    sa.Column('moved_at', sa.DateTime(), nullable=False),
    sa.Column('moved_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['from_household_id'], ['household.id'], name=op.f('fk_resident_move_from_household_id_household')),
    sa.ForeignKeyConstraint(['moved_by_id'], ['worker.id'], name=op.f('fk_resident_move_moved_by_id_worker')),
    sa.ForeignKeyConstraint(['observation_id'], ['observation.id'], name=op.f('fk_resident_move_observation_id_observation')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_resident_move_resident_id_resident')),
    sa.ForeignKeyConstraint(['to_household_id'], ['household.id'], name=op.f('fk_resident_move_to_household_id_household')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resident_move'))
    )
    with op.batch_alter_table('resident_move', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resident_move_from_household_id'), ['from_household_id'], unique=False)
        batch_op.create_index('ix_resident_move_observation', ['observation_id', 'moved_at'], unique=False)
        batch_op.create_index('ix_resident_move_time', ['moved_at', 'observation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_resident_move_to_household_id'), ['to_household_id'], unique=False)


def downgrade():
    with op.batch_alter_table('resident_move', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resident_move_to_household_id'))
        batch_op.drop_index('ix_resident_move_time')
        batch_op.drop_index('ix_resident_move_observation')
        batch_op.drop_index(batch_op.f('ix_resident_move_from_household_id'))

    op.drop_table('resident_move')
    with op.batch_alter_table('household_move', schema=None) as batch_op:
        batch_op.drop_index('ix_household_move_time')
        batch_op.drop_index('ix_household_move_household')

    op.drop_table('household_move')
