{% from "_grid.sql" import active_workers_in, share %}
-- insured_worker_share(insurance_types): active workers with an enrollment of one of the types
-- covering week end / active workers; base: the active workers
with insured as (
    select distinct worker_id_hash
    from covering_enrollments
    where insurance_type in ({{ insurance_types | map("literal") | join(", ") }})
),

{{ active_workers_in("insured") }},

{{ share("workers") }}
