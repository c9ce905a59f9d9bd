-- Being the referrer of a child's referral gives no access to the child's record (the access
-- policy, access.policy.ts, says so: a referrer follows their referral's status only). 0003's
-- row-level security counted every live relationship, including 'referrer', so the database was
-- looser than the application. Now the two agree: a 'referrer' relationship opens nothing.
create or replace function lantern_may_see_child(p_child uuid, p_owner uuid) returns boolean
language sql stable as $$
  select case coalesce(current_setting('lantern.scope', true), '')
    when 'system' then true
    when 'signpost' then true
    when 'user' then
      exists (
        select 1 from relationships r
        where r.child_id = p_child
          and r.user_id = nullif(current_setting('lantern.user_id', true), '')::uuid
          and r.kind <> 'referrer'
          and r.starts_at <= now() and (r.ends_at is null or r.ends_at > now()))
      or exists (
        select 1 from break_glass b
        where b.child_id = p_child
          and b.user_id = nullif(current_setting('lantern.user_id', true), '')::uuid
          and b.expires_at > now())
      or (p_owner = nullif(current_setting('lantern.agency_id', true), '')::uuid
          and coalesce(current_setting('lantern.oversight', true), '') = 'on')
    else false
  end
$$;
