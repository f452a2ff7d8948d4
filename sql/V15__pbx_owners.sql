-- Which Firstline node follows each PBX (cluster mode, FIRSTLINE_CLUSTER=true; a single node never writes here).
-- A node owns a PBX's link while its lease holds: lease_until is set from the database's clock (NOW(3)), never a
-- node's, so clock skew between nodes does not matter. Every acquisition (the first, or a takeover once the lease
-- has run out) adds one to epoch; the call-record and presence writes of the PBX check, in their own transaction and
-- with a share lock on this row, that it still names their node and the epoch they started under (docs/cluster.md).
CREATE TABLE pbx_owners (
  pbx          VARCHAR(64)  NOT NULL,
  node         VARCHAR(100) NOT NULL COMMENT 'FIRSTLINE_NODE_ID of the owner',
  epoch        BIGINT       NOT NULL,
  lease_until  DATETIME(3)  NOT NULL COMMENT 'UTC, by the database clock; in the past once released',
  acquired_at  DATETIME(3)      NULL COMMENT 'when the current owner took the lease (its epoch began)',
  PRIMARY KEY (pbx)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
