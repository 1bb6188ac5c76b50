-- A campaign's randomized opening (docs/design.md section 7.1): grabs inside the opening window are entries, drawn at
-- its end with a seed committed in advance; the winners' entries become their vouchers (same id and code).

create table campaign_opening (
    campaign_id       bigint      primary key references campaign (id),
    opening_window_ms bigint      not null check (opening_window_ms > 0),
    result_at         timestamptz not null,
    seed_commitment   text        not null check (seed_commitment ~ '^[0-9a-f]{64}$'),
    -- The service's own seed when staff committed none: secret until the draw publishes it.
    generated_seed    text
);

-- One row per entry, written by the persister from the claim topic (the entry's claim id is the row's id).
create table campaign_entry (
    id           uuid        primary key,
    campaign_id  bigint      not null references campaign (id),
    member_id    text        not null,
    code         text        not null,
    entered_at   timestamptz not null,
    status       text        not null check (status in ('ENTERED', 'SELECTED', 'NOT_SELECTED')),
    revision     integer     not null default 0,
    unique (campaign_id, member_id)
);

-- The published draw, stored once per campaign.
create table campaign_draw (
    campaign_id     bigint      primary key references campaign (id),
    seed            text        not null,
    entries_digest  text        not null,
    result          text        not null,
    drawn_at        timestamptz not null
);
