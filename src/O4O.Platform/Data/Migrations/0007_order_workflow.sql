-- Orders move along placed → paid → shipped → delivered, or end cancelled or refunded (the legal steps are in
-- Orders/OrderWorkflow.cs). Each change is a row of order_status_history: who (their id, and their email as it was,
-- so the record survives the account) and when. The shipping address and the parcel's courier and tracking number
-- live on the order; all of them nullable, for the orders placed before and the API clients that send none.
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check
    CHECK (status IN ('placed', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded'));

ALTER TABLE orders
    ADD COLUMN courier text CHECK (length(courier) BETWEEN 1 AND 50),
    ADD COLUMN tracking_number text CHECK (length(tracking_number) BETWEEN 1 AND 50),
    ADD COLUMN recipient text CHECK (length(recipient) BETWEEN 1 AND 50),
    ADD COLUMN phone text CHECK (length(phone) BETWEEN 9 AND 13),
    ADD COLUMN postal_code text CHECK (postal_code ~ '^[0-9]{5}$'),
    ADD COLUMN address text CHECK (length(address) BETWEEN 1 AND 200),
    ADD COLUMN address_detail text CHECK (length(address_detail) BETWEEN 1 AND 100),
    ADD COLUMN delivery_note text CHECK (length(delivery_note) BETWEEN 1 AND 200),
    -- A parcel has both or neither; an address has its required parts or none.
    ADD CONSTRAINT orders_parcel_check CHECK ((courier IS NULL) = (tracking_number IS NULL)),
    ADD CONSTRAINT orders_shipping_check CHECK (
        (recipient IS NULL AND phone IS NULL AND postal_code IS NULL AND address IS NULL AND address_detail IS NULL AND delivery_note IS NULL)
        OR (recipient IS NOT NULL AND phone IS NOT NULL AND postal_code IS NOT NULL AND address IS NOT NULL));

CREATE TABLE order_status_history (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    status text NOT NULL CHECK (status IN ('placed', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded')),
    at timestamptz NOT NULL DEFAULT now(),
    actor_id bigint REFERENCES users (id) ON DELETE SET NULL,
    actor_email text,
    note text CHECK (length(note) BETWEEN 1 AND 500)
);
CREATE INDEX order_status_history_order_idx ON order_status_history (order_id, id);
CREATE INDEX orders_status_idx ON orders (status, id DESC);

-- Every order so far was placed by its customer when it was created. One that has moved on since (an old 'shipped'
-- or 'cancelled') gets a second row for the status it has; when and by whom it got there was never recorded.
INSERT INTO order_status_history (order_id, status, at, actor_id, actor_email)
SELECT o.id, 'placed', o.created_at, o.user_id, u.email FROM orders o JOIN users u ON u.id = o.user_id ORDER BY o.id;
INSERT INTO order_status_history (order_id, status, at, note)
SELECT id, status, now(), 'Status as found when the history began; when and by whom it changed was not recorded.'
FROM orders WHERE status <> 'placed' ORDER BY id;
