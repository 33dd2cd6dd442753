-- The other shape for bench/pitr.sh (PITR_DATA=bench/many-tables-data.sql): the same ~2 million rows at scale 1 as
-- bench/backup-data.sql, spread over 1,000 small tables of 2,000 rows (each with its primary key and one more index),
-- so the costs that go with the number of tables (files to back up, tables to dump, load, index and count) show.
\set rows (2000 * :scale)::int

SELECT format('CREATE TABLE t%s (id bigserial PRIMARY KEY, name text NOT NULL, amount numeric(12,2) NOT NULL, '
              'created_at timestamptz NOT NULL, attributes jsonb NOT NULL)', g)
FROM generate_series(1, 1000) g \gexec

SELECT format($$INSERT INTO t%1$s (name, amount, created_at, attributes)
  SELECT 'item ' || r || ' ' || substr(md5('%1$s/' || r), 1, 12), round((random() * 100000)::numeric, 2),
         timestamptz '2024-01-01' + random() * interval '700 days',
         jsonb_build_object('kind', (ARRAY['a','b','c','d'])[1 + r %% 4], 'token', md5('t%1$s/' || r))
  FROM generate_series(1, %2$s) r$$, g, :rows)
FROM generate_series(1, 1000) g \gexec

SELECT format('CREATE INDEX ON t%s (created_at)', g) FROM generate_series(1, 1000) g \gexec
