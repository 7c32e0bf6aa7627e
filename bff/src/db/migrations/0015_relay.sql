-- Relay to a province's own back office (issue 11): messages go through the outbox (channel 'relay'), and the
-- back office's decisions come back through a signed callback, each applied once (relay_callbacks).
alter table outbox drop constraint if exists outbox_channel_check;
alter table outbox add constraint outbox_channel_check check (channel in ('sms', 'wechat_subscribe', 'relay'));

create table relay_callbacks (
  decision_id text primary key,
  application_id uuid not null references applications(id),
  stage text not null,
  outcome text not null check (outcome in ('pass', 'fail')),
  received_at timestamptz not null default now()
);
create index relay_callbacks_app on relay_callbacks (application_id);
