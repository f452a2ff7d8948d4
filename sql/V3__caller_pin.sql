-- An optional PIN per caller (Argon2id hash): when set, the phone menu asks for it before it
-- tells the status of a ticket, since caller ids can be spoofed.
ALTER TABLE callers ADD COLUMN pin_hash VARCHAR(255) NULL AFTER vip;
