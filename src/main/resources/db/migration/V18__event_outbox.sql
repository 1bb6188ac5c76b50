-- Events of changes that are Postgres transactions rather than claims on a Kafka topic (a redemption, a refund):
-- written in the transaction of the change, read and removed by the webhook relay in its own transaction, which records
-- their deliveries (docs/design.md section 11, note 37).

create table event_outbox (
    id           bigint      generated always as identity primary key,  -- order of adding
    event_id     text        not null unique,   -- webhook-id: the same on every delivery and retry
    event_type   text        not null,
    occurred_at  timestamptz not null,          -- the body's timestamp: when the change was made
    data         text        not null,          -- the event's JSON data
    created_at   timestamptz not null default now()
);
