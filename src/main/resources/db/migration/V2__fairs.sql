-- Fairs, their stall categories, merchants' registrations (one row per claim, written by the persister and
-- updated by later revisions of the claim: released, promoted from the waiting list, handed a stall by a
-- draw), and the published lottery draws. Uniqueness lives here too (DESIGN.md section 6).

create table fair (
    id                      bigint generated always as identity primary key,
    name                    text        not null,
    theme                   text        not null,
    venue                   text        not null,
    starts_at               timestamptz not null,
    ends_at                 timestamptz not null,
    registration_opens_at   timestamptz not null,
    registration_closes_at  timestamptz not null,
    allocation              text        not null check (allocation in ('FIRST_COME', 'LOTTERY')),
    created_at              timestamptz not null default now(),
    check (starts_at < ends_at),
    check (registration_opens_at < registration_closes_at)
);

create table fair_category (
    fair_id    bigint  not null references fair (id),
    code       text    not null,
    name       text    not null,
    stalls     integer not null check (stalls between 1 and 999),
    fee_cents  bigint  not null check (fee_cents >= 0),
    position   integer not null,
    primary key (fair_id, code)
);

create table registration (
    id              uuid        primary key,              -- the claim id: a claim delivered twice is stored once
    fair_id         bigint      not null references fair (id),
    category        text        not null,
    merchant_id     text        not null,
    merchant_name   text        not null,
    special_offer   boolean     not null,
    fee_cents       bigint      not null check (fee_cents >= 0),
    status          text        not null check (status in ('HELD', 'WAITING', 'RELEASED')),
    stall_number    text,
    revision        integer     not null check (revision >= 0), -- the claim's latest change stored
    registered_at   timestamptz not null,
    updated_at      timestamptz not null default now(),
    foreign key (fair_id, category) references fair_category (fair_id, code),
    check ((status = 'HELD') = (stall_number is not null) or status = 'RELEASED')
);

-- One active registration (holding a stall or waiting for one) per merchant per fair.
create unique index registration_one_active_per_merchant on registration (fair_id, merchant_id) where status <> 'RELEASED';
create index registration_merchant on registration (merchant_id, registered_at desc);
create index registration_fair on registration (fair_id, category, registered_at);

create table fair_draw (
    fair_id         bigint      primary key references fair (id),  -- one draw per fair
    seed            text        not null,
    entries_digest  text        not null,
    result          text        not null,                           -- the published result, JSON
    drawn_at        timestamptz not null
);
