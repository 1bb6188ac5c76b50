-- The naive peer of bench.sh step 5: one grab as a conditional UPDATE of the stock row plus the insert
-- of the voucher, in one statement (one transaction), per request. pgbench runs it per client.
\set member random(1, 1000000000)
WITH took AS (
  UPDATE bench_campaign SET remaining = remaining - 1 WHERE id = 1 AND remaining > 0 RETURNING id
)
INSERT INTO bench_voucher (id, campaign_id, member_id, code, grabbed_at)
SELECT gen_random_uuid(), took.id, 'm-' || :member, md5(random()::text), now() FROM took;
