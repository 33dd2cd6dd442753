-- Shape 4 of issue 19 for bench/backup.sh (SHAPE=4): wide rows — each row carries a text value of about 3 KB and a
-- JSONB document of about 2 KB, so both are TOASTed — in one table (about 100,000 rows at scale 1) beside a small one.
\set documents (100000 * :scale)::int

CREATE TABLE authors (id bigserial PRIMARY KEY, name text NOT NULL);
INSERT INTO authors (name) SELECT '작가 ' || g FROM generate_series(1, 1000) g;
CREATE TABLE documents (id bigserial PRIMARY KEY, author_id bigint NOT NULL REFERENCES authors(id), title text NOT NULL,
    created_at timestamptz NOT NULL, body text NOT NULL, metadata jsonb NOT NULL);

INSERT INTO documents (author_id, title, created_at, body, metadata)
SELECT 1 + g % 1000, '상품 설명서 ' || g, timestamptz '2024-01-01' + random() * interval '700 days',
       (SELECT string_agg((ARRAY['배송','상품','고객','결제','품질'])[1 + (i + g) % 5] || ' ' || md5(g || '/' || i), ' ') FROM generate_series(1, 80) i),
       (SELECT jsonb_object_agg('k' || i, jsonb_build_object('v', md5('j' || g || '/' || i), 'n', i * g % 977, '설명', '옵션 ' || i))
        FROM generate_series(1, 25) i)
FROM generate_series(1, :documents) g;
