{{ header }}
-- {{ intro }}
-- Text columns refuse empty text and text with whitespace at either end; a primary key cannot
-- be updated, since the journal follows each row by it.

create schema if not exists journal;
{%- for s in schemas %}
create schema if not exists {{ s }};
{%- endfor %}
{% for t in tables %}
-- {{ t.qualified }}: model `{{ t.model }}`
create table {{ t.qualified }} (
{%- for c in t.columns %}
  {{ c.name }} {{ c.ty }}{% if !c.nullable %} not null{% endif %}{% if let Some(d) = c.default %} default {{ d }}{% endif %}{% if let Some(check) = c.check %}
    {{ check }}{% endif %},
{%- endfor %}
  primary key ({{ t.pkey }})
);
{%- for c in t.comments %}
comment on {{ c }};
{%- endfor %}
{% for i in t.indexes %}
create {% if i.unique %}unique {% endif %}index {{ i.name }} on {{ t.qualified }} ({{ i.columns }}){% if let Some(w) = i.predicate %} where {{ w }}{% endif %};
{%- endfor %}
{%- if let Some(updated_at) = t.updated_at %}

create function {{ t.fn_updated_at }}() returns trigger language plpgsql as $$
begin
  new.{{ updated_at }} := now();
  return new;
end
$$;
create trigger {{ t.trigger_updated_at }} before update on {{ t.qualified }}
  for each row execute function {{ t.fn_updated_at }}();
{%- endif %}

create function {{ t.fn_keep_pkey }}() returns trigger language plpgsql as $$
begin
  raise exception 'table {{ t.qualified }} is journaled: its primary key ({{ t.pkey }}) cannot be updated'
    using errcode = 'integrity_constraint_violation',
          hint = 'insert a new row and delete the old one';
end
$$;
create trigger {{ t.trigger_keep_pkey }} before update of {{ t.pkey }} on {{ t.qualified }}
  for each row when ({{ t.pkey_changed }}) execute function {{ t.fn_keep_pkey }}();

create table {{ t.journal }} (
  journal_id bigserial primary key,
  journal_timestamp timestamptz not null default now(),
  journal_operation text not null check (journal_operation in ('INSERT', 'UPDATE', 'DELETE')),
  journal_sent_at timestamptz,
{%- for c in t.columns %}
  {{ c.name }} {{ c.ty }}{% if !loop.last %},{% endif %}
{%- endfor %}
);
create index {{ t.journal_index }} on {{ t.journal }} ({{ t.pkey }}, journal_id);
create index {{ t.outbox_index }} on {{ t.journal }} (journal_id) where journal_sent_at is null;

{{ t.journal_fn }}
create trigger {{ t.trigger_journal }} after insert or update or delete on {{ t.qualified }}
  for each row execute function {{ t.fn_journal }}();
{% endfor %}
{%- if !foreign_keys.is_empty() %}
-- Foreign keys last, so that tables may refer to each other in any order.
{%- for k in foreign_keys %}
alter table {{ k.table }} add constraint {{ k.name }}
  foreign key ({{ k.columns }}) references {{ k.references }};
{%- endfor %}
{% endif -%}
