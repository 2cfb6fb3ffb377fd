"""imports of the office's spreadsheets

One table for an import's state from upload to write (the kind, the stored file, who and when,
the check's counts and first errors, the check and write jobs), so that the preview and the
list of recent imports are the same on every app server. A new table: nothing to fill.

Revision ID: 8e7fcb2e83d5
Revises: fbd71f51be4b
Create Date: 2026-12-01 10:43:03.001464

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8e7fcb2e83d5'
down_revision = 'fbd71f51be4b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sheet_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('stored_path', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('check_job_id', sa.String(length=32), nullable=True),
    sa.Column('write_job_id', sa.String(length=32), nullable=True),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('error_count', sa.Integer(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('warnings', sa.JSON(), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['check_job_id'], ['job.id'], name=op.f('fk_sheet_import_check_job_id_job')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['worker.id'], name=op.f('fk_sheet_import_confirmed_by_id_worker')),
    sa.ForeignKeyConstraint(['created_by_id'], ['worker.id'], name=op.f('fk_sheet_import_created_by_id_worker')),
    sa.ForeignKeyConstraint(['write_job_id'], ['job.id'], name=op.f('fk_sheet_import_write_job_id_job')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sheet_import'))
    )
    with op.batch_alter_table('sheet_import', schema=None) as batch_op:
        batch_op.create_index('ix_sheet_import_owner_created', ['created_by_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('sheet_import', schema=None) as batch_op:
        batch_op.drop_index('ix_sheet_import_owner_created')

    op.drop_table('sheet_import')
