"""audit trail, session epochs, ID-number checks, who revoked a card

The audit trail (append-only, read by admins and supervisors); a worker's session epoch, which
every session and remember-me cookie carries so that raising it ends them all, and the flag a
manager's password reset sets; registrations whose ID number is someone else's, kept for a
supervisor; and who revoked a card. Existing workers start at epoch 0 without a forced change.

Revision ID: f90311d07536
Revises: d1cf9797cd71
Create Date: 2026-12-01 10:14:13.348848

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f90311d07536'
down_revision = 'd1cf9797cd71'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=45), nullable=True),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('object_type', sa.String(length=20), nullable=True),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['worker.id'], name=op.f('fk_audit_entry_actor_id_worker')),
    sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=op.f('fk_audit_entry_grid_id_grid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entry_actor_action_at', ['actor_id', 'action', 'at'], unique=False)
        batch_op.create_index('ix_audit_entry_at', ['at'], unique=False)
        batch_op.create_index('ix_audit_entry_grid_at', ['grid_id', 'at'], unique=False)

    op.create_table('id_number_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('existing_id', sa.Integer(), nullable=False),
    sa.Column('filed_by_id', sa.Integer(), nullable=False),
    sa.Column('filed_at', sa.DateTime(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('phone', sa.String(length=11), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolution', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['existing_id'], ['resident.id'], name=op.f('fk_id_number_check_existing_id_resident')),
    sa.ForeignKeyConstraint(['filed_by_id'], ['worker.id'], name=op.f('fk_id_number_check_filed_by_id_worker')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_id_number_check_household_id_household')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['worker.id'], name=op.f('fk_id_number_check_resolved_by_id_worker')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_id_number_check'))
    )
    with op.batch_alter_table('id_number_check', schema=None) as batch_op:
        batch_op.create_index('ix_id_number_check_open', ['resolved_at', 'household_id'], unique=False)

    with op.batch_alter_table('card', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_card_revoked_by_id_worker'), 'worker', ['revoked_by_id'], ['id'])

    with op.batch_alter_table('worker', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('session_epoch', sa.Integer(), nullable=False, server_default=sa.text('0'))
        )
        batch_op.add_column(
            sa.Column(
                'must_change_password', sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )



def downgrade():
    with op.batch_alter_table('worker', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('session_epoch')

    with op.batch_alter_table('card', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_card_revoked_by_id_worker'), type_='foreignkey')
        batch_op.drop_column('revoked_by_id')

    with op.batch_alter_table('id_number_check', schema=None) as batch_op:
        batch_op.drop_index('ix_id_number_check_open')

    op.drop_table('id_number_check')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entry_grid_at')
        batch_op.drop_index('ix_audit_entry_at')
        batch_op.drop_index('ix_audit_entry_actor_action_at')

    op.drop_table('audit_entry')
