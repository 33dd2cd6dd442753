-- A signed-in customer's cart, kept in the database so it follows them across devices (a guest's lives in a cookie
-- until sign-in). Removing an account or a product takes its cart lines with it: a cart is no record of a sale.
CREATE TABLE cart_items (
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    product_id bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, product_id)
);
CREATE INDEX cart_items_product_idx ON cart_items (product_id);
