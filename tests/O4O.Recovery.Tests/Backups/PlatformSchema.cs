using Npgsql;

namespace O4O.Recovery.Tests.Backups;

/// <summary>Tables shaped like the platform's (users, products, orders, order_items) with a small data set.</summary>
public static class PlatformSchema
{
    public const string Create = """
        CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE products (id bigserial PRIMARY KEY, name text NOT NULL, price numeric(12,2) NOT NULL, stock int NOT NULL CHECK (stock >= 0), attributes jsonb NOT NULL DEFAULT '{}');
        CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users(id), total numeric(12,2) NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE order_items (id bigserial PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders(id), product_id bigint NOT NULL REFERENCES products(id), quantity int NOT NULL CHECK (quantity > 0), price numeric(12,2) NOT NULL);
        CREATE INDEX order_items_order_id ON order_items (order_id);
        """;

    public const string Seed = """
        INSERT INTO users (email, name) SELECT 'user' || g || '@example.com', 'User ' || md5(g::text) FROM generate_series(1, 200) g;
        INSERT INTO products (name, price, stock, attributes)
            SELECT 'Product ' || g, (g % 97) + 0.99, 1000000, jsonb_build_object('color', md5(g::text), 'tags', jsonb_build_array(g, 'x\ty'))
            FROM generate_series(1, 50) g;
        INSERT INTO orders (user_id, total) SELECT 1 + g % 200, g * 1.5 FROM generate_series(1, 300) g;
        INSERT INTO order_items (order_id, product_id, quantity, price) SELECT 1 + g % 300, 1 + g % 50, 1 + g % 3, 9.99 FROM generate_series(1, 900) g;
        """;

    public static readonly string[] Tables = ["users", "products", "orders", "order_items"];

    /// <summary>Creates and fills the tables in the database at <paramref name="connectionString"/>.</summary>
    public static async Task CreateAsync(string connectionString, bool seed = true)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(Create + (seed ? Seed : ""), connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>An ordered hash of every table's rows: equal hashes mean equal content.</summary>
    public static async Task<Dictionary<string, string>> HashesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        var hashes = new Dictionary<string, string>();
        foreach (var table in Tables)
        {
            await using var command = new NpgsqlCommand($"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM {table} t", connection);
            hashes[table] = (string)(await command.ExecuteScalarAsync())!;
        }

        return hashes;
    }

    /// <summary>Runs one statement and returns its scalar result.</summary>
    public static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
