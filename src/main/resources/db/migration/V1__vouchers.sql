-- Voucher campaigns, the vouchers members grabbed (one row per claim, written by the persister), and
-- redemptions at the stalls. Uniqueness lives here too, not only in Redis (DESIGN.md section 6).

create table campaign (
    id                bigint generated always as identity primary key,
    name              text        not null,
    stock             integer     not null check (stock between 1 and 1000000),
    per_member_limit  integer     not null check (per_member_limit >= 1),
    grab_starts_at    timestamptz not null,
    grab_ends_at      timestamptz not null,
    redeem_starts_at  timestamptz not null,
    redeem_ends_at    timestamptz not null,
    discount_type     text        not null check (discount_type in ('AMOUNT_OFF')),
    amount_off_cents  bigint      not null check (amount_off_cents > 0),
    min_spend_cents   bigint      not null check (min_spend_cents >= 0),
    fair_id           bigint,
    paused            boolean     not null default false,
    created_at        timestamptz not null default now(),
    check (grab_starts_at < grab_ends_at),
    check (redeem_starts_at < redeem_ends_at)
);

create table voucher (
    id           uuid        primary key,              -- the claim id: a claim delivered twice is stored once
    campaign_id  bigint      not null references campaign (id),
    member_id    text        not null,
    seq          integer     not null check (seq >= 1), -- the member's n-th voucher of this campaign
    code         text        not null unique,
    grabbed_at   timestamptz not null,
    stored_at    timestamptz not null default now(),
    redeemed_at  timestamptz,
    unique (campaign_id, member_id, seq)
);

create index voucher_member on voucher (member_id, grabbed_at desc);

create table redemption (
    id                  uuid        primary key,
    voucher_id          uuid        not null unique references voucher (id),
    merchant_id         text        not null,
    idempotency_key     text        not null,
    order_amount_cents  bigint      not null check (order_amount_cents > 0),
    discount_cents      bigint      not null check (discount_cents >= 0),
    payable_cents       bigint      not null check (payable_cents >= 0),
    redeemed_at         timestamptz not null,
    unique (merchant_id, idempotency_key)
);
