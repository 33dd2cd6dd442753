-- Shape 5 of issue 19 for bench/backup.sh (SHAPE=5): one table with six indexes — its primary key, btrees on two text
-- columns and on an amount, a multicolumn index and a GIN index on its JSONB — about 1.2 million rows at scale 1.
\set rows (1200000 * :scale)::int

CREATE TABLE customers (id bigserial PRIMARY KEY, email text NOT NULL, name text NOT NULL, status text NOT NULL,
    grade int NOT NULL, balance numeric(12,2) NOT NULL, created_at timestamptz NOT NULL, tags jsonb NOT NULL);

INSERT INTO customers (email, name, status, grade, balance, created_at, tags)
SELECT 'user' || g || '.' || substr(md5(g::text), 1, 8) || '@' || (ARRAY['gmail.com','naver.com','daum.net'])[1 + g % 3],
       (ARRAY['김','이','박','최','정','강'])[1 + g % 6] || (ARRAY['민준','서연','도윤','하은','지호','수아'])[1 + (g / 6) % 6] || ' ' || substr(md5('n' || g), 1, 6),
       (ARRAY['active','dormant','blocked','new'])[1 + g % 4], g % 7, round((random() * 1000000)::numeric, 2),
       timestamptz '2020-01-01' + random() * interval '1800 days',
       jsonb_build_object('segment', (ARRAY['vip','regular','new','churn'])[1 + g % 4], 'city', (ARRAY['서울','부산','인천','대구'])[1 + g % 4],
                          'interests', jsonb_build_array('k-' || (g % 40), 'k-' || (g % 13), 'k-' || (g % 101)), 'ref', substr(md5('r' || g), 1, 10))
FROM generate_series(1, :rows) g;

CREATE UNIQUE INDEX customers_email ON customers (email);
CREATE INDEX customers_name ON customers (name);
CREATE INDEX customers_status_created ON customers (status, created_at);
CREATE INDEX customers_balance ON customers (balance);
CREATE INDEX customers_tags ON customers USING gin (tags);
