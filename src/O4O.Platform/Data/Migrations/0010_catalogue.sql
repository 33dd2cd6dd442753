-- The catalogue: categories to browse by, archiving instead of deleting (past orders keep their lines), images
-- stored as files under $O4O_HOME/uploads (the column names the server-made file, never a client's), and every
-- change of stock by hand kept with its reason and its admin.

CREATE TABLE categories (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 64),
    sort_order integer NOT NULL DEFAULT 0
);

-- Nullable: products made before categories existed (or by an older client) belong to none until an admin says.
ALTER TABLE products
    ADD COLUMN category_id bigint REFERENCES categories (id),
    ADD COLUMN archived boolean NOT NULL DEFAULT false,
    ADD COLUMN image text CHECK (image ~ '^[0-9a-f]{32}$');
CREATE INDEX products_category_idx ON products (category_id, name, id);

CREATE TABLE stock_adjustments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    delta integer NOT NULL CHECK (delta <> 0),
    stock_after integer NOT NULL CHECK (stock_after >= 0),
    reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    admin_id bigint NOT NULL REFERENCES users (id),
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stock_adjustments_product_idx ON stock_adjustments (product_id, id DESC);

-- The demo catalogue of 0002 by its sku prefixes; an operator's own products stay without a category.
INSERT INTO categories (name, slug, sort_order) VALUES
('Tea', 'tea', 10),
('Coffee', 'coffee', 20),
('Kitchen', 'kitchen', 30),
('Pantry', 'pantry', 40),
('Home', 'home', 50),
('Stationery', 'stationery', 60),
('Outdoor', 'outdoor', 70);

UPDATE products p SET category_id = c.id
FROM (VALUES ('TEA-', 'tea'), ('COF-', 'coffee'), ('KIT-', 'kitchen'), ('FOO-', 'pantry'),
             ('HOM-', 'home'), ('STA-', 'stationery'), ('OUT-', 'outdoor')) AS m (prefix, slug)
JOIN categories c ON c.slug = m.slug
WHERE p.sku LIKE m.prefix || '%' AND p.sku ~ '^[A-Z]{3}-[0-9]{3}$';
