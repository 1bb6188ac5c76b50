-- Schema of the naive peer (bench.sh step 5), in its own database: a stock row and the vouchers with
-- the same uniqueness as fairrush's own table (primary key, unique code).
DROP TABLE IF EXISTS bench_voucher;
DROP TABLE IF EXISTS bench_campaign;
CREATE TABLE bench_campaign (id bigint PRIMARY KEY, remaining integer NOT NULL CHECK (remaining >= 0));
CREATE TABLE bench_voucher (
    id          uuid PRIMARY KEY,
    campaign_id bigint NOT NULL REFERENCES bench_campaign (id),
    member_id   text NOT NULL,
    code        text NOT NULL UNIQUE,
    grabbed_at  timestamptz NOT NULL
);
INSERT INTO bench_campaign VALUES (1, 100000000);
