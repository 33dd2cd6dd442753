-- A realistic platform data set for bench/backup.sh: ~2 million rows at scale 1 of mixed text, e-mail
-- addresses, amounts, times and JSON. Random parts come from md5/random, so it compresses like real data
-- (about 3x with gzip), not like pgbench's blank filler (35x).
\set users     (200000 * :scale)::int
\set products  (50000 * :scale)::int
\set orders    (700000 * :scale)::int
\set items     (1050000 * :scale)::int

CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE, name text NOT NULL, phone text, address text,
    created_at timestamptz NOT NULL, profile jsonb NOT NULL);
CREATE TABLE products (id bigserial PRIMARY KEY, sku text NOT NULL UNIQUE, name text NOT NULL, description text NOT NULL,
    price numeric(12,2) NOT NULL, stock int NOT NULL CHECK (stock >= 0), attributes jsonb NOT NULL);
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users(id), status text NOT NULL,
    total numeric(12,2) NOT NULL, created_at timestamptz NOT NULL, shipping jsonb NOT NULL, note text);
CREATE TABLE order_items (id bigserial PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders(id),
    product_id bigint NOT NULL REFERENCES products(id), quantity int NOT NULL CHECK (quantity > 0), price numeric(12,2) NOT NULL,
    options jsonb NOT NULL);
CREATE INDEX orders_user_id ON orders (user_id);
CREATE INDEX orders_created_at ON orders (created_at);
CREATE INDEX order_items_order_id ON order_items (order_id);

INSERT INTO users (email, name, phone, address, created_at, profile)
SELECT 'user' || g || '.' || substr(md5(g::text), 1, 6) || '@' || (ARRAY['gmail.com','naver.com','daum.net','example.co.kr'])[1 + g % 4],
       (ARRAY['Kim','Lee','Park','Choi','Jung','Kang','Cho','Yoon'])[1 + g % 8] || ' ' || initcap(substr(md5('n' || g), 1, 7)),
       '010-' || lpad((g % 10000)::text, 4, '0') || '-' || lpad(((g * 7919) % 10000)::text, 4, '0'),
       (ARRAY['Seoul','Busan','Incheon','Daegu'])[1 + g % 4] || ', ' || (g % 500) || ' ' || substr(md5('a' || g), 1, 12) || '-gil, apt ' || (g % 2000),
       timestamptz '2023-01-01' + (g % 900) * interval '1 day' + (g % 86400) * interval '1 second',
       jsonb_build_object('marketing', g % 3 = 0, 'locale', (ARRAY['ko-KR','en-US'])[1 + g % 2], 'token', md5('t' || g))
FROM generate_series(1, :users) g;

INSERT INTO products (sku, name, description, price, stock, attributes)
SELECT 'SKU-' || lpad(g::text, 7, '0'),
       (ARRAY['Organic','Fresh','Premium','Daily','Classic'])[1 + g % 5] || ' ' || (ARRAY['tea','rice','kimchi','coffee','noodles','snack'])[1 + g % 6] || ' ' || g,
       repeat('Carefully selected and packed. ', 2 + g % 3) || md5('d' || g) || ' ' || md5('e' || g),
       round((1000 + random() * 99000)::numeric, 2), 100 + (random() * 10000)::int,
       jsonb_build_object('color', (ARRAY['red','green','blue','black'])[1 + g % 4], 'weight_g', 100 + g % 900,
                          'tags', jsonb_build_array('food', 'k-' || (g % 50)), 'barcode', md5('b' || g))
FROM generate_series(1, :products) g;

INSERT INTO orders (user_id, status, total, created_at, shipping, note)
SELECT 1 + (random() * (:users - 1))::int,
       (ARRAY['paid','shipped','delivered','cancelled','refunded'])[1 + (random() * 4)::int],
       round((5000 + random() * 300000)::numeric, 2),
       timestamptz '2024-01-01' + random() * interval '700 days',
       jsonb_build_object('zip', lpad((random() * 99999)::int::text, 5, '0'),
                          'city', (ARRAY['Seoul','Busan','Incheon','Daegu','Daejeon','Gwangju'])[1 + g % 6],
                          'street', (g % 300) || '-' || (g % 17) || ' ' || substr(md5('s' || g), 1, 10) || '-ro',
                          'courier', (ARRAY['CJ','Hanjin','Lotte','Post'])[1 + g % 4], 'tracking', substr(md5('k' || g), 1, 16)),
       (ARRAY['Please leave at the door. ', 'Call before delivery. ', 'Fragile, handle with care. ', ''])[1 + g % 4] || substr(md5('m' || g), 1, 16)
FROM generate_series(1, :orders) g;

INSERT INTO order_items (order_id, product_id, quantity, price, options)
SELECT 1 + (g % :orders), 1 + (random() * (:products - 1))::int, 1 + (random() * 4)::int, round((1000 + random() * 99000)::numeric, 2),
       jsonb_build_object('gift', g % 5 = 0, 'size', (ARRAY['S','M','L','XL'])[1 + g % 4], 'memo', substr(md5('o' || g), 1, 14))
FROM generate_series(1, :items) g;
