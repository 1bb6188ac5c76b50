-- Waiting-list offers (docs/design.md section 7.1): a fair's waiting list either confirms the first in line at once
-- (AUTO_CONFIRM, as before) or offers a freed stall for a while (OFFER, holding it for waitlist_hold_seconds).
-- A registration offered a stall is OFFERED with the stall and the offer's end; an offer that ended without
-- acceptance leaves the registration RELEASED with offer_outcome DECLINED or EXPIRED (a plain cancellation has none).
alter table fair
    add column waitlist_mode text not null default 'AUTO_CONFIRM' check (waitlist_mode in ('AUTO_CONFIRM', 'OFFER')),
    add column waitlist_hold_seconds bigint check (waitlist_hold_seconds > 0),
    add constraint fair_offer_holds check ((waitlist_mode = 'OFFER') = (waitlist_hold_seconds is not null));

alter table registration
    add column offer_expires_at timestamptz,
    add column offer_outcome text check (offer_outcome in ('DECLINED', 'EXPIRED')),
    drop constraint registration_status_check,
    add constraint registration_status_check check (status in ('HELD', 'WAITING', 'OFFERED', 'RELEASED')),
    drop constraint registration_check,
    add constraint registration_stall_check check ((status in ('HELD', 'OFFERED')) = (stall_number is not null) or status = 'RELEASED'),
    add constraint registration_offer_check check ((status = 'OFFERED') = (offer_expires_at is not null) or status = 'RELEASED');
