-- An Idempotency-Key names one request, not any request: the SHA-256 of the canonical order it placed is kept beside
-- it, so a retry with the same key and another body is refused instead of being answered with the first order.
-- Orders placed before this migration have no hash and replay as before.
ALTER TABLE orders ADD COLUMN idempotency_request_hash bytea
    CHECK (idempotency_request_hash IS NULL OR length(idempotency_request_hash) = 32);
