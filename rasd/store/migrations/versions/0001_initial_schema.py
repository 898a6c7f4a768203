"""Initial schema: articles, LSH bands, places, actors, events, claims, mentions, revisions.

Generated from rasd/store/schema.py at version 0001; never edit an applied migration, add a new one.

Revision ID: 0001
Revises: 
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('actors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=512), nullable=False),
    sa.Column('name_ar', sa.String(length=512), nullable=True),
    sa.Column('inter', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actors')),
    sa.UniqueConstraint('name', name=op.f('uq_actors_name'))
    )
    op.create_table('articles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_key', sa.String(length=64), nullable=False),
    sa.Column('external_id', sa.String(length=512), nullable=False),
    sa.Column('canonical_url', sa.String(length=2048), nullable=True),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('outlet', sa.String(length=256), nullable=False),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('minhash', sa.LargeBinary(), nullable=True),
    sa.Column('near_duplicate_group', sa.String(length=64), nullable=True),
    sa.Column('n_events', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_articles')),
    sa.UniqueConstraint('article_key', name=op.f('uq_articles_article_key'))
    )
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_articles_canonical_url'), ['canonical_url'], unique=False)
        batch_op.create_index(batch_op.f('ix_articles_near_duplicate_group'), ['near_duplicate_group'], unique=False)

    op.create_table('places',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('place_key', sa.String(length=512), nullable=False),
    sa.Column('country', sa.String(length=128), nullable=True),
    sa.Column('country_code', sa.String(length=8), nullable=True),
    sa.Column('admin1', sa.String(length=256), nullable=True),
    sa.Column('admin2', sa.String(length=256), nullable=True),
    sa.Column('location', sa.String(length=512), nullable=True),
    sa.Column('location_ar', sa.String(length=512), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('geo_precision', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_places')),
    sa.UniqueConstraint('place_key', name=op.f('uq_places_place_key'))
    )
    op.create_table('revisions',
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=40), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('article_key', sa.String(length=64), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_revisions'))
    )
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revisions_event_id'), ['event_id'], unique=False)

    op.create_table('article_bands',
    sa.Column('band_hash', sa.BigInteger(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_article_bands_article_id_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('band_hash', 'article_id', name=op.f('pk_article_bands'))
    )
    op.create_table('claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_key', sa.String(length=64), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=40), nullable=True),
    sa.Column('cluster_key', sa.String(length=64), nullable=False),
    sa.Column('local_event_id', sa.String(length=128), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=True),
    sa.Column('attribution', sa.Text(), nullable=True),
    sa.Column('attribution_en', sa.Text(), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('event_type', sa.String(length=64), nullable=False),
    sa.Column('sub_event_type', sa.String(length=64), nullable=False),
    sa.Column('modality', sa.String(length=32), nullable=False),
    sa.Column('event_date', sa.String(length=10), nullable=True),
    sa.Column('time_precision', sa.Integer(), nullable=True),
    sa.Column('day_lo', sa.Integer(), nullable=True),
    sa.Column('day_hi', sa.Integer(), nullable=True),
    sa.Column('country', sa.String(length=128), nullable=True),
    sa.Column('country_code', sa.String(length=8), nullable=True),
    sa.Column('admin1', sa.String(length=256), nullable=True),
    sa.Column('admin2', sa.String(length=256), nullable=True),
    sa.Column('location', sa.String(length=512), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('geo_precision', sa.Integer(), nullable=True),
    sa.Column('actor1', sa.String(length=512), nullable=True),
    sa.Column('actor2', sa.String(length=512), nullable=True),
    sa.Column('fatalities', sa.Integer(), nullable=True),
    sa.Column('best', sa.Integer(), nullable=True),
    sa.Column('low', sa.Integer(), nullable=True),
    sa.Column('high', sa.Integer(), nullable=True),
    sa.Column('record', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_claims_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_claims_place_id_places')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claims')),
    sa.UniqueConstraint('claim_key', name=op.f('uq_claims_claim_key'))
    )
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claims_article_id'), ['article_id'], unique=False)
        batch_op.create_index('ix_claims_blocking', ['country_code', 'event_type', 'day_lo'], unique=False)
        batch_op.create_index(batch_op.f('ix_claims_cluster_key'), ['cluster_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_claims_country_code'), ['country_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_claims_day_hi'), ['day_hi'], unique=False)
        batch_op.create_index(batch_op.f('ix_claims_day_lo'), ['day_lo'], unique=False)
        batch_op.create_index(batch_op.f('ix_claims_event_date'), ['event_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_claims_event_id'), ['event_id'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=40), nullable=False),
    sa.Column('cluster_key', sa.String(length=64), nullable=False),
    sa.Column('number_of_sources', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=True),
    sa.Column('actor1_id', sa.Integer(), nullable=True),
    sa.Column('actor2_id', sa.Integer(), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('event_type', sa.String(length=64), nullable=False),
    sa.Column('sub_event_type', sa.String(length=64), nullable=False),
    sa.Column('modality', sa.String(length=32), nullable=False),
    sa.Column('event_date', sa.String(length=10), nullable=True),
    sa.Column('time_precision', sa.Integer(), nullable=True),
    sa.Column('day_lo', sa.Integer(), nullable=True),
    sa.Column('day_hi', sa.Integer(), nullable=True),
    sa.Column('country', sa.String(length=128), nullable=True),
    sa.Column('country_code', sa.String(length=8), nullable=True),
    sa.Column('admin1', sa.String(length=256), nullable=True),
    sa.Column('admin2', sa.String(length=256), nullable=True),
    sa.Column('location', sa.String(length=512), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('geo_precision', sa.Integer(), nullable=True),
    sa.Column('actor1', sa.String(length=512), nullable=True),
    sa.Column('actor2', sa.String(length=512), nullable=True),
    sa.Column('fatalities', sa.Integer(), nullable=True),
    sa.Column('best', sa.Integer(), nullable=True),
    sa.Column('low', sa.Integer(), nullable=True),
    sa.Column('high', sa.Integer(), nullable=True),
    sa.Column('record', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor1_id'], ['actors.id'], name=op.f('fk_events_actor1_id_actors')),
    sa.ForeignKeyConstraint(['actor2_id'], ['actors.id'], name=op.f('fk_events_actor2_id_actors')),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_events_place_id_places')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('event_id', name=op.f('uq_events_event_id'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_cluster_key'), ['cluster_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_country_code'), ['country_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_day_hi'), ['day_hi'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_day_lo'), ['day_lo'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_event_date'), ['event_date'], unique=False)

    op.create_table('mentions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('value', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_mentions_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_mentions_claim_id_claims'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentions'))
    )
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentions_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentions_claim_id'), ['claim_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentions_claim_id'))
        batch_op.drop_index(batch_op.f('ix_mentions_article_id'))

    op.drop_table('mentions')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_event_date'))
        batch_op.drop_index(batch_op.f('ix_events_day_lo'))
        batch_op.drop_index(batch_op.f('ix_events_day_hi'))
        batch_op.drop_index(batch_op.f('ix_events_country_code'))
        batch_op.drop_index(batch_op.f('ix_events_cluster_key'))

    op.drop_table('events')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claims_event_id'))
        batch_op.drop_index(batch_op.f('ix_claims_event_date'))
        batch_op.drop_index(batch_op.f('ix_claims_day_lo'))
        batch_op.drop_index(batch_op.f('ix_claims_day_hi'))
        batch_op.drop_index(batch_op.f('ix_claims_country_code'))
        batch_op.drop_index(batch_op.f('ix_claims_cluster_key'))
        batch_op.drop_index('ix_claims_blocking')
        batch_op.drop_index(batch_op.f('ix_claims_article_id'))

    op.drop_table('claims')
    op.drop_table('article_bands')
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revisions_event_id'))

    op.drop_table('revisions')
    op.drop_table('places')
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_articles_near_duplicate_group'))
        batch_op.drop_index(batch_op.f('ix_articles_canonical_url'))

    op.drop_table('articles')
    op.drop_table('actors')
