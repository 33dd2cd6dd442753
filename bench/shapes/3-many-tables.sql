-- Shape 3 of issue 19 for bench/backup.sh (SHAPE=3): 300 small tables of a few thousand rows each (5,000 at scale 1),
-- each with an index and a foreign key to one shared customers table, so the costs that go with the number of tables
-- (tables to dump, load, index, check and count) show.
\set customers (10000 * :scale)::int
\set rows      (5000 * :scale)::int

CREATE TABLE customers (id bigserial PRIMARY KEY, name text NOT NULL, email text NOT NULL, joined_at timestamptz NOT NULL);
INSERT INTO customers (name, email, joined_at)
SELECT (ARRAY['김','이','박','최','정'])[1 + g % 5] || (ARRAY['민준','서연','도윤','하은','지호'])[1 + g % 5] || ' ' || g,
       'c' || g || '@' || (ARRAY['naver.com','daum.net','gmail.com'])[1 + g % 3], timestamptz '2022-01-01' + (g % 1000) * interval '1 day'
FROM generate_series(1, :customers) g;

SELECT format('CREATE TABLE t%s (id bigserial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers(id), '
              'name text NOT NULL, note text, amount numeric(12,2) NOT NULL, created_at timestamptz NOT NULL, attributes jsonb NOT NULL)', g)
FROM generate_series(1, 300) g \gexec

SELECT format($$INSERT INTO t%1$s (customer_id, name, note, amount, created_at, attributes)
  SELECT 1 + (random() * (%3$s - 1))::int, (ARRAY['주문','배송','결제','환불','문의'])[1 + r %% 5] || ' ' || r || ' ' || substr(md5('%1$s/' || r), 1, 12),
         (ARRAY['빠른 배송 부탁드립니다. ','Call before delivery. ',''])[1 + r %% 3] || md5('n%1$s/' || r),
         round((random() * 100000)::numeric, 2), timestamptz '2024-01-01' + random() * interval '700 days',
         jsonb_build_object('kind', (ARRAY['a','b','c','d'])[1 + r %% 4], 'token', md5('t%1$s/' || r), 'city', (ARRAY['서울','부산','대구'])[1 + r %% 3])
  FROM generate_series(1, %2$s) r$$, g, :rows, :customers)
FROM generate_series(1, 300) g \gexec

SELECT format('CREATE INDEX ON t%s (customer_id)', g) FROM generate_series(1, 300) g \gexec
