-- Refunds and voids (docs/design.md section 7.1). A refunded redemption stays as a row (the settlement counts it);
-- its voucher is redeemable again, so a voucher may have several redemptions over time but at most one that stands
-- (the partial unique index replaces the unique voucher_id of V1: Postgres, not only the code, keeps "never redeemed
-- twice at once"). A voided voucher keeps its reason and is never redeemable again.

alter table campaign
    add column refund_window_seconds bigint not null default 604800
        check (refund_window_seconds between 0 and 31622400);  -- P7D by default, at most 366 days

alter table voucher
    add column voided_at   timestamptz,
    add column void_reason text,
    add column voided_by   text,
    add constraint voucher_void_has_reason check ((voided_at is null) = (void_reason is null));

alter table redemption
    add column refunded_at timestamptz,
    drop constraint redemption_voucher_id_key;

create unique index redemption_one_standing_per_voucher on redemption (voucher_id) where refunded_at is null;
create index redemption_voucher on redemption (voucher_id);
