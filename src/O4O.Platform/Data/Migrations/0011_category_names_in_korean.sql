-- The shop's pages are in English and Korean, and a category's name is page text: a Korean shopper read "Tea" in a
-- Korean page. Each category may have a Korean name, shown on Korean pages (the English name otherwise). The demo
-- categories of 0010 get theirs while they still have their seeded names; an operator's renamed category is left as it is.
ALTER TABLE categories ADD COLUMN name_ko text CHECK (length(name_ko) BETWEEN 1 AND 100);

UPDATE categories AS c SET name_ko = d.name_ko
FROM (VALUES
('tea', 'Tea', '차'),
('coffee', 'Coffee', '커피'),
('kitchen', 'Kitchen', '주방'),
('pantry', 'Pantry', '식품'),
('home', 'Home', '생활'),
('stationery', 'Stationery', '문구'),
('outdoor', 'Outdoor', '아웃도어')) AS d (slug, name, name_ko)
WHERE c.slug = d.slug AND c.name = d.name;
