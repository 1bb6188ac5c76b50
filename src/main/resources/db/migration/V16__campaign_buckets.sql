-- A campaign's stock split over buckets (docs/design.md section 11, notes 33 and 34): each bucket a pool under its own
-- Redis hash tag (its own Cluster slot) and its own Kafka record key. 1, the default, is the campaign as before.

alter table campaign add column buckets integer not null default 1 check (buckets between 1 and 64);
