-- Coupon rules of a campaign (docs/design.md section 7.1) and each voucher's own validity. Absent rules are
-- null, and such a campaign behaves as before they existed.

alter table campaign
    add column zone                   text    not null default 'Asia/Shanghai', -- IANA zone of its days and hours
    add column daily_stock            integer check (daily_stock >= 1),
    add column per_member_daily_limit integer check (per_member_daily_limit >= 1),
    add column validity_days          integer check (validity_days >= 1),
    -- spans joined by ';', each "MON,TUE 10:00-22:00" (days, from, to exclusive, in zone); null: any hour
    add column redeem_hours           text;

-- Until when (exclusive) the voucher is redeemable: its grab plus the campaign's validity, never past
-- redeem_ends_at. Written by the persister; a row without it (stored before this column) is valid until the
-- campaign's redeem_ends_at, as it was then.
alter table voucher add column valid_until timestamptz;
