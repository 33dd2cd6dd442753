namespace O4O.Platform.Data;

/// <summary>
/// Every table and column the migrations in <c>Migrations/</c> create: what the platform's queries need to find.
/// Readiness checks that each still exists; a test compares this list with a freshly migrated database, so a
/// migration that adds a table or a column fails the build until it is named here too.
/// </summary>
internal static class RequiredSchema
{
    public static readonly IReadOnlyDictionary<string, string[]> Tables = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["users"] =
        [
            "id", "email", "password_hash", "role", "created_at", "locked_until", "disabled", "session_version",
        ],
        ["products"] = ["id", "sku", "name", "description", "price", "stock", "created_at", "updated_at", "category_id", "archived", "image"],
        ["orders"] =
        [
            "id", "user_id", "status", "total", "idempotency_key", "created_at", "idempotency_request_hash",
            "courier", "tracking_number", "recipient", "phone", "postal_code", "address", "address_detail", "delivery_note",
        ],
        ["order_status_history"] = ["id", "order_id", "status", "at", "actor_id", "actor_email", "note"],
        ["order_items"] = ["order_id", "product_id", "quantity", "unit_price"],
        ["auth_events"] = ["id", "at", "email", "client_address", "succeeded", "reason"],
        ["user_lock_events"] = ["id", "at", "user_id", "admin_id", "locked"],
        ["login_lockouts"] = ["user_id", "client_address", "failures", "window_start", "locked_until"],
        ["cart_items"] = ["user_id", "product_id", "quantity", "added_at"],
        ["categories"] = ["id", "name", "slug", "sort_order", "name_ko"],
        ["stock_adjustments"] = ["id", "product_id", "delta", "stock_after", "reason", "admin_id", "at"],
    };
}
