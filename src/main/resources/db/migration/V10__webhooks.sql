-- Webhooks (docs/design.md section 7.1, Standard Webhooks 1.0): staff subscriptions, and per subscription one delivery
-- row per event, written before the Kafka position is committed (an outbox) and sent from here with retries.

create table webhook_subscription (
    id          uuid        primary key,
    url         text        not null,
    events      text[]      not null,
    secret      text        not null,            -- whsec_<base64 key>: signs every delivery, shown once at creation
    created_at  timestamptz not null default now()
);

create table webhook_delivery (
    id               bigint      generated always as identity primary key,  -- order of recording
    subscription_id  uuid        not null references webhook_subscription (id) on delete cascade,
    event_id         text        not null,      -- webhook-id: the same on every retry
    event_type       text        not null,
    payload          text        not null,      -- the exact body sent on every attempt
    status           text        not null default 'PENDING' check (status in ('PENDING', 'DELIVERED', 'FAILED')),
    attempts         integer     not null default 0,
    last_status      integer,                   -- the receiver's last HTTP status, null when it did not answer
    last_error       text,
    created_at       timestamptz not null default now(),
    next_attempt_at  timestamptz not null default now(),
    delivered_at     timestamptz,
    unique (subscription_id, event_id)          -- a Kafka record read twice records its delivery once
);

create index webhook_delivery_due on webhook_delivery (next_attempt_at, id) where status = 'PENDING';
create index webhook_delivery_history on webhook_delivery (subscription_id, id);
