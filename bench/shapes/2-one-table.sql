-- Shape 2 of issue 19 for bench/backup.sh (SHAPE=2): one dominant table — about 2 million rows at scale 1, over 90 % of
-- the bytes — with a primary key and two secondary indexes, beside one small table. Mixed text, numbers, times, JSONB
-- and Korean text; the random parts come from md5/random, so it compresses about like real data.
\set events (2000000 * :scale)::int
\set shops  (20000 * :scale)::int

CREATE TABLE shops (id bigserial PRIMARY KEY, name text NOT NULL, city text NOT NULL, opened_at timestamptz NOT NULL);
CREATE TABLE events (id bigserial PRIMARY KEY, shop_id bigint NOT NULL, kind text NOT NULL, amount numeric(12,2) NOT NULL,
    quantity int NOT NULL, created_at timestamptz NOT NULL, title text NOT NULL, body text, payload jsonb NOT NULL);
CREATE INDEX events_shop_id ON events (shop_id);
CREATE INDEX events_created_at ON events (created_at);

INSERT INTO shops (name, city, opened_at)
SELECT (ARRAY['행복','하늘','바다','푸른','새벽'])[1 + g % 5] || ' 상점 ' || g, (ARRAY['서울','부산','인천','대구','광주'])[1 + g % 5],
       timestamptz '2020-01-01' + (g % 1500) * interval '1 day'
FROM generate_series(1, :shops) g;

INSERT INTO events (shop_id, kind, amount, quantity, created_at, title, body, payload)
SELECT 1 + (random() * (:shops - 1))::int,
       (ARRAY['order.paid','order.shipped','order.refunded','cart.added','review.posted'])[1 + g % 5],
       round((1000 + random() * 300000)::numeric, 2), 1 + (random() * 9)::int,
       timestamptz '2024-01-01' + random() * interval '700 days',
       (ARRAY['주문 결제 완료','배송 시작','환불 요청','장바구니 추가','상품 후기 등록'])[1 + g % 5] || ' #' || g,
       (ARRAY['문 앞에 놓아 주세요. ','배송 전에 연락 주세요. ','Fragile, handle with care. ',''])[1 + g % 4] || substr(md5('b' || g), 1, 12),
       jsonb_build_object('agent', (ARRAY['iOS','Android','Chrome','Safari'])[1 + g % 4], 'session', substr(md5('s' || g), 1, 12),
                          'city', (ARRAY['서울','부산','인천','대구','대전','광주'])[1 + g % 6], 'items', 1 + g % 7)
FROM generate_series(1, :events) g;
