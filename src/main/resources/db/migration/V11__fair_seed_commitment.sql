-- A lottery fair's seed commitment (docs/design.md section 7.1): the SHA-256 of the seed, published before
-- registration closes; the draw must present the seed that hashes to it. Set at creation or replaced until
-- registration closes (the service checks the window).
create table fair_seed_commitment (
    fair_id       bigint      primary key references fair (id),
    commitment    text        not null check (commitment ~ '^[0-9a-f]{64}$'),
    committed_at  timestamptz not null
);
